"""Seed the instruments the studio books, and the names clients use for them.

The lists are frozen here on purpose: a migration must do the same thing
forever. Later additions are made in the admin (or a new migration).
"""

from django.db import migrations

INSTRUMENTS = {
    "Acoustic guitar": "acoustic-guitar",
    "Cello": "cello",
    "Drums": "drums",
    "Electric bass": "electric-bass",
    "Electric guitar": "electric-guitar",
    "Keyboard": "keyboard",
    "Live piano": "live-piano",
    "Organ": "organ",
    "Percussion": "percussion",
    "Tenor sax": "tenor-sax",
    "Trumpet": "trumpet",
    "Upright bass": "upright-bass",
    "Violin": "violin",
    "Vocals": "vocals",
}

ALIASES = {
    "keys": "keyboard",
    "synth": "keyboard",
    "piano": "live-piano",
    "bass": "electric-bass",
    "bass guitar": "electric-bass",
    "electric bass guitar": "electric-bass",
    "double bass": "upright-bass",
    "stand-up bass": "upright-bass",
    "acoustic bass": "upright-bass",
    "drum kit": "drums",
    "drummer": "drums",
    "kit": "drums",
    "guitar": "electric-guitar",
    "acoustic": "acoustic-guitar",
    "sax": "tenor-sax",
    "tenor saxophone": "tenor-sax",
    "saxophone": "tenor-sax",
    "fiddle": "violin",
    "vocalist": "vocals",
    "singer": "vocals",
    "voice": "vocals",
    "percussionist": "percussion",
    "hammond": "organ",
    "b3": "organ",
    "violoncello": "cello",
    "horn": "trumpet",
}


def seed(apps, schema_editor):
    Instrument = apps.get_model("musicians", "Instrument")
    InstrumentAlias = apps.get_model("musicians", "InstrumentAlias")
    by_slug = {}
    for name, slug in INSTRUMENTS.items():
        by_slug[slug], _ = Instrument.objects.get_or_create(slug=slug, defaults={"name": name})
    for alias, slug in ALIASES.items():
        if not InstrumentAlias.objects.filter(alias__iexact=alias).exists():
            InstrumentAlias.objects.create(instrument=by_slug[slug], alias=alias)


class Migration(migrations.Migration):
    dependencies = [("musicians", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

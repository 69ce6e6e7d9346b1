"""Seed the instruments the studio books, and the names clients use for them."""

from django.db import migrations

from musicians.seed_data import ALIASES, INSTRUMENTS

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

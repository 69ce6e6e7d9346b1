"""The studio's starting instruments and the other names clients use for them.

Seeded by migration 0002, which has already run on every database: add new
instruments in the admin (or in a new data migration), not here. Plain data, no
Django imports, so the parser's tests can use it without a database.
"""

# Display name -> slug.
INSTRUMENTS: dict[str, str] = {
    "Acoustic guitar": "acoustic-guitar",
    "Drums": "drums",
    "Electric bass": "electric-bass",
    "Electric guitar": "electric-guitar",
    "Keyboard": "keyboard",
    "Live piano": "live-piano",
    "Tenor sax": "tenor-sax",
    "Trumpet": "trumpet",
    "Upright bass": "upright-bass",
    "Violin": "violin",
    "Vocals": "vocals",
    "Percussion": "percussion",
    "Cello": "cello",
    "Organ": "organ",
}

# Alias -> slug. Plurals need no entry: the parser tries singular and plural forms.
ALIASES: dict[str, str] = {
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

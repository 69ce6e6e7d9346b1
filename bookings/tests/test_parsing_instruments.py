"""The instrument catalog and the `Instruments:` line: names, aliases, plurals and counts."""

import pytest

from bookings.parsing import InstrumentCatalog, OrderParseError, RequestedSeat
from bookings.tests.parsing_support import order_with_instruments, parse, studio_catalog
from musicians.seed_data import ALIASES, INSTRUMENTS


@pytest.fixture(scope="module")
def catalog() -> InstrumentCatalog:
    """The studio's seed instruments and aliases, as the caller builds it from the database."""
    return studio_catalog()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Drums", "drums"),
        ("drums", "drums"),
        ("DRUMS", "drums"),
        ("drum", "drums"),
        ("electric-bass", "electric-bass"),
        ("Electric Bass", "electric-bass"),
        ("electric basses", "electric-bass"),
        ("bass", "electric-bass"),
        ("basses", "electric-bass"),
        ("bass guitar", "electric-bass"),
        ("Bass Guitars", "electric-bass"),
        ("electric bass guitar", "electric-bass"),
        ("keys", "keyboard"),
        ("keyboards", "keyboard"),
        ("violins", "violin"),
        ("fiddles", "violin"),
        ("Stand-up bass", "upright-bass"),
        ("standup bass", "upright-bass"),
        ("double  bass", "upright-bass"),
        ("B3", "organ"),
        ("hammond", "organ"),
        ("vocalists", "vocals"),
        ("voices", "vocals"),
        ("sax", "tenor-sax"),
        ("saxes", "tenor-sax"),
        ("tenor saxophone", "tenor-sax"),
        ("piano", "live-piano"),
        ("horns", "trumpet"),
        ("percussionists", "percussion"),
        ("cellos", "cello"),
    ],
)
def test_it_looks_up_names_slugs_aliases_and_plurals(catalog, text, slug):
    assert catalog.lookup(text) == slug


@pytest.mark.parametrize("text", ["banjo", "", "   ", "--", "bassoon", "s"])
def test_it_knows_nothing_else(catalog, text):
    assert catalog.lookup(text) is None


def test_it_lists_known_names_sorted(catalog):
    assert catalog.known_names()[:3] == ["Acoustic guitar", "Cello", "Drums"]
    assert len(catalog.known_names()) == len(INSTRUMENTS)


def test_it_refuses_an_alias_for_an_unknown_slug():
    with pytest.raises(ValueError, match="banjo"):
        InstrumentCatalog(INSTRUMENTS, {"banjer": "banjo"})


def test_it_lets_a_name_win_over_an_alias_spelled_the_same():
    catalog = InstrumentCatalog({"Bass": "bass", "Electric bass": "electric-bass"}, {"bass": "electric-bass"})

    assert catalog.lookup("bass") == "bass"


def test_the_seed_aliases_all_point_at_seed_instruments():
    assert set(ALIASES.values()) <= set(INSTRUMENTS.values())


@pytest.mark.parametrize(
    "instruments",
    [
        "2 violins",
        "two violins",
        "violin x2",
        "violin x 2",
        "violins (2)",
        "2x violin",
        "2 x violin",
        "violin × 2",
        "violins: 2",
        "2 violin players",
        "violin, violin",
        "a violin and a fiddle",
    ],
)
def test_it_reads_counts(instruments):
    assert parse(order_with_instruments(instruments)).seats == (RequestedSeat("violin", 2),)


@pytest.mark.parametrize(
    "instruments",
    [
        "drums, bass; keys and organ",
        "drums & bass + keys plus organ",
        "drums\n- bass\n- keys\n- organ",
        "Drums,bass,KEYS,b3.",
    ],
)
def test_it_splits_lists(instruments):
    seats = parse(order_with_instruments(instruments)).seats

    assert [seat.instrument_slug for seat in seats] == ["drums", "electric-bass", "keyboard", "organ"]


def test_it_merges_counts_in_order_of_first_mention():
    seats = parse(order_with_instruments("violin, drums, 2 fiddles, kit")).seats

    assert seats == (RequestedSeat("violin", 3), RequestedSeat("drums", 2))


def test_it_names_every_unknown_instrument_and_lists_the_known_ones():
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments("drums, banjo, 2 kazoos"))

    known = (
        "acoustic guitar, cello, drums, electric bass, electric guitar, keyboard, live piano, organ, "
        "percussion, tenor sax, trumpet, upright bass, violin, vocals"
    )
    assert raised.value.errors == [
        f'Unknown instrument "banjo". Known instruments: {known}.',
        f'Unknown instrument "kazoos". Known instruments: {known}.',
    ]


@pytest.mark.parametrize("instruments", ["0 violins", "21 violins", "violins (0)"])
def test_it_refuses_silly_counts(instruments):
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments(instruments))

    assert raised.value.errors == ['The count for "violins" must be between 1 and 20.']


@pytest.mark.parametrize("instruments", ["", ", ;", "-"])
def test_it_needs_at_least_one_instrument(instruments):
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments(instruments))

    assert raised.value.errors == ['No instruments found: add a line like "Instruments: drums, bass".']

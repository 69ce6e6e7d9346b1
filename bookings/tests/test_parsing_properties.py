"""Properties: any input returns an order or raises OrderParseError, quickly; valid orders round-trip."""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.parsing import OrderParseError, ParsedOrder, RequestedSeat
from bookings.tests.parsing_support import CANONICAL, NOW, parse
from musicians.seed_data import ALIASES, INSTRUMENTS

# A hang or runaway regex fails the example instead of stalling the suite.
ROBUST = settings(deadline=500, max_examples=300)


def parses_or_explains(**email) -> ParsedOrder | None:
    try:
        order = parse(**email)
    except OrderParseError as error:
        assert error.errors and all(isinstance(message, str) for message in error.errors)
        return None
    assert order.windows and order.seats
    return order


@ROBUST
@given(st.text())
def test_it_survives_any_plain_text(text):
    parses_or_explains(body_plain=text)


@ROBUST
@given(st.text(max_size=200), st.text(), st.text())
def test_it_survives_any_subject_and_bodies(subject, plain, html):
    parses_or_explains(subject=subject, body_plain=plain, body_html=html)


@ROBUST
@given(st.binary(), st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16", "ascii"]))
@pytest.mark.parametrize("errors", ["replace", "ignore", "surrogateescape", "backslashreplace"])
def test_it_survives_any_bytes_decoded_any_way(errors, data, encoding):
    try:
        text = data.decode(encoding, errors=errors)
    except UnicodeDecodeError:  # surrogateescape cannot mend truncated UTF-16
        text = data.decode(encoding, errors="replace")
    parses_or_explains(body_plain=text, body_html=text)


# Pieces of real orders, shuffled: reaches far more of the parser than random letters do.
FRAGMENTS = st.sampled_from(
    [
        "Instruments:",
        "Times:",
        "Session length:",
        "Time zone:",
        "Notes:",
        "MP3:",
        "Song:",
        "Client:",
        "\n",
        "\n- ",
        "\n1. ",
        "> ",
        "*",
        " ",
        ",",
        "-",
        "–",
        "/",
        ":",
        "(",
        ")",
        "x",
        "2",
        "12",
        "2026",
        "Dec",
        "December 5",
        "Sat",
        "2-5pm",
        "10:00 AM",
        "noon",
        "midnight",
        "to",
        "and",
        "am",
        "pm",
        "ET",
        "PST",
        "America/Chicago",
        "UTC+2",
        "XYZT",
        "drums",
        "violins",
        "keys",
        "banjo",
        "3 hours",
        "1h30",
        "https://x.com/a.mp3",
        "www.",
        "<p>",
        "</li>",
        "&nbsp;",
        "<![x[",
        "\u00a0",
        "\r\n",
        "---------- Forwarded message ---------",
        "From: a",
        "Date: b",
    ]
)
SHUFFLED_ORDERS = st.lists(FRAGMENTS | st.text(max_size=3), max_size=60).map("".join)


@ROBUST
@given(SHUFFLED_ORDERS)
def test_it_survives_shuffled_pieces_of_orders(text):
    parses_or_explains(body_plain=text)


@ROBUST
@given(SHUFFLED_ORDERS)
def test_it_survives_shuffled_pieces_of_orders_as_html(text):
    parses_or_explains(body_plain="", body_html=text)


@pytest.mark.parametrize(
    "text",
    [
        "Times: " + "1" * 990,
        "Times: " + "1-" * 495,
        "Times: " + "Dec " * 247,
        "Times: " + "1:" * 495,
        "Instruments: " + "2 x " * 247,
        "Instruments: " + " " * 980 + "x",
        "Session length: " + "1 h " * 245,
        "Client email: " + "a." * 490 + "@",
        "Times: " + "a/" * 495,
        "*" * 999,
        "> " * 499,
        "x" * 1_000_000,
        "Times:\n" + "- Dec 5, 2026 2-5pm\n" * 5_000,
        "<b>" * 100_000,
        "<![" * 50_000,
    ],
)
def test_it_reads_pathological_input_quickly(text):
    started = time.monotonic()

    parses_or_explains(body_plain=text, body_html=text)

    assert time.monotonic() - started < 2


# Round trip: an order rendered in the canonical format from generated fields parses back to them.
SLUGS = sorted(set(INSTRUMENTS.values()))
SPELLINGS = {slug: [n for n, s in [*INSTRUMENTS.items(), *ALIASES.items()] if s == slug] + [slug] for slug in SLUGS}
ZONES = [
    ("Eastern", "America/New_York"),
    ("Pacific", "America/Los_Angeles"),
    ("America/Chicago", "America/Chicago"),
    ("UTC", "UTC"),
]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10)
PROSE = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)


@st.composite
def seat_items(draw) -> tuple[list[str], tuple[RequestedSeat, ...]]:
    counts = draw(st.dictionaries(st.sampled_from(SLUGS), st.integers(1, 4), min_size=1, max_size=5))
    items = []
    for slug, count in counts.items():
        name = draw(st.sampled_from(SPELLINGS[slug]))
        shapes = (
            [name] if count == 1 else [f"{count} {name}", f"{name} x{count}", f"{name} ({count})", f"{count}x {name}"]
        )
        items.append(draw(st.sampled_from(shapes)))
    return items, tuple(RequestedSeat(slug, count) for slug, count in counts.items())


def clock(minutes: int, *, meridiem: bool = True, style: str = "12h") -> str:
    hour, minute = divmod(minutes, 60)
    if style == "24h":
        return f"{hour:02d}:{minute:02d}"
    shown = f"{(hour % 12) or 12}" + (f":{minute:02d}" if minute else "")
    return shown + ((" PM" if hour >= 12 else " AM") if meridiem else "")


@st.composite
def time_lines(draw, session: int, zone: ZoneInfo) -> tuple[str, datetime, datetime]:
    day = NOW.date() + timedelta(days=draw(st.integers(2, 400)))
    start = draw(st.integers(6 * 4, 12 * 4)) * 15
    end = start + session + draw(st.integers(0, 12)) * 15
    style = draw(st.sampled_from(["12h", "24h", "shared"]))
    if style == "shared" and (start < 720) == (end < 720):
        times = f"{clock(start, meridiem=False)}-{clock(end)}"
    else:
        style = "24h" if style == "shared" else style
        times = f"{clock(start, style=style)} {draw(st.sampled_from(['-', 'to', '–']))} {clock(end, style=style)}"
    line = draw(st.sampled_from([_long_date(day), f"{day.month}/{day.day}/{day.year}", day.isoformat()])) + f", {times}"
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    return line, _utc(midnight, start), _utc(midnight, end)


def _long_date(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def _utc(midnight: datetime, minutes: int) -> datetime:
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


@st.composite
def canonical_orders(draw) -> tuple[str, dict]:
    items, seats = draw(seat_items())
    session = draw(st.integers(1, 32)) * 15
    zone_written, zone_name = draw(st.sampled_from(ZONES))
    times = draw(st.lists(time_lines(session, ZoneInfo(zone_name)), min_size=1, max_size=4))
    expected = {
        "client_name": draw(PROSE),
        "client_email": f"{draw(WORDS).lower()}@example.com",
        "song_title": draw(PROSE),
        "seats": seats,
        "session_minutes": session,
        "time_zone": zone_name,
        "mp3_url": f"https://example.com/{draw(WORDS)}.mp3",
        "video_url": f"https://youtu.be/{draw(WORDS)}",
        "other_links": tuple(
            dict.fromkeys(f"https://example.com/{word}" for word in draw(st.lists(WORDS, max_size=3)))
        ),
        "notes": "\n".join(draw(st.lists(PROSE, min_size=1, max_size=3))),
        "windows": sorted({(start, end) for _, start, end in times}),
    }
    body = [
        f"Client name: {expected['client_name']}",
        f"Client email: {expected['client_email']}",
        f"Song: {expected['song_title']}",
        f"Instruments: {', '.join(items)}",
        f"Session length: {session} minutes",
        f"Time zone: {zone_written}",
        "Available times:",
        *(f"- {line}" for line, _, _ in times),
        f"MP3: {expected['mp3_url']}",
        f"Video: {expected['video_url']}",
        f"Other links: {', '.join(expected['other_links'])}",
        f"Notes: {expected['notes']}",
    ]
    return "\n".join(body), expected


@settings(deadline=500, max_examples=200)
@given(canonical_orders())
def test_a_rendered_canonical_order_parses_back_to_its_fields(order_and_expected):
    body, expected = order_and_expected

    order = parse(body)

    assert [(w.starts_at, w.ends_at) for w in order.windows] == expected.pop("windows")
    assert {name: getattr(order, name) for name in expected} == expected
    assert order.warnings == ()


def test_the_canonical_order_parses_the_same_every_time():
    assert parse(CANONICAL) == parse(CANONICAL)

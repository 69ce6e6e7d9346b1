"""Properties: any input returns an order or raises OrderParseError, quickly; valid orders round-trip."""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.parsing import OrderParseError, ParsedOrder, RequestedSeat
from bookings.parsing.labels import is_other_label, match_label
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
        # The shapes of the corpus: form tables, definition lists, labels alone on their
        # line, other separators, label notes, questions, the new day and time styles.
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "<th>",
        "<dl>",
        "<dt>",
        "<dd>",
        "<b>",
        "</b>",
        "<strong>",
        "<br>",
        "\t",
        " = ",
        " - ",
        "--- ",
        " ---",
        "?",
        " *",
        "(Eastern)",
        "(list all)",
        "Your name *",
        "What's your name?",
        "When are you free?",
        "Date:",
        "Time:",
        "Phone:",
        "Thanks,",
        "-- \n",
        "Sent from my iPhone",
        "14h30",
        "9h",
        "14:00-17:00",
        "25/12/2026",
        "5/12",
        "25.12.2026",
        "today",
        "tomorrow",
        "next Friday",
        "this Sat",
        "Friday",
        "or",
        ";",
        "London time",
        "Pacific time",
        "Drums (brushes)",
        "acoustic or electric guitar",
        "20 violins",
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


# Round trip in the corpus's layouts: the same fields written as form builders lay them out.
# A value that would itself read as a label ("Time", "Thanks") is not a fair value for
# layouts that put values alone on their line, so such values are left out.
LINE_SAFE_PROSE = PROSE.filter(lambda text: match_label(text) is None and not is_other_label(text))
LAYOUTS = ["colon", "dash", "equals", "tab", "next line", "wpforms text", "jotform", "gravity", "dl", "bold next line"]
LABELS = {
    "client": "Name",
    "email": "Email",
    "song": "Song",
    "instruments": "Instruments (list all)",
    "length": "Session length",
    "zone": "Time zone",
    "times": "Available times",
    "mp3": "MP3",
    "video": "Video",
    "links": "Other links",
    "notes": "Notes",
}


def h_clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{hour}h{minute:02d}" if minute else f"{hour}h"


@st.composite
def styled_time_lines(draw, session: int, zone: ZoneInfo, day_first: bool) -> tuple[str, datetime, datetime]:
    """A time line in the styles people use outside the US too: 14h30, 24-hour, day before month."""
    day = NOW.date() + timedelta(days=draw(st.integers(2, 400)))
    start = draw(st.integers(6 * 4, 12 * 4)) * 15
    end = start + session + draw(st.integers(0, 12)) * 15
    style = draw(st.sampled_from(["12h", "24h", "h"]))
    shown = h_clock if style == "h" else (lambda minutes: clock(minutes, style=style))
    times = f"{shown(start)}-{shown(end)}"
    dates = [_long_date(day), f"{day.day} {day:%B} {day.year}", day.isoformat()]
    if day_first and day.day > 12:
        dates.append(f"{day.day}/{day.month}/{day.year}")
    elif not day_first:
        dates.append(f"{day.month}/{day.day}/{day.year}")
    line = f"{draw(st.sampled_from(dates))}, {times}"
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    return line, _utc(midnight, start), _utc(midnight, end)


def render(layout: str, fields: dict[str, list[str]]) -> tuple[str, str]:
    """(plain body, HTML body) of the fields in one layout; each field is its value lines."""
    separator = {"colon": ": ", "dash": " - ", "equals": " = ", "tab": "\t"}.get(layout)
    if separator:
        return "\n".join(f"{LABELS[name]}{separator}" + "\n".join(lines) for name, lines in fields.items()), ""
    if layout == "next line":
        return "\n\n".join(f"{LABELS[name]}\n" + "\n".join(lines) for name, lines in fields.items()), ""
    if layout == "wpforms text":
        return "\n\n".join(f"--- {LABELS[name]} ---\n\n" + "\n".join(lines) for name, lines in fields.items()), ""
    if layout == "jotform":
        rows = (
            f"<tr><td><b>{LABELS[name]}</b></td><td>{'<br>'.join(lines)}</td></tr>" for name, lines in fields.items()
        )
        return "", f"<table>{''.join(rows)}</table>"
    if layout == "gravity":
        rows = (
            f"<tr bgcolor='#EAF2FA'><td colspan='2'><strong>{LABELS[name]}</strong></td></tr>"
            f"<tr><td width='20'>&nbsp;</td><td>{'<br />'.join(lines)}</td></tr>"
            for name, lines in fields.items()
        )
        return "", f"<table>{''.join(rows)}</table>"
    if layout == "dl":
        items = (
            f"<dt>{LABELS[name]}</dt>" + "".join(f"<dd>{line}</dd>" for line in lines) for name, lines in fields.items()
        )
        return "", f"<dl>{''.join(items)}</dl>"
    paragraphs = (f"<p><b>{LABELS[name]}</b><br>{'<br>'.join(lines)}</p>" for name, lines in fields.items())
    return "", "".join(paragraphs)


@st.composite
def orders_in_layouts(draw) -> tuple[str, str, dict]:
    layout = draw(st.sampled_from(LAYOUTS))
    items, seats = draw(seat_items())
    session = draw(st.integers(1, 32)) * 15
    zone_written, zone_name = draw(st.sampled_from(ZONES))
    day_first = draw(st.booleans())
    times = draw(st.lists(styled_time_lines(session, ZoneInfo(zone_name), day_first), min_size=1, max_size=4))
    links = list(dict.fromkeys(f"https://example.com/{word}" for word in draw(st.lists(WORDS, max_size=3))))
    expected = {
        "client_name": draw(LINE_SAFE_PROSE),
        "client_email": f"{draw(WORDS).lower()}@example.com",
        "song_title": draw(LINE_SAFE_PROSE),
        "seats": seats,
        "session_minutes": session,
        "time_zone": zone_name,
        "mp3_url": f"https://example.com/{draw(WORDS)}.mp3",
        "video_url": f"https://youtu.be/{draw(WORDS)}",
        "other_links": tuple(links),
        "notes": "\n".join(draw(st.lists(LINE_SAFE_PROSE, min_size=1, max_size=3))),
        "windows": sorted({(start, end) for _, start, end in times}),
    }
    fields = {
        "client": [expected["client_name"]],
        "email": [expected["client_email"]],
        "song": [expected["song_title"]],
        "instruments": [", ".join(items)],
        "length": [f"{session} minutes"],
        "zone": [zone_written],
        "times": [line for line, _, _ in times],
        "mp3": [expected["mp3_url"]],
        "video": [expected["video_url"]],
        **({"links": [", ".join(links)]} if links else {}),
        "notes": expected["notes"].split("\n"),
    }
    plain, html = render(layout, fields)
    return plain, html, expected


@settings(deadline=500, max_examples=300)
@given(orders_in_layouts())
def test_an_order_in_any_corpus_layout_parses_back_to_its_fields(order_and_expected):
    plain, html, expected = order_and_expected

    order = parse(plain, body_html=html)

    assert [(w.starts_at, w.ends_at) for w in order.windows] == expected.pop("windows")
    assert {name: getattr(order, name) for name in expected} == expected
    assert order.warnings == ()


def _takes_a_clock_time(text: str) -> bool:
    """What splitting lines asked before `mentions_clock_time`: read every time, and say if any was there."""
    from bookings.parsing.clock import take_clock_times
    from bookings.parsing.dates import Unreadable

    try:
        return bool(take_clock_times(text)[0])
    except Unreadable:
        return True


CLOCKISH = st.text(alphabet="0123456789:.- apmnoidghtuletrh,;", max_size=40)


@ROBUST
@given(st.one_of(CLOCKISH, st.text(max_size=60)))
def test_mentions_clock_time_answers_as_reading_the_times_would(text):
    from bookings.parsing.clock import mentions_clock_time

    lowered = text.lower()
    assert mentions_clock_time(lowered) == _takes_a_clock_time(lowered)


@pytest.mark.parametrize(
    "text",
    ["2-5pm", "2", "2026", "noon", "10:30", "11-2pm", "25:00", "9.30 am", "13pm-2pm", "12 midnight", "a 2 p", "at 7"],
)
def test_mentions_clock_time_on_the_edges(text):
    from bookings.parsing.clock import mentions_clock_time

    assert mentions_clock_time(text) == _takes_a_clock_time(text)

"""Input that must not hurt: broken HTML costs little, and seats, windows and errors are capped."""

import contextlib
import json
import time
from pathlib import Path

import pytest

from bookings.parsing import OrderParseError
from bookings.parsing.markup import HTML_TOO_LONG_WARNING, MAX_HTML_LINES, MAX_HTML_TAGS, read_html
from bookings.parsing.result import MAX_ERROR_CHARS, MAX_ERRORS, MAX_WARNINGS
from bookings.parsing.seats import MAX_ITEMS, MAX_SEATS
from bookings.parsing.windows import MAX_SESSIONS, MAX_WINDOWS
from bookings.tests.parsing_support import order_with_instruments, order_with_times, parse

NORMAL_HTML_EMAIL = (Path(__file__).parent / "corpus" / "gravity_forms_all_fields.html").read_text()
# How much slower than a normal HTML email a hostile one may be. Generous, because the
# machine is shared; the stdlib parser took 40 s (tens of thousands of times) on these.
# CPU time, not wall time: on a busy machine a long run is preempted more than a short one.
SLOWDOWN_ALLOWED = 50

# About 100 KB each: the shapes that made the stdlib HTMLParser quadratic, and friends.
BROKEN_HTML = {
    "unclosed anchors": "<a " * 33_000,
    "lone angle brackets": "<" * 100_000,
    "nested unclosed divs": "<div>" * 20_000,
    "nested unclosed mixed tags": "<div><span><b><i>" * 6_000,
    "a huge attribute list": "<p " + 'data-x="1" ' * 9_000 + ">text</p>",
    "unterminated attribute": '<a href="' + "x" * 100_000,
    "unclosed comments": "<!--" * 25_000,
    "unclosed declarations": "<![" * 33_000,
    "half-closed tags": "</" * 50_000,
    "angle brackets inside tags": "<p<" * 33_000,
    "an unclosed script": "<script>" + "x<" * 50_000,
    "nested tables": "<table><tr><td>x" * 6_000,
    "line breaks": "<br>" * 25_000,
    "list items of times": "<li>2-5pm" * 10_000,
    "entities": "&amp;" * 20_000,
}


def fastest_parse_seconds(html: str, runs: int) -> float:
    """The least CPU time of `runs` parses."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        with contextlib.suppress(OrderParseError):  # a refusal is as good as an order here
            parse(body_html=html)
        timings.append(time.process_time() - started)
    return min(timings)


@pytest.mark.parametrize("html", BROKEN_HTML.values(), ids=BROKEN_HTML.keys())
def test_it_reads_broken_html_about_as_fast_as_a_normal_email(html):
    normal = fastest_parse_seconds(NORMAL_HTML_EMAIL, runs=5)

    hostile = fastest_parse_seconds(html, runs=3)

    assert hostile <= SLOWDOWN_ALLOWED * normal


@pytest.mark.parametrize("html", ["<b>" * 300_000, "<br>" * 300_000, "<p>x</p>" * 200_000])
def test_it_reads_at_most_a_bounded_amount_of_html(html):
    lines, warnings = read_html(html)

    assert len(lines) <= MAX_HTML_LINES
    assert warnings == [HTML_TOO_LONG_WARNING]


def test_it_looks_at_no_more_than_the_tag_limit():
    lines, warnings = read_html("<b></b>" * (MAX_HTML_TAGS // 2) + "<p>Instruments: drums</p>")

    assert "Instruments: drums" not in lines
    assert warnings == [HTML_TOO_LONG_WARNING]


def test_it_refuses_more_seats_than_an_order_can_have():
    # Each item is within the per-instrument cap; together they are not.
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments("20 violins, 20 cellos, 20 drums"))

    assert raised.value.errors == [f"The order asks for 60 musicians; one order can seat at most {MAX_SEATS}."]


def test_it_seats_exactly_the_most_an_order_can_have():
    order = parse(order_with_instruments("10 violins, 10 cellos"))

    assert sum(seat.count for seat in order.seats) == MAX_SEATS


def test_it_refuses_an_instrument_list_longer_than_any_band_in_one_error():
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments(", ".join(["drums"] * (MAX_ITEMS + 1))))

    assert raised.value.errors == [
        f"The instruments list has {MAX_ITEMS + 1} items; an order can ask for {MAX_SEATS} seats."
    ]


def test_it_uses_at_most_the_window_limit_and_says_so():
    lines = [f"Dec {day}, 2026 {hour}-{hour + 3}pm" for day in range(1, 31) for hour in (1, 5)]

    order = parse(order_with_times(*lines))

    assert len(order.windows) == MAX_WINDOWS
    assert order.windows[0].source_line == "Dec 1, 2026 1-4pm"
    assert f"The email offers 60 times; only the first {MAX_WINDOWS} were used." in order.warnings


def test_it_offers_at_most_the_session_limit():
    # Each window holds 48 quarter-hour sessions: four of them fit in the limit, not five.
    lines = [f"Dec {day}, 2026 8am-8pm" for day in range(1, 11)]

    order = parse(order_with_times(*lines, length="15 minutes"))

    assert len(order.windows) == 4
    assert (
        "The times hold 480 sessions of 15 minutes; only the first 4 times (192 sessions) were used, "
        f"as one order can offer at most {MAX_SESSIONS}." in order.warnings
    )


def test_it_caps_the_number_of_errors_and_says_how_many_more():
    unknown = ", ".join(f"kazoo{number}" for number in range(60))

    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments(unknown))

    errors = raised.value.errors
    assert len(errors) == MAX_ERRORS
    assert errors[-1] == f"…and {60 - (MAX_ERRORS - 1)} more problems like these."
    assert all(len(error) <= MAX_ERROR_CHARS for error in errors)


def test_it_keeps_the_error_response_small_whatever_the_email():
    # A 422 for an email like this was once 11.8 MB.
    lines = "\n".join(", ".join(f"x{line}y{item}" for item in range(80)) for line in range(1_000))
    body = f"Instruments: {lines}\nTimes: " + "\n".join(f"nonsense {n}" for n in range(1_000))

    with pytest.raises(OrderParseError) as raised:
        parse(body)

    assert len(json.dumps(raised.value.errors)) < MAX_ERRORS * (MAX_ERROR_CHARS + 10)


def test_it_caps_the_number_of_warnings_too():
    lines = ["Dec 5, 2026 2-5pm", *(f"nonsense line {number}" for number in range(40))]

    order = parse(order_with_times(*lines))

    assert len(order.warnings) == MAX_WARNINGS
    assert order.warnings[-1].startswith("…and ") and order.warnings[-1].endswith(" more warnings like these.")


def test_it_shortens_a_long_error():
    error = OrderParseError(["x" * 5_000])

    assert error.errors == ["x" * (MAX_ERROR_CHARS - 1) + "…"]

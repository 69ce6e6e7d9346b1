"""Candidate times: dates, ranges, zones, daylight-saving days, and what is wrong with a bad line."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bookings.parsing import OrderParseError
from bookings.parsing.durations import read_minutes
from bookings.tests.parsing_support import order_with_times, parse

NEW_YORK = ZoneInfo("America/New_York")
BEFORE_DST_CHANGES = datetime(2026, 1, 15, 12, tzinfo=UTC)


def local_windows(*lines, zone="", length="3 hours", now=None, shown_in=NEW_YORK):
    """The windows as `YYYY-MM-DD HH:MM` pairs on the `shown_in` clock."""
    order = parse(order_with_times(*lines, length=length, zone=zone), **({"now": now} if now else {}))
    return [
        (
            f"{w.starts_at.astimezone(shown_in):%Y-%m-%d %H:%M}",
            f"{w.ends_at.astimezone(shown_in):%Y-%m-%d %H:%M}",
        )
        for w in order.windows
    ]


def errors_for(*lines, length="3 hours", zone="", now=None):
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_times(*lines, length=length, zone=zone), **({"now": now} if now else {}))
    return raised.value.errors


DEC_5_2_TO_5 = [("2026-12-05 14:00", "2026-12-05 17:00")]


@pytest.mark.parametrize(
    "line",
    [
        "Saturday, December 5, 2026, 2-5pm",
        "Sat Dec 5 2026 2-5pm",
        "Sat. Dec. 5, 2026 2-5pm",
        "12/5/2026 2-5pm",
        "12/5/26 2-5pm",
        "12-5-2026 2-5pm",
        "12/5 2-5pm",
        "Dec 5th 2-5pm",
        "December 5 2-5pm",
        "5 December 2026 2-5pm",
        "5th of December 2-5pm",
        "2026-12-05 2-5pm",
        "2026-12-05T14:00 - 17:00",
    ],
)
def test_it_reads_dates(line):
    assert local_windows(line) == DEC_5_2_TO_5


@pytest.mark.parametrize(
    "times",
    [
        "2-5pm",
        "2pm-5pm",
        "2:00 PM - 5:00 PM",
        "2:00pm–5:00pm",
        "14:00–17:00",
        "14:00 — 17:00",
        "2pm to 5pm",
        "2 to 5 pm",
        "from 2pm until 5pm",
        "2pm till 5pm",
        "between 2 and 5pm",
        "2 p.m. - 5 p.m.",
        "2p-5p",
        "2 o'clock to 5pm",
    ],
)
def test_it_reads_time_ranges(times):
    assert local_windows(f"Dec 5, 2026, {times}") == DEC_5_2_TO_5


@pytest.mark.parametrize(
    ("times", "window"),
    [
        ("10am-1pm", ("2026-12-05 10:00", "2026-12-05 13:00")),
        ("noon-3pm", ("2026-12-05 12:00", "2026-12-05 15:00")),
        ("12 noon to 3pm", ("2026-12-05 12:00", "2026-12-05 15:00")),
        ("9am - noon", ("2026-12-05 09:00", "2026-12-05 12:00")),
        ("11-2pm", ("2026-12-05 11:00", "2026-12-05 14:00")),
        ("9-12pm", ("2026-12-05 09:00", "2026-12-05 12:00")),
        ("2pm-5", ("2026-12-05 14:00", "2026-12-05 17:00")),
        ("10am-2", ("2026-12-05 10:00", "2026-12-05 14:00")),
        ("09:00-12:00", ("2026-12-05 09:00", "2026-12-05 12:00")),
        ("10pm-1am", ("2026-12-05 22:00", "2026-12-06 01:00")),
        ("10-1am", ("2026-12-05 22:00", "2026-12-06 01:00")),
        ("9pm-midnight", ("2026-12-05 21:00", "2026-12-06 00:00")),
        ("22:00-01:00", ("2026-12-05 22:00", "2026-12-06 01:00")),
        ("2:30pm-5:45pm", ("2026-12-05 14:30", "2026-12-05 17:45")),
    ],
)
def test_it_works_out_am_and_pm(times, window):
    assert local_windows(f"Dec 5, 2026, {times}") == [window]


def test_it_reads_several_ranges_on_one_line():
    assert local_windows("Dec 5, 2026: 9am-noon or 2-5pm") == [
        ("2026-12-05 09:00", "2026-12-05 12:00"),
        ("2026-12-05 14:00", "2026-12-05 17:00"),
    ]


def test_it_sorts_windows_and_drops_duplicates():
    lines = ("Dec 6, 2026 2-5pm", "Dec 5, 2026 2-5pm", "12/5/2026 14:00-17:00")

    assert local_windows(*lines) == [
        ("2026-12-05 14:00", "2026-12-05 17:00"),
        ("2026-12-06 14:00", "2026-12-06 17:00"),
    ]


def test_it_gives_a_start_without_an_end_one_session():
    assert local_windows("Dec 5, 2026, 2pm", length="90 minutes") == [("2026-12-05 14:00", "2026-12-05 15:30")]


def test_it_refuses_a_start_without_an_end_when_there_is_no_session_length():
    assert errors_for("Dec 5, 2026, 2pm", length="") == [
        'The time "Dec 5, 2026, 2pm" has no end time, and there is no session length to work one out.'
    ]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Dec 5 2-5pm", "2026-12-05"),
        ("12/5 2-5pm", "2026-12-05"),
        ("Nov 21 2-5pm", "2026-11-21"),
        ("Nov 20 2-5pm", "2027-11-20"),
        ("Jan 5 2-5pm", "2027-01-05"),
        ("Feb 29 2-5pm", "2028-02-29"),
    ],
)
def test_it_takes_the_next_occurrence_of_a_date_without_a_year(line, date):
    assert local_windows(line)[0][0].startswith(date)


def test_it_finds_today_in_the_emails_zone():
    # 02:00 UTC on Nov 22 is still Nov 21 in New York, so "Nov 21" means today, not next year.
    now = datetime(2026, 11, 22, 2, tzinfo=UTC)

    assert local_windows("Nov 21 10pm-11:30pm", now=now, length="1 hour") == [("2026-11-21 22:00", "2026-11-21 23:30")]


def test_it_warns_when_the_weekday_contradicts_the_date():
    order = parse(order_with_times("Friday, December 5, 2026, 2-5pm"))

    assert len(order.windows) == 1
    assert order.warnings == (
        'The line "Friday, December 5, 2026, 2-5pm" says Friday, but that date is Saturday, '
        "December 5, 2026; the date was used.",
        'No client name found; add a line like "Client name: Jane Doe".',
        'No client email found; add a line like "Client email: jane@example.com".',
        'No song title found; add a line like "Song: Fly Me to the Moon".',
    )


def test_it_guesses_afternoon_when_no_am_or_pm_is_given_and_warns():
    order = parse(order_with_times("Dec 5, 2026, 2-5"))

    assert order.windows[0].starts_at == datetime(2026, 12, 5, 19, tzinfo=UTC)
    assert 'No am or pm on the line "Dec 5, 2026, 2-5"; it was read as 2:00 PM to 5:00 PM.' in order.warnings


@pytest.mark.parametrize(
    ("line", "zone", "utc_start"),
    [
        ("Dec 5, 2026 2-5pm", "", 19),
        ("Dec 5, 2026 2-5pm", "Pacific", 22),
        ("Dec 5, 2026 2-5pm", "CST", 20),
        ("Dec 5, 2026 2-5pm", "America/Denver", 21),
        ("Dec 5, 2026 2-5pm", "utc", 14),
        ("Dec 5, 2026 2-5pm", "New York", 19),
        ("Dec 5, 2026 2-5pm PST", "", 22),
        ("Dec 5, 2026 2-5pm PT", "", 22),
        ("Dec 5, 2026 2-5pm (Pacific)", "", 22),
        ("Dec 5, 2026 2-5pm Pacific Standard Time", "", 22),
        ("Dec 5, 2026 2-5pm America/Chicago", "", 20),
        ("Dec 5, 2026 2-5pm ET", "Pacific", 19),
        ("Dec 5, 2026 2-5pm GMT", "Pacific", 14),
        ("Dec 5, 2026 2-5pm UTC+2", "", 12),
        ("Dec 5, 2026 2-5pm ET (11am-2pm PT)", "", 19),
    ],
)
def test_it_reads_times_in_the_right_zone(line, zone, utc_start):
    order = parse(order_with_times(line, zone=zone))

    assert [w.starts_at.hour for w in order.windows] == [utc_start]


def test_it_reports_the_zone_the_email_was_read_in():
    assert parse(order_with_times("Dec 5, 2026 2-5pm PT", zone="Central")).time_zone == "America/Chicago"
    assert parse(order_with_times("Dec 5, 2026 2-5pm")).time_zone == "America/New_York"


def test_it_reads_a_standard_time_abbreviation_as_the_places_clock_in_summer():
    # "EST" in July means New York's clock, which is then on daylight time (UTC-4).
    order = parse(order_with_times("July 10, 2027 2-5pm EST"))

    assert order.windows[0].starts_at == datetime(2027, 7, 10, 18, tzinfo=UTC)


def test_it_mixes_a_line_in_another_zone_with_the_emails_zone():
    assert local_windows("Dec 5, 2026 2-5pm", "Dec 6, 2026 11am-2pm PT", zone="Eastern") == [
        ("2026-12-05 14:00", "2026-12-05 17:00"),
        ("2026-12-06 14:00", "2026-12-06 17:00"),
    ]


@pytest.mark.parametrize(
    ("line", "zone", "written"),
    [
        ("Dec 5, 2026 2-5pm XYZT", "", "XYZT"),
        ("Dec 5, 2026 2-5pm Mars/Olympus", "", "Mars/Olympus"),
        ("Dec 5, 2026 2-5pm", "Lunar Standard", "Lunar Standard"),
        ("Dec 5, 2026 2-5pm UTC+5:30", "", "UTC+5:30"),
    ],
)
def test_it_refuses_unknown_zones(line, zone, written):
    assert f'Unknown time zone "{written}". Use a name like "Eastern" or "America/New_York".' in errors_for(
        line, zone=zone
    )


def test_an_unknown_zone_on_one_line_stops_the_order_even_with_good_lines():
    assert errors_for("Dec 5, 2026 2-5pm", "Dec 6, 2026 2-5pm XYZT") == [
        'Unknown time zone "XYZT". Use a name like "Eastern" or "America/New_York".'
    ]


class TestDaylightSavingDays:
    def test_it_reads_a_window_across_spring_forward_as_real_hours(self):
        order = parse(order_with_times("March 8, 2026, 1am-4am", length="2 hours"), now=BEFORE_DST_CHANGES)

        window = order.windows[0]
        assert (window.starts_at, window.ends_at) == (
            datetime(2026, 3, 8, 6, tzinfo=UTC),
            datetime(2026, 3, 8, 8, tzinfo=UTC),
        )

    def test_it_refuses_a_time_the_clocks_skip(self):
        errors = errors_for("Sunday, March 8, 2026, 2:30am-5am", now=BEFORE_DST_CHANGES, length="2 hours")

        assert errors == [
            'The time "Sunday, March 8, 2026, 2:30am-5am" does not exist in America/New_York, '
            "because the clocks go forward then."
        ]

    def test_it_reads_an_afternoon_on_spring_forward_day_in_daylight_time(self):
        assert parse(order_with_times("3/8/2026 2-5pm"), now=BEFORE_DST_CHANGES).windows[0].starts_at == (
            datetime(2026, 3, 8, 18, tzinfo=UTC)
        )

    def test_it_reads_a_repeated_time_at_fall_back_as_the_first_one(self):
        order = parse(order_with_times("Nov 1, 2026, 1:30am-4:30am"), now=BEFORE_DST_CHANGES)

        window = order.windows[0]
        # 1:30 EDT (UTC-4) is the first 1:30; the window is four real hours long.
        assert (window.starts_at, window.ends_at) == (
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        )

    def test_it_reads_an_afternoon_on_fall_back_day_in_standard_time(self):
        assert parse(order_with_times("2026-11-01 2-5pm"), now=BEFORE_DST_CHANGES).windows[0].starts_at == (
            datetime(2026, 11, 1, 19, tzinfo=UTC)
        )


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("Dec 45th sometime", 'Could not read a time on the line "Dec 45th sometime".'),
        ("whenever suits", 'Could not read a time on the line "whenever suits".'),
        ("2-5pm", 'Could not read a time on the line "2-5pm".'),
        ("Feb 30 2-5pm", 'Could not read a time on the line "Feb 30 2-5pm".'),
        ("Dec 5, 2026 25:00-26:00", 'Could not read a time on the line "Dec 5, 2026 25:00-26:00".'),
        ("Dec 5, 2026 2:75pm-5pm", 'Could not read a time on the line "Dec 5, 2026 2:75pm-5pm".'),
        ("Dec 5 or Dec 6 2-5pm", 'Could not read a time on the line "Dec 5 or Dec 6 2-5pm".'),
        ("Dec 5, 2026 at 2", 'Could not read a time on the line "Dec 5, 2026 at 2".'),
        ("Dec 5, 3026 2-5pm", 'Could not read a time on the line "Dec 5, 3026 2-5pm".'),
        ("Dec 5, 2026", 'No time of day on the line "Dec 5, 2026".'),
        ("Monday, January 5, 2026, 2-5pm", 'The time "Monday, January 5, 2026, 2-5pm" is in the past.'),
        ("Nov 21, 2026 6am-10am", 'The time "Nov 21, 2026 6am-10am" is in the past.'),
        ("Dec 5, 2026 5pm-2pm", 'The time "Dec 5, 2026 5pm-2pm" ends before it starts.'),
        (
            "Dec 5, 2026 2-3pm",
            'The time "Dec 5, 2026 2-3pm" is shorter than the session length (3 hours).',
        ),
    ],
)
def test_it_explains_a_bad_time_line(line, error):
    assert errors_for(line) == [error]


def test_it_quotes_a_long_bad_line_shortened():
    line = "Dec 45th " + "x" * 400

    (error,) = errors_for(line)

    assert error == f'Could not read a time on the line "{line[:199]}…".'


def test_it_asks_for_times_when_there_are_none():
    assert errors_for() == ['No candidate times found: add lines like "Saturday, December 5, 2026, 2-5pm".']


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3 hours", 180),
        ("3 hrs", 180),
        ("3hr", 180),
        ("2.5 hours", 150),
        ("90 minutes", 90),
        ("90 mins", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1:30", 90),
        ("2 hours 30 minutes", 150),
        ("2 hours and 30 minutes", 150),
        ("about 3 hours", 180),
        ("three hours", 180),
        ("an hour and a half", 90),
        ("half an hour", 30),
        ("3", 180),
        ("3-4 hours", None),
        ("all day", None),
        ("", None),
    ],
)
def test_it_reads_session_lengths(text, minutes):
    assert read_minutes(text) == minutes


@pytest.mark.parametrize(
    ("length", "error"),
    [
        ("10 minutes", 'The session length "10 minutes" must be between 15 minutes and 12 hours.'),
        ("13 hours", 'The session length "13 hours" must be between 15 minutes and 12 hours.'),
        (
            "all day",
            'The session length "all day" could not be read; write it like "3 hours" or "90 minutes".',
        ),
    ],
)
def test_it_refuses_a_bad_session_length(length, error):
    assert error in errors_for("Dec 5, 2026 2-5pm", length=length)


@pytest.mark.parametrize(("length", "minutes"), [("15 minutes", 15), ("12 hours", 720)])
def test_it_accepts_the_shortest_and_longest_sessions(length, minutes):
    order = parse(order_with_times("Dec 5, 2026 8am-8pm", length=length))

    assert order.session_minutes == minutes

"""Layouts beyond `Label: value`: other separators, labels alone on their line, questions, tables."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bookings.parsing import OrderParseError, RequestedSeat
from bookings.parsing.labels import is_other_label, match_label, read_labels
from bookings.parsing.markup import html_to_text
from bookings.parsing.text import email_lines
from bookings.tests.parsing_support import order_with_instruments, order_with_times, parse

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Client name - Jane", ("client", "Client name", "Jane")),
        ("Client name – Jane", ("client", "Client name", "Jane")),
        ("Client name = Jane", ("client", "Client name", "Jane")),
        ("Client name\tJane", ("client", "Client name", "Jane")),
        ("Instruments\tdrums\tbass", ("instruments", "Instruments", "drums bass")),
        ("Your name *: Jane", ("client", "Your name *", "Jane")),
        ("Available times (Eastern):", ("times", "Available times (Eastern)", "")),
        ("Instruments (list all): drums", ("instruments", "Instruments (list all)", "drums")),
        ("--- Name ---", ("client", "Name", "")),
        ("--- Anything else? ---", ("notes", "Anything else", "")),
        ("Instruments", ("instruments", "Instruments", "")),
        ("Email *", ("email", "Email *", "")),
        ("What's your name?", ("client", "What's your name?", "")),
        ("What is the name of the song?", ("song", "What is the name of the song?", "")),
        ("Which time zone are you in?", ("zone", "Which time zone are you in?", "")),
        ("When are you free? (Pacific time)", ("times", "When are you free? (Pacific time)", "")),
        ("How did you hear about us?", None),
        ("E-mail - jane@example.com", ("email", "E-mail", "jane@example.com")),
        ("Drums", None),
        ("Saturday - 2-5pm", None),
    ],
)
def test_it_matches_labels_in_every_layout(line, label):
    assert match_label(line) == label


@pytest.mark.parametrize(
    ("line", "other"),
    [
        ("Phone: 555-0100", True),
        ("Phone", True),
        ("How did you hear about us?", True),
        ("Favourite colour:", True),
        ("Sent from Custom Tracks", True),
        ("Thanks,", True),
        ("-----", True),
        ("Saturday:", False),
        ("Dec 5:", False),
        ("- sometime the week of the 14th?", False),
        ("Favourite colour: blue", False),
    ],
)
def test_it_knows_the_labels_an_order_does_not_use(line, other):
    assert is_other_label(line) is other


def test_it_keeps_the_note_of_a_label():
    labelled = read_labels(["Available times (Eastern):", "Dec 5, 2026 2-5pm"])

    assert labelled.label_notes == {"times": "Eastern"}
    assert labelled.values["times"] == ["Dec 5, 2026 2-5pm"]


def test_it_reads_the_zone_named_by_the_times_label():
    order = parse("Instruments: drums\nSession length: 3 hours\nAvailable times (Pacific):\nDec 5, 2026 2-5pm")

    assert order.time_zone == "America/Los_Angeles"
    assert order.windows[0].starts_at == datetime(2026, 12, 5, 22, tzinfo=UTC)


def test_it_ends_a_list_at_a_field_the_order_does_not_use():
    order = parse("Instruments: drums\nPhone: 555-0100\nSession length: 3 hours\nTimes: Dec 5, 2026 2-5pm")

    assert order.seats == (RequestedSeat("drums", 1),)


def test_it_prefers_a_written_label_to_a_question_in_a_covering_note():
    body = "Can you find times when the band is free?\nInstruments: drums\nLength: 3 hours\nTimes: Dec 5, 2026 2-5pm"

    assert [window.source_line for window in parse(body).windows] == ["Dec 5, 2026 2-5pm"]


def test_it_joins_a_date_field_and_a_time_field():
    order = parse("Instruments: drums\nSession length: 3 hours\nDate: December 5, 2026\nTime: 2-5pm")

    assert [(w.starts_at.hour, w.source_line) for w in order.windows] == [(19, "December 5, 2026 2-5pm")]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<table><tr><td>Song</td><td>Blue Moon</td></tr></table>", "Song\tBlue Moon"),
        ("<table><tr><td><b>Song</b></td></tr><tr><td>&nbsp;</td><td>Blue Moon</td></tr></table>", "Song:\nBlue Moon"),
        ("<dl><dt>Song</dt><dd>Blue Moon</dd></dl>", "Song:\nBlue Moon"),
        ("<p><strong>Song</strong><br>Blue Moon</p>", "Song:\nBlue Moon"),
        ("<p><strong>What song?</strong></p><p>Blue Moon</p>", "What song?\nBlue Moon"),
        ("<p><b>Song: Blue Moon</b></p>", "Song: Blue Moon"),
        ("<ul><li><b>Dec 5 2-5pm</b></li></ul>", "- Dec 5 2-5pm"),
        ("<p><b>Jane</b> Doe</p>", "Jane Doe"),
        ("<p>Notes: a < b and 1<3</p>", "Notes: a < b and 1<3"),
        ("<p>kept</p><a href='x", "kept"),
        ("<h2>Session</h2><p>Song: Blue Moon</p><hr><p>Footer</p>", "Session:\nSong: Blue Moon\n-----\nFooter"),
    ],
)
def test_it_turns_form_tables_and_bold_labels_into_label_lines(html, text):
    assert html_to_text(html) == text


def test_it_drops_a_signature_but_not_the_quoted_order_after_it():
    text = "See below.\n-- \nMia\nEmail: mia@example.com\n\n> Song: Blue Moon\n\nSent from my iPhone"

    assert email_lines(text)[0] == ["See below.", "Song: Blue Moon", ""]


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("today 6-9pm", "2026-11-21 18:00"),
        ("tonight 8pm-11pm", "2026-11-21 20:00"),
        ("tomorrow 2-5pm", "2026-11-22 14:00"),
        ("this Sunday 2-5pm", "2026-11-22 14:00"),
        ("Sunday 2-5pm", "2026-11-22 14:00"),
        ("Sat 2-5pm", "2026-11-21 14:00"),
        ("Monday 14h-17h", "2026-11-23 14:00"),
        ("Monday 9h30-12h30", "2026-11-23 09:30"),
        ("25/12/2026 14:00-17:00", "2026-12-25 14:00"),
        ("25.12.2026 14:00-17:00", "2026-12-25 14:00"),
        ("12/5/2026 2-5pm", "2026-12-05 14:00"),
    ],
)
def test_it_reads_days_and_times_as_people_write_them(line, start):
    # NOW is Saturday, November 21, 2026, 7:00 AM in New York.
    order = parse(order_with_times(line))

    assert _local_start(order) == start


def _local_start(order) -> str:
    return f"{order.windows[0].starts_at.astimezone(NEW_YORK):%Y-%m-%d %H:%M}"


def test_it_reads_a_relative_day_that_agrees_with_its_date():
    order = parse(order_with_times("tomorrow (November 22) 2-5pm"))

    assert _local_start(order) == "2026-11-22 14:00"
    assert not [warning for warning in order.warnings if "two different days" in warning]


def test_it_uses_the_date_when_a_relative_day_disagrees_and_says_so():
    order = parse(order_with_times("tomorrow, November 25, 2-5pm"))

    assert _local_start(order) == "2026-11-25 14:00"
    assert (
        'The line "tomorrow, November 25, 2-5pm" names two different days; Wednesday, November 25, 2026 was used.'
        in order.warnings
    )


def test_it_does_not_take_a_lone_length_for_a_clock_time():
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_times("Dec 5, 2026 2-5pm (3h)"))

    assert raised.value.errors == ['Could not read a time on the line "Dec 5, 2026 2-5pm (3h)".']


def test_it_says_how_it_read_next_weekday():
    order = parse(order_with_times("next Sunday 2-5pm"))

    assert _local_start(order) == "2026-11-22 14:00"
    assert 'On the line "next Sunday 2-5pm", "next sunday" was read as Sunday, November 22, 2026.' in order.warnings


def test_it_reads_a_weekday_that_is_today_as_today_and_says_so():
    order = parse(order_with_times("Saturday 2-5pm"))

    assert _local_start(order) == "2026-11-21 14:00"
    assert 'On the line "Saturday 2-5pm", Saturday was read as today.' in order.warnings


def test_it_reads_an_ambiguous_date_day_first_outside_the_americas_and_says_so():
    order = parse(order_with_times("5/12/2026 14:00-17:00", zone="Europe/London"))

    assert order.windows[0].starts_at == datetime(2026, 12, 5, 14, tzinfo=UTC)
    assert 'On the line "5/12/2026 14:00-17:00", "5/12/2026" was read as 5 December.' in order.warnings


def test_it_follows_the_day_first_habit_the_email_shows():
    order = parse(order_with_times("25/12/2026 2-5pm", "5/12/2026 2-5pm"))

    assert [f"{w.starts_at:%m-%d}" for w in order.windows] == ["12-05", "12-25"]
    assert 'On the line "5/12/2026 2-5pm", "5/12/2026" was read as 5 December.' in order.warnings


def test_it_reads_us_dates_month_first_without_a_warning():
    order = parse(order_with_times("12/5/2026 2-5pm"))

    assert not [warning for warning in order.warnings if "was read as" in warning]


def test_it_splits_a_line_of_several_days():
    order = parse(order_with_times("Dec 5, 2026 2-5pm, Dec 6, 2026 2-5pm; Dec 7, 2026 1-4pm, 5-8pm"))

    assert [w.source_line for w in order.windows] == [
        "Dec 5, 2026 2-5pm",
        "Dec 6, 2026 2-5pm",
        "Dec 7, 2026 1-4pm, 5-8pm",
        "Dec 7, 2026 1-4pm, 5-8pm",
    ]


@pytest.mark.parametrize(
    ("instruments", "seats", "notes"),
    [
        ("Drums (brushes)", [RequestedSeat("drums", 1)], "Drums: brushes"),
        ("Bass (upright)", [RequestedSeat("upright-bass", 1)], ""),
        ("Guitar (acoustic)", [RequestedSeat("acoustic-guitar", 1)], ""),
        ("violins (2)", [RequestedSeat("violin", 2)], ""),
        ("Vocals (lead, harmony)", [RequestedSeat("vocals", 1)], "Vocals: lead, harmony"),
        ("drums or kit", [RequestedSeat("drums", 1)], ""),
    ],
)
def test_it_reads_instruments_with_notes(instruments, seats, notes):
    order = parse(order_with_instruments(instruments))

    assert list(order.seats) == seats
    assert order.notes == notes


def test_it_warns_that_an_instrument_note_went_to_the_notes():
    order = parse(order_with_instruments("Drums (brushes)"))

    assert 'The instrument "Drums (brushes)" was read as drums; "brushes" was added to the notes.' in order.warnings


@pytest.mark.parametrize(
    ("instruments", "error"),
    [
        (
            "acoustic or electric guitar",
            'The instrument "acoustic or electric guitar" offers a choice ("acoustic guitar" or "electric guitar"); '
            "write the one the session needs.",
        ),
        (
            "keys or organ",
            'The instrument "keys or organ" offers a choice ("keys" or "organ"); write the one the session needs.',
        ),
    ],
)
def test_it_refuses_a_choice_of_instruments_naming_both(instruments, error):
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_instruments(instruments))

    assert raised.value.errors == [error]


def test_it_keeps_prose_that_looks_like_a_label_in_the_notes():
    body = order_with_times("Dec 5, 2026 2-5pm") + (
        "\nSong: Blue Moon\nNotes: The plan.\nThings to bring:\nCould we do a second take of the song?\nThanks,\nJane"
    )

    assert parse(body).notes == "The plan.\nThings to bring:\nCould we do a second take of the song?\nThanks,\nJane"


def test_it_keeps_a_word_naming_a_field_already_given_in_the_notes():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nOther links:\nNotes: Bring a capo.\nLink\nConsent"

    assert parse(body).notes == "Bring a capo.\nLink\nConsent"


def test_it_ends_a_list_at_a_sign_off():
    order = parse(order_with_times("Dec 5, 2026 2-5pm", "Thanks,", "Jane"))

    assert order.warnings == (
        'No client name found; add a line like "Client name: Jane Doe".',
        'No client email found; add a line like "Client email: jane@example.com".',
        'No song title found; add a line like "Song: Fly Me to the Moon".',
    )


def test_it_ends_the_notes_at_a_known_other_form_field():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nNotes: Bring a capo.\nPhone: 555-0100"

    assert parse(body).notes == "Bring a capo."


def test_it_takes_the_client_from_a_contact_form_7_from_line():
    body = "From: Jane Doe <jane@example.com>\nSubject: Booking\n\nMessage Body:\n"
    body += order_with_times("Dec 5, 2026 2-5pm")

    order = parse(body)

    assert (order.client_name, order.client_email) == ("Jane Doe", "jane@example.com")


def test_it_prefers_the_orders_own_client_to_a_from_line():
    body = "From: WordPress <wordpress@example.com>\nSubject: New entry\n\nName: Jane Doe\n"
    body += order_with_times("Dec 5, 2026 2-5pm")

    order = parse(body)

    assert (order.client_name, order.client_email) == ("Jane Doe", "")


def test_it_lets_a_later_label_fill_a_field_an_empty_one_left_open():
    # "<h2>Session</h2>" is a heading that reads as the bare "Session" label.
    body = "Session\nInstruments: drums\nSession length: 2 hours\nTimes: Dec 5, 2026 2-5pm"

    order = parse(body)

    assert order.session_minutes == 120
    assert not [warning for warning in order.warnings if "more than once" in warning]


@pytest.mark.parametrize(
    ("after_notes", "notes"),
    [
        ("Sent from Custom Tracks https://custom-tracks.com", "Bring a capo."),
        ("(Submitted via https://custom-tracks.com/book)", "Bring a capo."),
        ("-----", "Bring a capo."),
        ("Sent from the road, sorry for typos", "Bring a capo.\nSent from the road, sorry for typos"),
    ],
)
def test_it_ends_the_notes_at_a_form_footer_but_not_at_prose(after_notes, notes):
    body = order_with_times("Dec 5, 2026 2-5pm") + f"\nNotes: Bring a capo.\n{after_notes}"

    assert parse(body).notes == notes

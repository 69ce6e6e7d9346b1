"""parse_order as a whole: the canonical email, labels, errors and warnings together."""

import json
from datetime import UTC, datetime

import pytest

from bookings.parsing import OrderParseError, RequestedSeat
from bookings.tests.parsing_support import CANONICAL, EMAILS, order_with_times, parse

KNOWN = (
    "acoustic guitar, cello, drums, electric bass, electric guitar, keyboard, live piano, "
    "organ, percussion, tenor sax, trumpet, upright bass, violin, vocals"
)


def test_it_reads_the_canonical_email():
    order = parse(CANONICAL)

    assert order.client_name == "Jane Doe"
    assert order.client_email == "jane@example.com"
    assert order.song_title == "Fly Me to the Moon"
    assert order.seats == (
        RequestedSeat("drums", 1),
        RequestedSeat("electric-bass", 1),
        RequestedSeat("keyboard", 1),
        RequestedSeat("violin", 2),
    )
    assert order.session_minutes == 180
    assert order.time_zone == "America/New_York"
    assert order.mp3_url == "https://example.com/guide.mp3"
    assert order.video_url == "https://youtu.be/xyz"
    assert order.other_links == ("https://example.com/chart.pdf", "https://example.com/lyrics")
    assert order.notes == "Please bring a 5-string.\nSecond line of notes."
    assert order.warnings == ()


def test_it_reads_the_canonical_windows_in_utc():
    order = parse(CANONICAL)

    assert [(w.starts_at, w.ends_at) for w in order.windows] == [
        (datetime(2026, 12, 5, 19, tzinfo=UTC), datetime(2026, 12, 5, 22, tzinfo=UTC)),
        (datetime(2026, 12, 6, 15, tzinfo=UTC), datetime(2026, 12, 6, 21, tzinfo=UTC)),
    ]
    assert [w.source_line for w in order.windows] == [
        "Saturday, December 5, 2026, 2-5pm",
        "12/6/2026 10:00 AM - 4:00 PM",
    ]


def test_it_reads_the_canonical_email_file():
    assert parse((EMAILS / "canonical.txt").read_text()) == parse(CANONICAL)


def test_it_gives_json_safe_data():
    data = parse(CANONICAL).as_json()

    assert json.loads(json.dumps(data)) == data
    assert data["windows"][0] == {
        "starts_at": "2026-12-05T19:00:00+00:00",
        "ends_at": "2026-12-05T22:00:00+00:00",
        "source_line": "Saturday, December 5, 2026, 2-5pm",
    }
    assert data["seats"][3] == {"instrument_slug": "violin", "count": 2}


@pytest.mark.parametrize(
    ("label", "field", "value"),
    [
        ("Client", "client_name", "Jane Doe"),
        ("Name", "client_name", "Jane Doe"),
        ("CUSTOMER", "client_name", "Jane Doe"),
        ("E-mail", "client_email", "jane@example.com"),
        ("Email", "client_email", "jane@example.com"),
        ("Song title", "song_title", "Fly Me to the Moon"),
        ("Track", "song_title", "Fly Me to the Moon"),
        ("Title", "song_title", "Fly Me to the Moon"),
        ("Audio", "mp3_url", "https://example.com/guide.mp3"),
        ("Demo", "mp3_url", "https://example.com/guide.mp3"),
        ("YouTube", "video_url", "https://youtu.be/xyz"),
        ("Comments", "notes", "Please bring a 5-string."),
        ("Message", "notes", "Please bring a 5-string."),
        ("Details", "notes", "Please bring a 5-string."),
    ],
)
def test_it_accepts_label_synonyms(label, field, value):
    body = order_with_times("Dec 5, 2026 2-5pm") + f"\n{label}: {value}"

    assert getattr(parse(body), field) == value


@pytest.mark.parametrize(
    "label", ["Instruments", "Musicians", "Instrumentation", "Players", "musicians needed", "INSTRUMENTS"]
)
def test_it_accepts_instrument_label_synonyms(label):
    body = f"{label}: 2 violins\nLength: 3 hours\nTimes: Dec 5, 2026 2-5pm"

    assert parse(body).seats == (RequestedSeat("violin", 2),)


@pytest.mark.parametrize(
    "label",
    ["Times", "Available times", "Candidate times", "Dates", "Availability", "When", "Available time(s)"],
)
def test_it_accepts_time_label_synonyms(label):
    body = f"Instruments: drums\nDuration: 3 hours\n{label}: Dec 5, 2026 2-5pm"

    assert len(parse(body).windows) == 1


@pytest.mark.parametrize("label", ["Session length", "Length", "Duration", "Session"])
def test_it_accepts_length_label_synonyms(label):
    body = f"Instruments: drums\n{label}: 2 hours\nTimes: Dec 5, 2026 2-5pm"

    assert parse(body).session_minutes == 120


@pytest.mark.parametrize("label", ["Time zone", "Timezone", "TZ", "Zone"])
def test_it_accepts_zone_label_synonyms(label):
    body = order_with_times("Dec 5, 2026 2-5pm") + f"\n{label}: Pacific"

    assert parse(body).time_zone == "America/Los_Angeles"


@pytest.mark.parametrize("label", ["Links", "Other links", "Extra links"])
def test_it_accepts_link_label_synonyms(label):
    body = order_with_times("Dec 5, 2026 2-5pm") + f"\n{label}: https://example.com/chart.pdf"

    assert parse(body).other_links == ("https://example.com/chart.pdf",)


def test_it_reads_a_value_on_the_line_after_an_empty_label():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nClient name:\nJane Doe\nSong:\n\nBlue Moon"

    order = parse(body)

    assert (order.client_name, order.song_title) == ("Jane Doe", "Blue Moon")


def test_it_reads_list_values_over_several_lines():
    body = "Instruments:\n1. drums\n2) bass\n• keys\n\n* 2 violins\nLength: 3h\nTimes: Dec 5, 2026 2-5pm"

    assert [seat.instrument_slug for seat in parse(body).seats] == [
        "drums",
        "electric-bass",
        "keyboard",
        "violin",
    ]


def test_it_ends_a_list_at_a_blank_line_followed_by_prose():
    body = "Length: 3 hours\nTimes: Dec 5, 2026 2-5pm\nInstruments:\n- drums\n- bass\n\nThanks so much!"

    assert len(parse(body).seats) == 2


def test_it_keeps_every_notes_line_until_the_next_label():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nNotes:\n- bring a 5-string\n\nand a capo\nSong: Blue Moon"

    order = parse(body)

    assert order.notes == "- bring a 5-string\n\nand a capo"
    assert order.song_title == "Blue Moon"


def test_it_uses_the_first_of_a_repeated_label_and_warns():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nSong: Blue Moon\nSong: Red Moon"

    order = parse(body)

    assert order.song_title == "Blue Moon"
    assert 'The label "Song" appears more than once; the first was used.' in order.warnings


def test_it_takes_a_labelled_subject_when_the_body_lacks_the_field():
    order = parse(order_with_times("Dec 5, 2026 2-5pm"), subject="Fwd: Song: Blue Moon")

    assert order.song_title == "Blue Moon"


def test_it_prefers_the_body_to_the_subject():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nSong: Blue Moon"

    assert parse(body, subject="Song: Red Moon").song_title == "Blue Moon"


def test_it_takes_the_client_email_from_the_name_line():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nClient: Jane Doe <jane@example.com>"

    order = parse(body)

    assert (order.client_name, order.client_email) == ("Jane Doe", "jane@example.com")


def test_it_warns_about_missing_optional_fields():
    order = parse("Instruments: drums\nTimes: Dec 5, 2026 2-5pm")

    assert order.warnings == (
        'No session length found; add a line like "Session length: 3 hours".',
        'No client name found; add a line like "Client name: Jane Doe".',
        'No client email found; add a line like "Client email: jane@example.com".',
        'No song title found; add a line like "Song: Fly Me to the Moon".',
    )
    assert (order.client_name, order.client_email, order.song_title, order.session_minutes) == (
        "",
        "",
        "",
        None,
    )


def test_it_warns_about_an_email_that_is_not_an_address():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nEmail: jane at example dot com"

    order = parse(body)

    assert order.client_email == ""
    assert 'The client email "jane at example dot com" is not an email address.' in order.warnings


def test_it_warns_about_a_link_label_without_a_link():
    body = order_with_times("Dec 5, 2026 2-5pm") + "\nMP3: attached to the email"

    order = parse(body)

    assert order.mp3_url == ""
    assert 'No link found on the "MP3" line.' in order.warnings


def test_it_finds_the_mp3_and_video_among_other_links():
    body = order_with_times("Dec 5, 2026 2-5pm") + (
        "\nLinks:\n- https://example.com/chart.pdf\n- https://www.youtube.com/watch?v=abc\n- www.example.com/guide.MP3."
    )

    order = parse(body)

    assert order.mp3_url == "https://www.example.com/guide.MP3"
    assert order.video_url == "https://www.youtube.com/watch?v=abc"
    assert order.other_links == ("https://example.com/chart.pdf",)


def test_it_collects_every_error_at_once():
    body = (
        "Instruments: drums, banjo, kazoo\nSession length: 20 hours\nTime zone: Mars/Olympus\n"
        "Times:\n- Dec 45th sometime\n- Monday, January 5, 2026, 2-5pm"
    )

    with pytest.raises(OrderParseError) as raised:
        parse(body)

    assert raised.value.errors == [
        'Unknown time zone "Mars/Olympus". Use a name like "Eastern" or "America/New_York".',
        'The session length "20 hours" must be between 15 minutes and 12 hours.',
        f'Unknown instrument "banjo". Known instruments: {KNOWN}.',
        f'Unknown instrument "kazoo". Known instruments: {KNOWN}.',
        'Could not read a time on the line "Dec 45th sometime".',
        'The time "Monday, January 5, 2026, 2-5pm" is in the past.',
    ]


def test_it_explains_an_empty_email():
    with pytest.raises(OrderParseError) as raised:
        parse("Hi Dane, can we book a session?")

    assert raised.value.errors == [
        'No instruments found: add a line like "Instruments: drums, bass".',
        'No candidate times found: add lines like "Saturday, December 5, 2026, 2-5pm".',
    ]


def test_it_books_the_good_times_and_warns_about_the_bad_ones():
    body = order_with_times("Dec 5, 2026 2-5pm", "Dec 45th sometime", "Jan 5, 2026 2-5pm")

    order = parse(body)

    assert len(order.windows) == 1
    assert 'Could not read a time on the line "Dec 45th sometime".' in order.warnings
    assert 'The time "Jan 5, 2026 2-5pm" is in the past.' in order.warnings


def test_it_refuses_an_unknown_studio_zone():
    with pytest.raises(OrderParseError) as raised:
        parse(order_with_times("Dec 5, 2026 2-5pm"), default_zone="Nowhere/Special")

    assert raised.value.errors == [
        'Unknown time zone "Nowhere/Special". Use a name like "Eastern" or "America/New_York".'
    ]


def test_it_needs_an_aware_now():
    with pytest.raises(ValueError, match="aware"):
        parse(CANONICAL, now=datetime(2026, 11, 21, 12))


def test_it_reads_the_html_body_when_the_plain_body_has_no_labels():
    html = (EMAILS / "outlook.html").read_text()

    order = parse("Please see the HTML version.", body_html=html)

    assert order.client_name == "Jane Doe"
    assert order.seats == (RequestedSeat("drums", 1), RequestedSeat("violin", 2))
    assert order.mp3_url == "https://example.com/guide.mp3"
    assert len(order.windows) == 2


def test_it_prefers_a_labelled_plain_body_to_the_html():
    order = parse(CANONICAL, body_html="<p>Instruments: organ</p><p>Times: Dec 5, 2026 2-5pm</p>")

    assert order.seats[0].instrument_slug == "drums"


def test_it_reads_a_forwarded_quoted_email():
    order = parse((EMAILS / "forwarded_reply.txt").read_text())

    assert order.client_name == "Jane Doe"
    assert order.song_title == "Fly Me to the Moon"
    assert [seat.instrument_slug for seat in order.seats] == ["drums", "electric-bass", "keyboard", "violin"]
    assert len(order.windows) == 2
    assert order.warnings == ()

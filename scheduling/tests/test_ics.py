import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import signing

from scheduling.ics import FEED_SALT, FeedOwner, calendar_feed, feed_owner, feed_token
from scheduling.models import CalendarEvent

NEW_YORK = ZoneInfo("America/New_York")
UPDATED = dt.datetime(2026, 11, 20, 9, 30, 5, tzinfo=dt.UTC)


def event(**changes) -> CalendarEvent:
    fields = {
        "uid": "booking-12-seat-3",
        "calendar_id": "musician-7",
        "starts_at": dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2026, 12, 5, 22, tzinfo=dt.UTC),
        "summary": "Blue Room: violin",
        "description": "Song: Moon River",
        "location": "1 Main St",
        "updated_at": UPDATED,
    }
    return CalendarEvent(**(fields | changes))


def lines_of(feed: str) -> list[str]:
    assert feed.endswith("\r\n")
    return feed[: -len("\r\n")].split("\r\n")


def unfold(feed: str) -> list[str]:
    return lines_of(feed.replace("\r\n ", ""))


def field(feed: str, name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in unfold(feed) if line.split(":", 1)[0] == name]


# feed tokens

ROSA = FeedOwner("musician", 7, version=1)


def test_a_feed_token_names_its_owner():
    assert feed_owner(feed_token(ROSA)) == ROSA
    assert feed_owner(feed_token(FeedOwner("studio", 1))) == FeedOwner("studio", 1, 1)


def test_a_new_version_is_a_different_token():
    assert feed_token(FeedOwner("musician", 7, version=2)) != feed_token(ROSA)


def test_a_tampered_feed_token_names_no_one():
    token = feed_token(ROSA)
    tampered = ("A" if token[0] != "A" else "B") + token[1:]

    assert feed_owner(tampered) is None


def test_another_owners_signature_does_not_fit():
    payload = feed_token(FeedOwner("musician", 8)).split(":", 1)[0]
    signature = feed_token(ROSA).split(":", 1)[1]

    assert feed_owner(f"{payload}:{signature}") is None


def test_a_token_signed_for_something_else_names_no_one():
    assert feed_owner(signing.Signer(salt="another.purpose").sign_object(["musician", 7, 1])) is None
    assert feed_owner(signing.Signer(salt=FEED_SALT).sign_object(["musician", 7, 1])) == ROSA


def test_a_token_of_the_old_kind_or_any_other_shape_names_no_one():
    # Links issued before owners and versions named a calendar id: they could not be revoked.
    for payload in ["musician-7", ["musician", "7", 1], ["admin", 7, 1], ["musician", 7], {"kind": "studio"}]:
        assert feed_owner(signing.Signer(salt=FEED_SALT).sign_object(payload)) is None, payload


def test_garbage_names_no_one():
    assert (feed_owner(""), feed_owner("not-a-token")) == (None, None)


def test_a_feed_token_never_expires():
    token = feed_token(ROSA)

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=3650)):
        assert feed_owner(token) == ROSA


def test_a_feed_token_fits_in_the_feed_url():
    assert "/" not in feed_token(ROSA)


# calendar_feed


def test_a_feed_with_one_event_is_exactly_this():
    feed = calendar_feed(name="Studio sessions (musician-7)", events=[event()])

    assert feed == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Workflow//Studio bookings//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "X-WR-CALNAME:Studio sessions (musician-7)\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:booking-12-seat-3@workflow\r\n"
        "DTSTAMP:20261120T093005Z\r\n"
        "DTSTART:20261205T190000Z\r\n"
        "DTEND:20261205T220000Z\r\n"
        "SUMMARY:Blue Room: violin\r\n"
        "DESCRIPTION:Song: Moon River\r\n"
        "LOCATION:1 Main St\r\n"
        "STATUS:CONFIRMED\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_an_empty_feed_is_a_calendar_with_no_events():
    feed = calendar_feed(name="Nothing yet", events=[])

    assert lines_of(feed) == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Workflow//Studio bookings//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Nothing yet",
        "END:VCALENDAR",
    ]


def test_every_line_ends_in_crlf():
    feed = calendar_feed(name="Sessions", events=[event(description="one\ntwo\r\nthree")])

    assert "\n" not in feed.replace("\r\n", "")
    assert "\r" not in feed.replace("\r\n", "")


def test_it_has_one_vevent_per_event_in_the_order_given():
    events = [
        event(uid="a", starts_at=dt.datetime(2026, 12, 7, 15, tzinfo=dt.UTC)),
        event(uid="b"),
        event(uid="c", status=CalendarEvent.Status.CANCELLED),
    ]

    feed = calendar_feed(name="Sessions", events=events)

    assert (unfold(feed).count("BEGIN:VEVENT"), unfold(feed).count("END:VEVENT")) == (3, 3)
    assert field(feed, "UID") == ["a@workflow", "b@workflow", "c@workflow"]
    assert field(feed, "STATUS") == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert (unfold(feed)[0], unfold(feed)[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")


def test_times_are_written_in_utc_whatever_zone_they_come_in():
    feed = calendar_feed(
        name="Sessions",
        events=[
            event(
                starts_at=dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),  # EDT, the first 1:30
                ends_at=dt.datetime(2026, 11, 1, 14, tzinfo=NEW_YORK),  # EST
                updated_at=dt.datetime(2026, 3, 8, 3, 15, tzinfo=NEW_YORK),  # EDT
            )
        ],
    )

    assert field(feed, "DTSTART") == ["20261101T053000Z"]
    assert field(feed, "DTEND") == ["20261101T190000Z"]
    assert field(feed, "DTSTAMP") == ["20260308T071500Z"]


def test_it_escapes_commas_semicolons_backslashes_and_newlines():
    feed = calendar_feed(
        name="Dane's sessions, all; of them",
        events=[
            event(
                summary="Violin, cello; keys",
                description="Song: Moon River\nNotes: bring a mute\r\nPath C:\\takes",
                location="1 Main St, Suite 2; Brooklyn",
            )
        ],
    )

    assert field(feed, "X-WR-CALNAME") == ["Dane's sessions\\, all\\; of them"]
    assert field(feed, "SUMMARY") == ["Violin\\, cello\\; keys"]
    assert field(feed, "DESCRIPTION") == ["Song: Moon River\\nNotes: bring a mute\\nPath C:\\\\takes"]
    assert field(feed, "LOCATION") == ["1 Main St\\, Suite 2\\; Brooklyn"]


def test_it_folds_long_lines_at_75_octets():
    description = "".join(f"{n:03d}-" for n in range(50))  # 200 characters

    feed = calendar_feed(name="Sessions", events=[event(description=description)])

    folded = [line for line in lines_of(feed) if line.startswith("DESCRIPTION:")]
    assert folded == ["DESCRIPTION:" + description[:63]]
    index = lines_of(feed).index(folded[0])
    assert lines_of(feed)[index + 1 : index + 4] == [
        " " + description[63:137],
        " " + description[137:],
        "LOCATION:1 Main St",
    ]
    assert field(feed, "DESCRIPTION") == [description]


def test_a_line_of_exactly_75_octets_is_not_folded():
    description = "d" * (75 - len("DESCRIPTION:"))

    feed = calendar_feed(name="Sessions", events=[event(description=description)])

    assert "DESCRIPTION:" + description in lines_of(feed)
    assert all(not line.startswith(" ") for line in lines_of(feed))


def test_folding_never_splits_a_utf8_character():
    # Octet 75 would fall in the middle of the "é" (two octets) and later of a "🎻" (four).
    description = "a" * 62 + "é" + "b" * 71 + "🎻" + "café " * 30

    feed = calendar_feed(name="Sessions", events=[event(description=description)])

    physical = lines_of(feed)
    assert all(len(line.encode()) <= 75 for line in physical)
    start = next(n for n, line in enumerate(physical) if line.startswith("DESCRIPTION:"))
    assert physical[start] == "DESCRIPTION:" + "a" * 62
    assert physical[start + 1] == " é" + "b" * 71
    assert physical[start + 2].startswith(" 🎻café")
    assert field(feed, "DESCRIPTION") == [description]


def test_every_physical_line_of_a_busy_feed_is_at_most_75_octets():
    events = [
        event(uid=f"booking-{n}", summary="Ünïcödé " * 20, description="Ω, ok; " * 40, location="x" * 300)
        for n in range(3)
    ]

    feed = calendar_feed(name="Sessions", events=events)

    assert max(len(line.encode()) for line in lines_of(feed)) <= 75
    assert field(feed, "SUMMARY") == [("Ünïcödé " * 20)] * 3
    assert field(feed, "LOCATION") == ["x" * 300] * 3


def test_a_cancelled_event_says_so():
    feed = calendar_feed(name="Sessions", events=[event(status=CalendarEvent.Status.CANCELLED)])

    assert field(feed, "STATUS") == ["CANCELLED"]


def test_a_lone_carriage_return_cannot_start_a_line_of_its_own():
    feed = calendar_feed(
        name="Rosa\rX-INJECTED:1",
        events=[event(summary="Keys\rEND:VEVENT\rBEGIN:VEVENT", description="one\rtwo\n\rthree", location="a\r\nb")],
    )

    assert "\r" not in feed.replace("\r\n", "")
    assert "\n" not in feed.replace("\r\n", "")
    assert field(feed, "X-WR-CALNAME") == ["Rosa\\nX-INJECTED:1"]
    assert field(feed, "SUMMARY") == ["Keys\\nEND:VEVENT\\nBEGIN:VEVENT"]
    assert field(feed, "DESCRIPTION") == ["one\\ntwo\\n\\nthree"]
    assert field(feed, "LOCATION") == ["a\\nb"]
    assert unfold(feed).count("BEGIN:VEVENT") == 1


def test_other_control_characters_are_dropped_and_tabs_kept():
    feed = calendar_feed(name="Sessions", events=[event(summary="Bell\x07 tab\there\x00\x1b[31m\x7f")])

    assert field(feed, "SUMMARY") == ["Bell tab\there[31m"]


def test_a_long_name_with_escapes_is_folded_and_unfolds_to_the_escaped_text():
    name = "Corazón, Rosa; keys\\synth\r" * 6

    feed = calendar_feed(name=name, events=[])

    assert max(len(line.encode()) for line in lines_of(feed)) <= 75
    assert field(feed, "X-WR-CALNAME") == ["Corazón\\, Rosa\\; keys\\\\synth\\n" * 6]

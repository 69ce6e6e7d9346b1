import datetime as dt
import secrets
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bookings.texts import (
    client_words,
    confirmation_text,
    filled_courtesy_text,
    manager_confirmation_text,
    manager_help_text,
    offer_link,
    offer_text,
    time_dropped_text,
)
from messaging.gsm7 import is_gsm7

START = dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC)
END = dt.datetime(2026, 12, 5, 22, tzinfo=dt.UTC)
TOKEN = "tok3n-Abc_12xyzQ"
LONG_STUDIO = "Harborview Sound Recording Co."  # 30 characters
LONG_BASE_URL = "https://bookings.example-studio.com"
SONG_200 = ("A Very Long Song Title " * 9)[:200]


def offer(**changes) -> str:
    return offer_text(
        **{
            "studio_name": "Blue Room",
            "instrument": "Violin",
            "song": "Moon River",
            "start": START,
            "end": END,
            "zone": "America/New_York",
            "token": TOKEN,
        }
        | changes
    )


def test_an_offer_reads_as_one_question_with_both_links():
    assert offer() == (
        'Blue Room: can you play violin on "Moon River", Sat Dec 5, 2:00-5:00 PM EST? '
        "YES https://studio.example/o/tok3n-Abc_12xyzQ/yes NO https://studio.example/o/tok3n-Abc_12xyzQ/no"
    )


def test_an_offer_shows_the_session_in_the_readers_zone():
    text = offer(zone=ZoneInfo("America/Los_Angeles"))

    assert "Sat Dec 5, 11:00 AM-2:00 PM PST?" in text
    assert "EST" not in text


def test_the_offer_links_live_under_the_public_base_url(settings):
    settings.PUBLIC_BASE_URL = LONG_BASE_URL

    links = offer().split("? ", 1)[1]

    assert links == f"YES {LONG_BASE_URL}/o/{TOKEN}/yes NO {LONG_BASE_URL}/o/{TOKEN}/no"


def test_the_offer_links_are_the_ones_the_answer_page_serves():
    assert (offer_link(TOKEN), offer_link(TOKEN, "yes"), offer_link(TOKEN, "no")) == (
        f"https://studio.example/o/{TOKEN}",
        f"https://studio.example/o/{TOKEN}/yes",
        f"https://studio.example/o/{TOKEN}/no",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, END),
        # Across midnight on a two-digit date: the longest way a session is written.
        (dt.datetime(2026, 12, 31, 4, 30, tzinfo=dt.UTC), dt.datetime(2026, 12, 31, 7, 30, tzinfo=dt.UTC)),
    ],
)
def test_a_long_offer_still_fits_two_gsm7_segments(settings, start, end):
    settings.PUBLIC_BASE_URL = LONG_BASE_URL
    token = secrets.token_urlsafe(12)

    text = offer(
        studio_name=LONG_STUDIO,
        instrument="Acoustic guitar",
        song=SONG_200,
        start=start,
        end=end,
        token=token,
    )

    assert (len(LONG_STUDIO), len(SONG_200), len(LONG_BASE_URL), len(token)) == (30, 200, 35, 16)
    assert len(text) <= 306
    assert is_gsm7(text) is True
    assert text.endswith(f"YES {LONG_BASE_URL}/o/{token}/yes NO {LONG_BASE_URL}/o/{token}/no")


def test_a_200_character_song_title_is_clipped_to_40_with_dots():
    text = offer(song="x" * 200)

    assert ' on "' + "x" * 37 + '...", Sat Dec 5' in text
    assert "x" * 38 not in text


def test_a_41_character_song_title_is_clipped():
    title = "Somewhere Over The Rainbow (Live Version)"

    assert len(title) == 41
    assert 'on "Somewhere Over The Rainbow (Live Vers...", ' in offer(song=title)


def test_a_40_character_song_title_is_shown_whole():
    title = "Somewhere Over The Rainbow (Live Versio)"

    assert len(title) == 40
    assert f'on "{title}", ' in offer(song=title)


def test_the_song_title_is_trimmed_before_it_is_measured():
    title = "  " + "y" * 40 + "  \n"

    assert 'on "' + "y" * 40 + '", ' in offer(song=title)


def test_an_offer_without_a_song_title_does_not_say_on():
    assert offer(song="  ").startswith("Blue Room: can you play violin, Sat Dec 5, 2:00-5:00 PM EST? YES ")


def test_a_booked_musician_gets_the_session_and_a_details_link():
    text = confirmation_text(
        studio_name="Blue Room",
        instrument="Violin",
        song="Moon River",
        start=START,
        end=END,
        zone="America/New_York",
        token=TOKEN,
    )

    assert text == (
        'Blue Room: you\'re booked! Violin on "Moon River", Sat Dec 5, 2:00-5:00 PM EST. '
        f"Details: https://studio.example/o/{TOKEN}"
    )


def test_a_confirmation_without_a_token_has_no_link():
    text = confirmation_text(
        studio_name="Blue Room",
        instrument="Cello",
        song="Moon River",
        start=START,
        end=END,
        zone=ZoneInfo("America/Los_Angeles"),
        token=None,
    )

    assert text == 'Blue Room: you\'re booked! Cello on "Moon River", Sat Dec 5, 11:00 AM-2:00 PM PST.'


def test_a_confirmation_without_a_song_title_does_not_say_on():
    text = confirmation_text(
        studio_name="Blue Room",
        instrument="Drums",
        song="",
        start=START,
        end=END,
        zone="America/New_York",
        token=None,
    )

    assert text == "Blue Room: you're booked! Drums, Sat Dec 5, 2:00-5:00 PM EST."


def test_the_filled_courtesy_text_says_the_spot_is_taken():
    text = filled_courtesy_text(
        studio_name="Blue Room", instrument="Electric Bass", start=START, end=END, zone="America/New_York"
    )

    assert text == (
        "Blue Room: thanks - the electric bass spot for Sat Dec 5, 2:00-5:00 PM EST is taken. No need to reply."
    )


def test_the_time_dropped_text_says_the_session_is_off():
    text = time_dropped_text(studio_name="Blue Room", start=START, end=END, zone="America/Chicago")

    assert text == (
        "Blue Room: the session Sat Dec 5, 1:00-4:00 PM CST could not get a full band, so it is off. "
        "Thanks for your answer. No need to reply."
    )


def test_musician_texts_are_gsm7_for_plain_inputs():
    texts = [
        offer(),
        confirmation_text(
            studio_name="Blue Room",
            instrument="Violin",
            song="Moon River",
            start=START,
            end=END,
            zone="America/New_York",
            token=TOKEN,
        ),
        filled_courtesy_text(
            studio_name="Blue Room", instrument="Violin", start=START, end=END, zone="America/New_York"
        ),
        time_dropped_text(studio_name="Blue Room", start=START, end=END, zone="America/New_York"),
    ]

    assert [is_gsm7(text) for text in texts] == [True, True, True, True]


def test_the_manager_confirmation_lists_the_band_and_links_to_the_live_booking_page():
    booking = SimpleNamespace(pk=42, client_name="Acme Records", song_title="Moon River")

    text = manager_confirmation_text(
        booking=booking,
        lineup=[("Violin", "Ana Ruiz"), ("Cello", "Ben Ode")],
        start=START,
        end=END,
        zone="America/New_York",
    )

    assert text == (
        'Booked #42 Acme Records "Moon River", Sat Dec 5, 2:00-5:00 PM EST: '
        "Violin - Ana Ruiz, Cello - Ben Ode. https://studio.example/admin/board/42/"
    )


def test_the_manager_help_text_gives_the_reason_and_links_to_the_live_booking_page():
    booking = SimpleNamespace(pk=7, client_name="Acme Records", song_title="")

    text = manager_help_text(
        booking=booking,
        reason="No musician free for cello.",
    )

    assert text == (
        "Workflow: booking #7 Acme Records needs you. No musician free for cello. https://studio.example/admin/board/7/"
    )


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Moon River", "Moon River"),
        ("Reply YES at http://evil.example/x to win", "Reply at to win"),
        ("Vonage suspended the account, log in at vonage-help.example.com", "Vonage suspended the account, log in at"),
        ("stop STOP Stop", ""),
        ("Yesterday / Nothing Else Matters", "Yesterday / Nothing Else Matters"),  # words, not answers
        ("see www.example.org now", "see now"),
    ],
)
def test_what_a_client_wrote_reaches_phones_without_links_or_answer_words(written, shown):
    assert client_words(written, 60) == shown


def test_an_offer_for_a_hostile_song_title_carries_only_our_links_and_answer_words(settings):
    text = offer(song="YES NO http://evil.example STOP www.x.io Reply YES now")

    assert "evil" not in text and "x.io" not in text and "STOP" not in text
    assert text.count("YES") == 1 and text.count("NO ") == 1  # ours, before our two links
    assert text.count("https://") == 2


def test_dane_s_texts_carry_the_client_s_name_cleaned_and_clipped():
    booking = SimpleNamespace(pk=7, client_name="Log in at https://phish.example NOW " + "x" * 80, song_title="")

    text = manager_help_text(booking=booking, reason="No drummer free.")

    assert "phish" not in text
    assert len(text) < 200

"""The words of every text about a booking. Short, plain GSM-7, times in the reader's own zone.

An offer must fit in two SMS segments (306 GSM-7 characters) with both links,
so free text from the client (the song title) is clipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.urls import reverse

from core.links import absolute_url
from core.timefmt import format_session

if TYPE_CHECKING:
    from .models import Booking

SONG_CHARS = 40
CLIENT_CHARS = 40
STUDIO_CHARS = 30
Zone = ZoneInfo | str

# What a client wrote reaches phones from the studio's number, so it carries no link and no
# word a reader (or a carrier) would take as an answer or a command. Only our own links and
# answer words are ever in a text.
_LINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://\S*|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/\S*)?)")
_ANSWER_WORDS = re.compile(r"(?i)\b(?:yes|no|y|n|stop|stopall|start|unstop|help|info|cancel|end|quit|unsubscribe)\b")


def client_words(text: str, chars: int) -> str:
    """A client's words made safe for a text: links and answer words taken out, clipped to `chars`."""
    cleaned = _ANSWER_WORDS.sub("", _LINK.sub("", text))
    cleaned = " ".join(re.sub(r"[<>\[\]{}]", "", cleaned).split())
    return _clip(cleaned, chars)


def _song(title: str) -> str:
    title = client_words(title, SONG_CHARS)
    if not title:
        return ""
    return f' "{title}"'


def _client(booking: Booking) -> str:
    return client_words(booking.client_name, CLIENT_CHARS) or "(a client)"


def _on_song(title: str) -> str:
    """' on "Song"', or nothing when the client gave no title (not "play violin on, Sat")."""
    song = _song(title)
    return f" on{song}" if song else ""


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 3] + "..."


def offer_link(token: str, answer: str = "") -> str:
    return absolute_url(f"/o/{token}/{answer}" if answer else f"/o/{token}")


def board_link(booking: Booking) -> str:
    """The live booking page on Dane's board (behind the admin login)."""
    return absolute_url(reverse("dashboard-booking", args=[booking.pk]))


def client_email_cut_off_text(*, email: str, kind: str, booking: Booking) -> str:
    return (
        f"Workflow: the email to the client ({kind.lower()}) to {email} may not have gone: its send was "
        f"cut off. Please check with them. {board_link(booking)}"
    )


def offer_text(
    *,
    studio_name: str,
    instrument: str,
    song: str,
    start: dt.datetime,
    end: dt.datetime,
    zone: Zone,
    token: str,
) -> str:
    session = format_session(start, end, zone)
    asked = f"can you play {instrument.lower()}{_on_song(song)}, {session}?"
    return f"{_clip(studio_name, STUDIO_CHARS)}: {asked} {_answer_links(token)}"


def nudge_text(
    *, studio_name: str, instrument: str, song: str, start: dt.datetime, end: dt.datetime, zone: Zone, token: str
) -> str:
    session = format_session(start, end, zone)
    asked = f"still looking for {instrument.lower()}{_on_song(song)}, {session}. Can you?"
    return f"{_clip(studio_name, STUDIO_CHARS)}: {asked} {_answer_links(token)}"


def _answer_links(token: str) -> str:
    """The only answer words and links in any text: ours."""
    return f"YES {offer_link(token, 'yes')} NO {offer_link(token, 'no')}"


def confirmation_text(
    *,
    studio_name: str,
    instrument: str,
    song: str,
    start: dt.datetime,
    end: dt.datetime,
    zone: Zone,
    token: str | None,
) -> str:
    session = format_session(start, end, zone)
    details = f" Details: {offer_link(token)}" if token else ""
    return f"{studio_name}: you're booked! {instrument}{_on_song(song)}, {session}.{details}"


def manager_confirmation_text(
    *, booking: Booking, lineup: Iterable[tuple[str, str]], start: dt.datetime, end: dt.datetime, zone: Zone
) -> str:
    players = ", ".join(f"{instrument} - {name}" for instrument, name in lineup)
    session = format_session(start, end, zone)
    return (
        f"Booked #{booking.pk} {_client(booking)}{_song(booking.song_title)}, {session}: {players}. "
        f"{board_link(booking)}"
    )


def filled_courtesy_text(*, studio_name: str, instrument: str, start: dt.datetime, end: dt.datetime, zone: Zone) -> str:
    session = format_session(start, end, zone)
    return f"{studio_name}: thanks - the {instrument.lower()} spot for {session} is taken. No need to reply."


def time_dropped_text(*, studio_name: str, start: dt.datetime, end: dt.datetime, zone: Zone) -> str:
    session = format_session(start, end, zone)
    return (
        f"{studio_name}: the session {session} could not get a full band, so it is off. "
        "Thanks for your answer. No need to reply."
    )


def cancelled_text(*, studio_name: str, start: dt.datetime, end: dt.datetime, zone: Zone) -> str:
    session = format_session(start, end, zone)
    return f"{studio_name}: the session {session} is cancelled. Sorry for the change. No need to reply."


def manager_help_text(*, booking: Booking, reason: str) -> str:
    song = _song(booking.song_title)
    return f"Workflow: booking #{booking.pk} {_client(booking)}{song} needs you. {reason} {board_link(booking)}"


def manager_text_failed_text(*, who: str, purpose: str, error: str, link: str) -> str:
    return f"Workflow: a text to {who} ({purpose}) failed: {error} {link}"


def no_open_offers_text(*, studio_name: str) -> str:
    return f"{studio_name}: you have no open offers right now. Thanks!"


def offer_list_text(*, studio_name: str, lines: list[str]) -> str:
    numbered = " ".join(f"{n}) {line}" for n, line in enumerate(lines, start=1))
    return f"{studio_name}: you have {len(lines)} open offers. Reply YES 1 or NO 1 (etc.): {numbered}"


def open_offer_after_ended_text(*, studio_name: str, ended: str, still_open: str) -> str:
    return (
        f"{studio_name}: the offer for {ended} has ended. Still open: 1) {still_open}. Reply YES 1 to take it or NO 1."
    )


ANSWER_REPLIES = {
    "accepted": "thanks, you're in for {what}! We'll text you when the whole band is confirmed.",
    "declined": "thanks, noted: no for {what}.",
    "late": "thanks - someone confirmed first for {what}. No need to do anything.",
    "standby": "thanks - someone confirmed first for {what}, so you're on standby: if it opens up, we'll text you.",
    "already": "we already have your answer for {what}.",
    "ended": "the offer for {what} has ended. No need to do anything.",
    "conflict": "you're booked elsewhere at that time, so we've passed {what} on.",
}


def answer_reply_text(*, studio_name: str, outcome: str, what: str) -> str:
    return f"{studio_name}: " + ANSWER_REPLIES[outcome].format(what=what)

"""The words of the texts about dropping out, reminders, replies and a musician's own page.

Short, plain GSM-7, times in the reader's own zone, like bookings.texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.timefmt import format_session

from .texts import Zone, _clip, _song


def page_link_text(*, studio_name: str, link: str) -> str:
    return f"{studio_name}: your sessions, offers and settings: {link}"


def help_page_line(*, link: str) -> str:
    return f" Your page: {link} Reply DROP to drop out of a session."


def dropped_out_text(*, studio_name: str, instrument: str, start: dt.datetime, end: dt.datetime, zone: Zone) -> str:
    session = format_session(start, end, zone)
    return f"{studio_name}: thanks for telling us - you're off {instrument.lower()} for {session}. No need to reply."


def no_sessions_to_drop_text(*, studio_name: str) -> str:
    return f"{studio_name}: you're not booked on any upcoming session. Thanks!"


def sessions_to_drop_text(*, studio_name: str, lines: list[str]) -> str:
    numbered = " ".join(f"{n}) {line}" for n, line in enumerate(lines, start=1))
    return (
        f"{studio_name}: you're booked on {len(lines)} sessions. "
        f"Reply DROP 1 (etc.) for the one you can't make: {numbered}"
    )


def lineup_change_text(*, studio_name: str, instrument: str, newcomer: str, start: dt.datetime, end: dt.datetime,
                       zone: Zone) -> str:  # fmt: skip
    session = format_session(start, end, zone)
    return (
        f"{studio_name}: line-up change for {session}: {newcomer} now plays {instrument.lower()}. "
        "The session is still on. No need to reply."
    )


def manager_dropout_text(*, booking_pk: int, client: str, song: str, who: str, seat: str, next_step: str,
                         link: str) -> str:  # fmt: skip
    return f"Workflow: {who} dropped out of {seat} for #{booking_pk} {client}{_song(song)}. {next_step} {link}"


def manager_lineup_restored_text(*, booking_pk: int, client: str, song: str, changes: Iterable[str],
                                 link: str) -> str:  # fmt: skip
    return f"Workflow: #{booking_pk} {client}{_song(song)} is whole again: {'; '.join(changes)}. {link}"


def reminder_text(*, studio_name: str, instrument: str, song: str, start: dt.datetime, end: dt.datetime, zone: Zone,
                  address: str, link: str) -> str:  # fmt: skip
    session = format_session(start, end, zone)
    where = f" at {_clip(address, 60)}" if address else ""
    return f"{studio_name}: reminder - {instrument.lower()}{_song(song)}, {session}{where}. Details: {link}"


def morning_summary_text(*, studio_name: str, sessions: list[str]) -> str:
    return f"Workflow: today at {studio_name}: " + " | ".join(sessions)


def forwarded_reply_text(*, who: str, booking_pk: int | None, text: str, link: str) -> str:
    about = f" about #{booking_pk}" if booking_pk else ""
    return f'Workflow: {who}{about} wrote: "{_clip(" ".join(text.split()), 300)}" {link}'


def manager_answer_text(*, studio_name: str, manager: str, body: str) -> str:
    return f"{studio_name} ({manager}): {body}"


def reply_passed_on_text(*, studio_name: str, manager: str) -> str:
    return (
        f"{studio_name}: thanks, we've passed your message to {manager}. "
        "To answer an offer reply YES or NO; HELP for help."
    )

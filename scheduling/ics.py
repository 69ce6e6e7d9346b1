"""iCalendar (RFC 5545) feeds of the local calendar, subscribable from a phone."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.core import signing

from .models import CalendarEvent

FEED_SALT = "scheduling.calendar-feed"


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed a link is: the studio's, or one musician's at one version of their link.

    A link names its owner, not a calendar id, so it always shows the owner's calendar
    as it is now, and a musician's dies when their version is raised (revoked).
    """

    kind: Literal["studio", "musician"]
    pk: int
    version: int = 1


def feed_token(owner: FeedOwner) -> str:
    """A signed, unguessable token naming one feed's owner; it never expires (a subscription).

    Not timestamped (signing.dumps would be), so a feed's address is the same each time it is shown.
    """
    return signing.Signer(salt=FEED_SALT).sign_object([owner.kind, owner.pk, owner.version])


def feed_owner(token: str) -> FeedOwner | None:
    try:
        kind, pk, version = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):  # tampered, or not a list of three
        return None
    if kind not in ("studio", "musician") or not isinstance(pk, int) or not isinstance(version, int):
        return None
    return FeedOwner(kind, pk, version)


# RFC 5545 TEXT allows no control characters but HTAB; line breaks are written as "\n".
_CONTROLS: dict[int, str | None] = {**dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F]), 0x0A: "\\n"}


def _escape(text: str) -> str:
    """Escape a TEXT value. CRLF, a lone CR and a lone LF are each one line break, so no
    name or note can end the line and start a property of its own."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded, parts = line.encode(), list[str]()
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while cut and (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def _event_lines(event: CalendarEvent) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{event.uid}@workflow",
        f"DTSTAMP:{_stamp(event.updated_at)}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.summary)}",
        f"DESCRIPTION:{_escape(event.description)}",
        f"LOCATION:{_escape(event.location)}",
        f"STATUS:{'CANCELLED' if event.status == CalendarEvent.Status.CANCELLED else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def calendar_feed(*, name: str, events: Iterable[CalendarEvent]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Workflow//Studio bookings//EN",
        "CALSCALE:GREGORIAN",
    ]
    lines.append(f"X-WR-CALNAME:{_escape(name)}")
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

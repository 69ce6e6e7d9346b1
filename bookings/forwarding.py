"""Replies a person must read, and the keywords of a musician's own side: DROP and LINK.

Registered in bookings.listeners after the YES/NO answers, in this order: DROP (drop out
of a session), LINK or MENU (the musician's page link), and last anything else, which is
kept (MusicianReply, on the booking's timeline) and forwarded to the manager at most
once per musician and booking within REPLY_FORWARD_EVERY_MINUTES. None of these words is
a carrier opt-out word (STOP, END, CANCEL, QUIT… are messaging's).
"""

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.timefmt import format_session
from messaging.keywords import normalized
from messaging.listeners import sender
from messaging.models import InboundText, Message
from musicians.models import Musician
from scheduling.services import studio_get_or_create_default

from .dropouts import DropOutError, fill_drop_out
from .history import booking_log
from .models import Booking, BookingEvent, Fill, MusicianReply, Offer
from .musician_links import musician_page_link
from .musician_texts import (
    dropped_out_text,
    forwarded_reply_text,
    help_page_line,
    manager_answer_text,
    no_sessions_to_drop_text,
    page_link_text,
    reply_passed_on_text,
    sessions_to_drop_text,
)
from .texting import booking_text_send, manager_alert
from .texts import board_link

DROP = re.compile(r"^drop(?:\s*out)?[\s!.,#:-]*(?P<number>\d{1,3})?[\s!.]*$")
LINK_WORDS = {"link", "menu", "my page", "page"}
LIVE = (Booking.Status.CONFIRMED, Booking.Status.OFFERING)


def booked_fills(musician: Musician, now: dt.datetime) -> list[Fill]:
    """The seats the musician holds on live sessions still ahead, soonest first."""
    return list(
        Fill.objects.filter(
            musician=musician,
            candidate_time__booking__status__in=LIVE,
            candidate_time__booking__current_time=F("candidate_time"),
            candidate_time__starts_at__gt=now,
        )
        .select_related("seat__instrument", "candidate_time__booking__studio")
        .order_by("candidate_time__starts_at", "pk")
    )


def dropout_reply(inbound: InboundText, now: dt.datetime) -> str | None:
    """DROP (or DROP 2 of a list): the musician can't make a session they are booked on."""
    match = DROP.match(normalized(inbound.text))
    musician = inbound.musician
    if match is None or musician is None:
        return None
    studio = sender().name
    fills = booked_fills(musician, now)
    number = int(match["number"]) if match["number"] else None
    if not fills:
        booking_text_send(booking=None, musician=musician, purpose=Message.Purpose.REPLY,
                          body=no_sessions_to_drop_text(studio_name=studio))  # fmt: skip
        return "drop: not booked"
    if (number is None and len(fills) > 1) or not 0 < (number or 1) <= len(fills):
        lines = [_describe(fill, musician) for fill in fills]
        booking_text_send(booking=None, musician=musician, purpose=Message.Purpose.REPLY,
                          body=sessions_to_drop_text(studio_name=studio, lines=lines))  # fmt: skip
        return "drop: sent the list of sessions"
    fill = fills[(number or 1) - 1]
    booking = fill.candidate_time.booking
    try:
        fill_drop_out(booking_id=booking.pk, musician_id=musician.pk, now=now)
    except DropOutError:
        return "drop: the session can no longer be changed"
    time = fill.candidate_time
    body = dropped_out_text(studio_name=studio, instrument=fill.seat.instrument.name, start=time.starts_at,
                            end=time.ends_at, zone=musician.time_zone)  # fmt: skip
    booking_text_send(booking=booking, musician=musician, purpose=Message.Purpose.REPLY, body=body)
    return f"dropped out of booking {booking.pk}"


def _describe(fill: Fill, musician: Musician) -> str:
    time = fill.candidate_time
    return f"{fill.seat.instrument.name.lower()}, {format_session(time.starts_at, time.ends_at, musician.time_zone)}"


def link_reply(inbound: InboundText, now: dt.datetime) -> str | None:
    """LINK or MENU: the musician's own page, by text."""
    musician = inbound.musician
    if musician is None or normalized(inbound.text) not in LINK_WORDS:
        return None
    body = page_link_text(studio_name=sender().name, link=musician_page_link(musician))
    booking_text_send(booking=None, musician=musician, purpose=Message.Purpose.REPLY, body=body)
    return "sent their page link"


def help_page_link(musician: Musician) -> str:
    """What HELP adds for a musician: their page and the DROP word (messaging.listeners.on_help)."""
    return help_page_line(link=musician_page_link(musician))


def reply_forward(inbound: InboundText, now: dt.datetime) -> str | None:
    """Anything else a musician writes: kept for the booking's page, forwarded to the manager."""
    musician = inbound.musician
    if musician is None or not inbound.text.strip():
        return None
    booking = _booking_about(musician)
    with transaction.atomic():
        reply = MusicianReply.objects.create(
            booking=booking, musician=musician, inbound=inbound, text=inbound.text[:2000], received_at=now
        )
        if booking is not None:
            booking_log(booking, BookingEvent.Kind.REPLY_RECEIVED, f"{musician.name}: {inbound.text}", at=now)
        if _forwarded_lately(reply, now):
            return "kept for the manager (forwarded within the hour)"
        message = _forward(reply, booking)
        MusicianReply.objects.filter(pk=reply.pk).update(forwarded=message)
        who = sender()
        body = reply_passed_on_text(studio_name=who.name, manager=who.contact_name or "the studio")
        booking_text_send(booking=booking, musician=musician, purpose=Message.Purpose.REPLY, body=body)
    return "forwarded to the manager"


def _booking_about(musician: Musician) -> Booking | None:
    """The live booking the musician was last asked about (their reply is most likely about it)."""
    offer = (
        Offer.objects.filter(musician=musician, booking__status__in=[*LIVE, Booking.Status.NEEDS_ATTENTION])
        .select_related("booking__studio")
        .order_by("-created_at", "-pk")
        .first()
    )
    return offer.booking if offer else None


def _forwarded_lately(reply: MusicianReply, now: dt.datetime) -> bool:
    since = now - dt.timedelta(minutes=settings.REPLY_FORWARD_EVERY_MINUTES)
    earlier = MusicianReply.objects.filter(
        musician=reply.musician, booking=reply.booking, received_at__gte=since, forwarded__isnull=False
    )
    return earlier.exclude(pk=reply.pk).exists()


def _forward(reply: MusicianReply, booking: Booking | None) -> Message | None:
    studio = booking.studio if booking else studio_get_or_create_default()
    link = board_link(booking) if booking else ""
    body = forwarded_reply_text(who=reply.musician.name, booking_pk=booking.pk if booking else None,
                                text=reply.text, link=link)  # fmt: skip
    return manager_alert(studio=studio, body=body, booking=booking)


def manager_reply_send(
    *, booking_id: int, musician_id: int, body: str, actor: str, now: dt.datetime | None = None
) -> Message:
    """The manager answers a musician from the booking's page: a text through the normal send path."""
    now = now or timezone.now()
    body = " ".join(body.split())
    if not body:
        raise ValueError("Write something to send.")
    with transaction.atomic():
        booking = Booking.objects.select_related("studio").get(pk=booking_id)
        musician = Musician.objects.get(pk=musician_id)
        text = manager_answer_text(studio_name=booking.studio.name, manager=booking.studio.manager_name, body=body)
        message = booking_text_send(booking=booking, musician=musician, purpose=Message.Purpose.REPLY, body=text[:600])
        booking_log(booking, BookingEvent.Kind.MANAGER_REPLIED, f"To {musician.name}: {body}", at=now, actor=actor)
    return message

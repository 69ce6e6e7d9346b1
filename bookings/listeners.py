"""Bookings' side of messaging's registry (messaging.listeners), filled in BookingsConfig.ready.

Messaging tells; bookings decides what it means: a failed offer text is a NO for
the plan, an opted-out musician's open offers are declined, a YES/NO reply answers
an offer, and the texts messaging writes itself are signed with the studio's name.
"""

import datetime as dt
import logging

from django.db.models import Q

from core.links import admin_url
from messaging import listeners
from messaging.models import Message
from scheduling.services import studio_get_or_create_default

from .answers import musician_offers_decline, offer_undeliverable
from .forwarding import dropout_reply, help_page_link, link_reply, reply_forward
from .models import Booking, Offer
from .replies import offer_reply
from .texting import manager_alert
from .texts import manager_text_failed_text

logger = logging.getLogger(__name__)


def text_failed(message: Message, gave_up: bool, now: dt.datetime) -> None:
    offer_id = Offer.objects.filter(message=message).values_list("pk", flat=True).first()
    if offer_id is not None:
        offer_undeliverable(offer_id=offer_id, now=now)
    if gave_up:
        _tell_manager_text_failed(message)


def _tell_manager_text_failed(message: Message) -> None:
    """Once per text (this runs on its one transition to failed), never about the manager's own."""
    booking = Booking.objects.select_related("studio").filter(about_booking_text(message)).first()
    studio = booking.studio if booking else studio_get_or_create_default()
    if message.to_phone == studio.manager_phone:
        logger.error("Text %s to the manager failed and the manager cannot be told: %s", message.pk, message.error)
        return
    who = message.musician.name if message.musician else message.to_phone
    body = manager_text_failed_text(
        who=who,
        purpose=message.get_purpose_display().lower(),
        error=message.error,
        link=admin_url("messaging_message_change", message.pk),
    )
    manager_alert(studio=studio, body=body, booking=booking)


def about_booking_text(message: Message) -> Q:
    return Q(offers__message=message) | Q(texts__message=message)


def musician_opted_out(musician_id: int, now: dt.datetime) -> None:
    musician_offers_decline(musician_id=musician_id, now=now)


def studio_sender() -> listeners.Sender:
    studio = studio_get_or_create_default()
    return listeners.Sender(studio.name, studio.manager_name, studio.manager_phone)


def register() -> None:
    listeners.on_reply(offer_reply)
    # After the YES/NO answers (the first outcome wins): DROP, LINK, then a reply a person reads.
    listeners.on_reply(dropout_reply)
    listeners.on_reply(link_reply)
    listeners.on_reply(reply_forward)
    listeners.on_help(help_page_link)
    listeners.on_text_failed(text_failed)
    listeners.on_opt_out(musician_opted_out)
    listeners.set_sender(studio_sender)

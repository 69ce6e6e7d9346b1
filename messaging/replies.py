"""Texts from musicians: stored before they are acted on; STOP, START and HELP answered here.

Every other reply (YES, NO, anything) goes to the listeners the apps above
registered (`messaging.listeners.on_reply`); one that nobody claims gets a hint.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.validators import normalize_phone
from musicians.models import Musician

from . import listeners, texts
from .keywords import Keyword, read_keyword
from .models import InboundText, Message
from .services import message_queue, musician_opt_in, musician_opt_out


def inbound_text_receive(
    *, provider_id: str, from_phone: str, text: str, params: dict, now: dt.datetime | None = None
) -> InboundText | None:
    """Store a musician's text and act on it. None for a replay of one already received."""
    now = now or timezone.now()
    phone = _e164(from_phone)
    try:
        with transaction.atomic():
            inbound = InboundText.objects.create(
                provider_id=provider_id[:100], from_phone=phone[:20], text=text, params=params
            )
    except IntegrityError:
        return None  # Vonage retried a text we already have: it was acted on once
    inbound.musician = Musician.objects.filter(phone=phone).first()
    inbound.outcome = _act(inbound, now)[:200]
    inbound.save(update_fields=["musician", "outcome"])
    return inbound


def reply_send(*, musician: Musician, body: str) -> Message:
    """Answer a text a musician just sent (goes out even to an opted-out number: STOP's receipt)."""
    return message_queue(purpose=Message.Purpose.REPLY, to_phone=musician.phone, body=body, musician=musician)


def _e164(raw: str) -> str:
    """Vonage sends msisdn digits without the +."""
    try:
        return normalize_phone(raw if raw.startswith("+") else f"+{raw}")
    except Exception:
        return raw.strip()


def _act(inbound: InboundText, now: dt.datetime) -> str:
    musician = inbound.musician
    if musician is None:
        return "ignored: not a musician on the roster"
    sender = listeners.sender()
    keyword = read_keyword(inbound.text)
    if keyword is Keyword.STOP:
        musician_opt_out(musician_id=musician.pk, now=now)
        reply_send(musician=musician, body=texts.opted_out_text(studio_name=sender.name))
        return "opted out"
    if keyword is Keyword.START:
        musician_opt_in(musician_id=musician.pk)
        reply_send(musician=musician, body=texts.opted_in_text(studio_name=sender.name))
        return "opted back in"
    if keyword is Keyword.HELP:
        reply_send(musician=musician, body=texts.help_text(sender=sender) + listeners.help_extra(musician))
        return "sent help"
    if musician.opted_out_at:
        reply_send(musician=musician, body=texts.still_opted_out_text(studio_name=sender.name))
        return "ignored: opted out"
    outcome = listeners.reply_received(inbound, now)
    if outcome is not None:
        return outcome
    reply_send(musician=musician, body=texts.unknown_reply_text(studio_name=sender.name))
    return "sent help: not understood"

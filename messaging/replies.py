"""Texts from musicians: YES/NO to an offer, STOP/START, HELP. Stored before acted on."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.answers import Answer, musician_offers_decline, offer_answer
from bookings.offers import OPEN, offer_state
from musicians.models import Musician
from scheduling.models import Studio
from scheduling.services import studio_get_or_create_default
from workflow.validators import normalize_phone

from . import texts
from .keywords import Reply, read_reply
from .models import InboundText, Message
from .services import message_queue
from .timefmt import format_session


def inbound_text_receive(*, provider_id: str, from_phone: str, text: str, params: dict) -> InboundText | None:
    """Store a musician's text and act on it. None for a replay of one already received."""
    phone = _e164(from_phone)
    try:
        with transaction.atomic():
            inbound = InboundText.objects.create(
                provider_id=provider_id[:100], from_phone=phone[:20], text=text, params=params
            )
    except IntegrityError:
        return None  # Vonage retried a text we already have: it was acted on once
    inbound.musician = Musician.objects.filter(phone=phone).first()
    inbound.outcome = _act(inbound, read_reply(text))[:200]
    inbound.save(update_fields=["musician", "outcome"])
    return inbound


def _e164(raw: str) -> str:
    """Vonage sends msisdn digits without the +."""
    try:
        return normalize_phone(raw if raw.startswith("+") else f"+{raw}")
    except Exception:
        return raw.strip()


def _studio() -> Studio:
    return studio_get_or_create_default()


def _reply(musician: Musician, body: str) -> None:
    message_queue(kind=Message.Kind.REPLY, to_phone=musician.phone, body=body, musician=musician)


def _act(inbound: InboundText, reply: Reply) -> str:
    musician = inbound.musician
    if musician is None:
        return "ignored: not a musician on the roster"
    studio = _studio().name
    if reply.keyword == "stop":
        return _opt_out(musician, studio)
    if reply.keyword == "start":
        Musician.objects.filter(pk=musician.pk).update(opted_out_at=None)
        _reply(musician, texts.opted_in_text(studio_name=studio))
        return "opted back in"
    if reply.keyword == "help":
        s = _studio()
        _reply(
            musician,
            texts.help_text(studio_name=studio, manager_name=s.manager_name, manager_phone=s.manager_phone),
        )
        return "sent help"
    if musician.opted_out_at:
        _reply(musician, texts.still_opted_out_text(studio_name=studio))
        return "ignored: opted out"
    if reply.keyword in ("yes", "no"):
        return _answer(musician, reply, studio)
    _reply(musician, texts.unknown_reply_text(studio_name=studio))
    return "sent help: not understood"


def _opt_out(musician: Musician, studio: str) -> str:
    Musician.objects.filter(pk=musician.pk, opted_out_at=None).update(opted_out_at=timezone.now())
    declined = musician_offers_decline(musician_id=musician.pk)
    _reply(musician, texts.opted_out_text(studio_name=studio))
    return f"opted out; {declined} open offer(s) declined"


def _open_offers(musician: Musician) -> list[Message]:
    offers = (
        Message.objects.filter(kind=Message.Kind.OFFER, musician=musician, status__in=OPEN)
        .select_related("booking__studio", "seat__instrument", "candidate_time", "musician")
        .order_by("pk")
    )
    return [offer for offer in offers if offer_state(offer) == "open"]


def _describe(offer: Message) -> str:
    _, seat, time, musician = offer.offer_parts()
    return f"{seat.instrument.name.lower()}, {format_session(time.starts_at, time.ends_at, musician.time_zone)}"


def _answer(musician: Musician, reply: Reply, studio: str) -> str:
    offers = _open_offers(musician)
    if not offers:
        _reply(musician, texts.no_open_offers_text(studio_name=studio))
        return "no open offer"
    if reply.number is None and len(offers) > 1:
        _reply(musician, texts.offer_list_text(studio_name=studio, lines=[_describe(o) for o in offers]))
        return "sent the list of open offers"
    index = (reply.number or 1) - 1
    if not 0 <= index < len(offers):
        _reply(musician, texts.offer_list_text(studio_name=studio, lines=[_describe(o) for o in offers]))
        return f"no offer number {reply.number}: sent the list"
    offer = offers[index]
    result = offer_answer(offer_id=offer.pk, answer=Answer(reply.keyword))
    what = _describe(offer)
    _reply(musician, texts.answer_reply_text(studio_name=studio, outcome=result.outcome.value, what=what))
    return f"{reply.keyword} to offer {offer.pk}: {result.outcome.value}"

"""What a reply text means for offers: YES or NO (maybe with a number) answers one.

Messaging stores the text and answers STOP/START/HELP itself; it hands every other
reply to `offer_reply` (registered in bookings.apps), which claims the answers to
offers and leaves anything else to messaging's "not understood" hint.
"""

import datetime as dt
import re
from dataclasses import dataclass

from core.timefmt import format_session
from messaging.keywords import normalized
from messaging.listeners import sender
from messaging.models import InboundText, Message
from musicians.models import Musician

from .answers import Answer, offer_answer
from .models import Offer
from .offers import offer_standing
from .texting import booking_text_send
from .texts import answer_reply_text, no_open_offers_text, offer_list_text, open_offer_after_ended_text

YES_WORDS = {"yes", "y", "yeah", "yep", "ok", "okay", "sure"}
NO_WORDS = {"no", "n", "nope", "nah"}

# "YES", "yes!", "Y 2", "no #1", "YES, 2"
ANSWER = re.compile(r"^(?P<word>[a-z]+)[\s!.,#:-]*(?P<number>\d{1,3})?[\s!.]*$")


@dataclass(frozen=True)
class ReplyAnswer:
    answer: Answer
    number: int | None = None  # "YES 2" picks the second offer of a list


def read_answer(text: str) -> ReplyAnswer | None:
    """YES or NO to an offer, maybe numbered; None for any other text."""
    match = ANSWER.match(normalized(text))
    if not match:
        return None
    number = int(match["number"]) if match["number"] else None
    if match["word"] in YES_WORDS:
        return ReplyAnswer(Answer.YES, number)
    if match["word"] in NO_WORDS:
        return ReplyAnswer(Answer.NO, number)
    return None


def offer_reply(inbound: InboundText, now: dt.datetime) -> str | None:
    """Answer the musician's open offer from their reply text; None if it is not an answer."""
    reply = read_answer(inbound.text)
    musician = inbound.musician
    if reply is None or musician is None:
        return None
    studio = sender().name
    offers = _open_offers(musician, now)
    if not offers:
        _reply(musician, None, no_open_offers_text(studio_name=studio))
        return "no open offer"
    index = (reply.number or 1) - 1
    if (reply.number is None and len(offers) > 1) or not 0 <= index < len(offers):
        lines = [_describe(o) for o in offers]
        _reply(musician, None, offer_list_text(studio_name=studio, lines=lines))
        return (
            "sent the list of open offers" if reply.number is None else f"no offer number {reply.number}: sent the list"
        )
    if reply.number is None and (ended := _latest_offer_ended(musician, offers[0], now)) is not None:
        _reply(
            musician,
            None,
            open_offer_after_ended_text(studio_name=studio, ended=_describe(ended), still_open=_describe(offers[0])),
        )
        return f"the latest offer ({ended.pk}) has ended: asked to confirm offer {offers[0].pk} with a number"
    offer = offers[index]
    result = offer_answer(offer_id=offer.pk, answer=reply.answer, now=now)
    text = answer_reply_text(studio_name=studio, outcome=result.outcome.value, what=_describe(offer))
    _reply(musician, offer, text)
    return f"{reply.answer} to offer {offer.pk}: {result.outcome.value}"


def _open_offers(musician: Musician, now: dt.datetime) -> list[Offer]:
    offers = (
        Offer.objects.filter(musician=musician, status=Offer.Status.OPEN)
        .select_related("booking__studio", "seat__instrument", "candidate_time", "musician")
        .order_by("pk")
    )
    return [offer for offer in offers if offer_standing(offer, now=now) == Offer.Status.OPEN]


def _latest_offer_ended(musician: Musician, still_open: Offer, now: dt.datetime) -> Offer | None:
    """The offer last texted to the musician if it has ended and came after `still_open`.

    A bare YES is most likely an answer to the last offer they got: if that one has
    ended, it is not taken as a YES to an older offer (another session) without asking.
    """
    latest = (
        Offer.objects.filter(musician=musician, message__isnull=False)
        .select_related("booking__studio", "seat__instrument", "candidate_time", "musician")
        .order_by("-message_id")
        .first()
    )
    if latest is None or latest.pk == still_open.pk or (latest.message_id or 0) < (still_open.message_id or 0):
        return None
    return latest if offer_standing(latest, now=now) != Offer.Status.OPEN else None


def _describe(offer: Offer) -> str:
    time = offer.candidate_time
    session = format_session(time.starts_at, time.ends_at, offer.musician.time_zone)
    return f"{offer.seat.instrument.name.lower()}, {session}"


def _reply(musician: Musician, offer: Offer | None, body: str) -> None:
    booking = offer.booking if offer else None
    booking_text_send(booking=booking, musician=musician, purpose=Message.Purpose.REPLY, body=body)

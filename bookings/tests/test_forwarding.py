"""Replies a person reads: kept, forwarded to Dane once an hour per musician and booking; Dane answers."""

import datetime as dt

import pytest

from bookings.engine import booking_start
from bookings.forwarding import manager_reply_send
from bookings.models import BookingEvent, MusicianReply, Offer
from bookings.tests.factories import SAT_2PM, make_booking
from messaging.models import Message
from messaging.replies import inbound_text_receive
from musicians.tests.factories import MusicianFactory
from scheduling.tests.factories import StudioFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
MANAGER = "+12125550199"


@pytest.fixture
def offer():
    MusicianFactory(name="Ana", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=StudioFactory(manager_phone=MANAGER))
    booking_start(booking_id=booking.pk)
    return Offer.objects.select_related("musician", "booking").get()


def text(musician, body: str, n: int, now=None):
    return inbound_text_receive(provider_id=f"in-{n}", from_phone=musician.phone, text=body, params={}, now=now)


def to_manager() -> list[str]:
    return list(Message.objects.filter(to_phone=MANAGER).order_by("pk").values_list("body", flat=True))


def test_it_forwards_a_reply_to_dane_once_an_hour_and_keeps_every_one(offer, clock):
    musician, booking = offer.musician, offer.booking

    first = text(musician, "yes but only after 2", 1)
    text(musician, "or 3 is fine too", 2)

    assert first is not None and first.outcome == "forwarded to the manager"
    [forwarded] = to_manager()
    assert f'Ana about #{booking.pk} wrote: "yes but only after 2"' in forwarded
    assert f"/admin/board/{booking.pk}/" in forwarded
    assert MusicianReply.objects.filter(booking=booking).count() == 2
    assert BookingEvent.objects.filter(booking=booking, kind=BookingEvent.Kind.REPLY_RECEIVED).count() == 2
    assert Offer.objects.get().status == Offer.Status.OPEN

    clock.shift(dt.timedelta(minutes=61))
    text(musician, "hello?", 3)
    assert len(to_manager()) == 2


def test_link_sends_the_musicians_page_and_help_carries_it(offer):
    text(offer.musician, "LINK", 1)
    text(offer.musician, "help", 2)

    replies = list(
        Message.objects.filter(musician=offer.musician, purpose="reply").order_by("pk").values_list("body", flat=True)
    )
    assert "https://studio.example/m/" in replies[0]
    assert "Your page: https://studio.example/m/" in replies[1] and "DROP" in replies[1]
    assert not to_manager()


def test_dane_answers_a_musician_through_the_normal_send_path(offer):
    message = manager_reply_send(booking_id=offer.booking_id, musician_id=offer.musician_id, body=" After 2 is fine ",
                                 actor="dane")  # fmt: skip

    assert message.to_phone == offer.musician.phone and message.purpose == Message.Purpose.REPLY
    assert message.body.endswith("(Dane): After 2 is fine")
    assert offer.booking.texts.filter(message=message).exists()
    event = BookingEvent.objects.get(kind=BookingEvent.Kind.MANAGER_REPLIED)
    assert event.actor == "dane"
    with pytest.raises(ValueError):
        manager_reply_send(booking_id=offer.booking_id, musician_id=offer.musician_id, body="  ", actor="dane")

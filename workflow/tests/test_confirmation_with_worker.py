"""The last YES over HTTP: a real worker decides the press, which books the session, and sends the texts."""

import pytest

from bookings.engine import booking_start
from bookings.models import Booking, Offer
from bookings.offers import offers_send
from bookings.tests.factories import local, make_booking
from core.testing import wait_for
from messaging.backends.base import OutgoingText
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.worker]
MANAGER, DREW, DANA = "+12125550199", "+12125550111", "+12125550112"


def texted(outbox: list[OutgoingText]) -> set[tuple[str, str]]:
    return {(text.to, text.kind) for text in outbox}


def test_a_yes_over_http_books_it_at_once_and_the_worker_texts_the_band_and_dane(
    celery_worker, client, outbox: list[OutgoingText]
):
    drew = MusicianFactory(name="Drew", plays=["drums"], phone=DREW)
    dana = MusicianFactory(name="Dana", plays=["drums"], phone=DANA)
    booking = make_booking(seats=["drums"], windows=[(local(2030, 12, 7, 14), local(2030, 12, 7, 17))])
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    asked = set(Offer.objects.filter(booking=booking).values_list("musician_id", flat=True))
    picks = [(booking.seats.get(), m) for m in (drew, dana) if m.pk not in asked]
    offers_send(booking=booking, time=booking.current_time, picks=picks, now=booking.planned_at)
    offer = Offer.objects.get(booking=booking, musician=drew)

    response = client.post(f"/o/{offer.token}/yes")

    assert response.status_code == 303  # stored; the worker decides it
    wait_for(lambda: Offer.objects.get(pk=offer.pk).press_outcome, what="the worker deciding the press")
    page = client.get(response["Location"]).content.decode()
    assert "The whole band is confirmed" in page
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED  # in the decision's transaction
    expected = {(DREW, "confirmation"), (MANAGER, "confirmation"), (DANA, "notice")}
    wait_for(lambda: texted(outbox) >= expected, what="the confirmation texts and Dana's courtesy text")
    assert sorted(t.to for t in outbox if t.kind == "confirmation") == sorted([DREW, MANAGER])  # once each
    assert Offer.objects.get(booking=booking, musician=dana).status == Offer.Status.VOIDED
    assert Booking.objects.get(pk=booking.pk).confirmation_sent_at is not None

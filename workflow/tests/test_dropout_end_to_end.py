"""A musician drops out by text after the band is booked, on real parts: the webhook over HTTP, a
real Celery worker on Redis, texts through the file backend, the client's email through Django's."""

import pytest
from django.core import mail

from bookings.answers import Answer, Outcome, offer_answer
from bookings.models import Booking, ClientEmail, Fill, Offer
from messaging.tests.vonage_support import text_in, use_vonage_signatures
from musicians.models import Musician
from scheduling.models import CalendarEvent
from workflow.tests.intake_support import booking_made_from
from workflow.tests.phone import wait_for
from workflow.tests.test_booking_end_to_end import ORDER, roster, studio  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.worker]
MANAGER = "+12125550199"
ORDER_WITH_EMAIL = ORDER.replace("Client name: Jane Doe\n", "Client name: Jane Doe\nClient email: jane@example.com\n")


@pytest.fixture
def paced(settings):
    settings.FILL_POLICY = "paced"
    use_vonage_signatures(settings)
    # The test runs at whatever hour it is: nobody's quiet hours hold a text.
    Musician.objects.update(quiet_hours_start="00:00", quiet_hours_end="00:00")


def test_a_drop_out_by_text_books_the_standby_and_nobody_hears_twice(studio, roster, paced, client):  # noqa: F811
    answer = studio.email(ORDER_WITH_EMAIL)
    booking = booking_made_from(answer)
    for key in ("d1", "b1", "k1"):
        studio.tap(roster[key], "yes")
    # Dana's YES came in just after Drew's (the page and the YES text only answer an offer still open,
    # and the rest of a wave is voided at once, so the answer service is called as the race would).
    late = offer_answer(offer_id=Offer.objects.get(booking=booking, musician=roster["d2"]).pk, answer=Answer.YES)
    assert late.outcome == Outcome.STANDBY
    studio.wait_texts(4, kind="confirmation")
    wait_for(lambda: ClientEmail.objects.filter(status="sent").exists(), what="the client's email")

    assert text_in(client, from_phone=roster["d1"].phone, text="DROP").status_code == 204

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Fill.objects.get(seat__instrument__slug="drums").musician == roster["d2"]
    assert Offer.objects.get(booking=booking, musician=roster["d2"]).status == Offer.Status.ACCEPTED
    [dana] = studio.wait_texts(1, to=roster["d2"].phone, kind="confirmation")
    assert "you're booked" in dana["body"] and "/m/" in dana["body"]
    for key in ("b1", "k1"):
        [change] = studio.wait_texts(1, to=roster[key].phone, kind="notice")
        assert "Dana now plays drums" in change["body"]
        assert len(studio.texts(to=roster[key].phone, kind="confirmation")) == 1  # not booked twice
    [dropped] = studio.wait_texts(1, to=roster["d1"].phone, kind="reply")
    assert "you're off drums" in dropped["body"]
    whole = wait_for(lambda: [t for t in studio.texts(to=MANAGER) if "whole again" in t["body"]], what="Dane's text")
    assert len(whole) == 1 and "Dana" in whole[0]["body"]
    assert len(studio.texts(to=MANAGER, kind="confirmation")) == 2  # booked, then whole again: nothing else
    wait_for(lambda: Booking.objects.get(pk=booking.pk).calendar_sync == "synced", what="calendars")
    drums = Fill.objects.get(seat__instrument__slug="drums").seat
    event = CalendarEvent.objects.get(uid=f"workflow-booking-{booking.pk}-seat-{drums.pk}")
    assert event.calendar_id == f"musician-{roster['d2'].pk}" and event.status == "confirmed"  # on Dana's, off Drew's
    studio_event = CalendarEvent.objects.get(uid=f"workflow-booking-{booking.pk}-studio")
    assert "Drums: Dana" in studio_event.description and "Drew" not in studio_event.description
    [email] = mail.outbox  # the client: one email, at the first confirmation
    assert email.to == ["jane@example.com"] and "Drums" in email.body

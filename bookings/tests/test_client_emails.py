"""The client's email: sent once when the booking is confirmed, and when Dane cancels and says so."""

import datetime as dt
import socket

import pytest
import time_machine
from django.core import mail

from bookings.answers import Answer, offer_answer
from bookings.cancellation import booking_cancel
from bookings.client_emails import client_email_send, client_emails_relay
from bookings.engine import booking_start
from bookings.models import Booking, ClientEmail, Offer
from bookings.tests.factories import NOW, SAT_2PM, confirmations_follow_up, make_booking
from core.tests.broker import tasks_sent_apart
from musicians.tests.factories import MusicianFactory
from scheduling.tests.factories import StudioFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def clock():
    with time_machine.travel(NOW + dt.timedelta(hours=5), tick=False) as traveller:
        yield traveller


@pytest.fixture
def studio():
    return StudioFactory(address="12 Main St, Brooklyn", manager_name="Dane", manager_phone="+12125550199")


def booked(studio, *, zone: str = "America/Los_Angeles") -> Booking:
    drummer = MusicianFactory(name="Drew", plays=["drums"], phone="+12125550111")
    bassist = MusicianFactory(name="Bo", plays=["electric-bass"], phone="+12125550112")
    booking = make_booking(seats=["drums", "electric-bass"], windows=[SAT_2PM], studio=studio)
    Booking.objects.filter(pk=booking.pk).update(client_email="jane@example.com", time_zone=zone)
    booking_start(booking_id=booking.pk)
    for musician in (drummer, bassist):
        offer_answer(offer_id=Offer.objects.get(booking=booking, musician=musician).pk, answer=Answer.YES)
    confirmations_follow_up()  # the worker's part of the confirmation writes the email
    booking.refresh_from_db()
    return booking


def test_it_emails_the_client_once_when_the_booking_is_confirmed(clock, studio, django_capture_on_commit_callbacks):
    with tasks_sent_apart() as reached_redis:
        with django_capture_on_commit_callbacks(execute=True):
            booking = booked(studio)
        assert booking.status == Booking.Status.CONFIRMED
        email = ClientEmail.objects.get(booking=booking)
        assert ("bookings.musician_tasks.send_client_email", (email.pk,)) in reached_redis()

    client_email_send(email_id=email.pk)
    client_email_send(email_id=email.pk)  # a retried task: nothing twice

    [sent] = mail.outbox
    assert sent.to == ["jane@example.com"]
    assert "Sat Dec 5, 11:00 AM-2:00 PM PST" in sent.body  # the client's own zone
    assert "12 Main St, Brooklyn" in sent.body and "Drums" in sent.body and "Electric bass" in sent.body
    assert "Dane, +12125550199" in sent.body
    assert "+12125550111" not in sent.body and "Drew" not in sent.body  # no musicians' numbers
    email.refresh_from_db()
    assert email.status == ClientEmail.Status.SENT and email.sent_at is not None


def test_a_failed_send_is_counted_and_tried_again(clock, studio, settings):
    """Django's real SMTP backend, pointed at a port where no mail server listens."""
    settings.CLIENT_EMAIL_MAX_RETRIES = 1
    with socket.socket() as probe:  # a free port, closed again: connecting to it is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    booking = booked(studio)
    email = ClientEmail.objects.get(booking=booking)

    assert client_email_send(email_id=email.pk) is not None  # try again later
    assert client_email_send(email_id=email.pk) is None  # gave up

    email.refresh_from_db()
    assert email.status == ClientEmail.Status.FAILED and email.attempts == 2 and "refused" in email.error.lower()


def test_nothing_goes_to_the_client_when_it_needs_attention_or_the_engine_cancels(clock, studio):
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=studio)  # nobody plays drums
    Booking.objects.filter(pk=booking.pk).update(client_email="jane@example.com")
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION

    booking_cancel(booking_id=booking.pk)

    assert not ClientEmail.objects.exists()


def test_dane_can_tell_the_client_when_he_cancels(clock, studio):
    booking = booked(studio)

    booking_cancel(booking_id=booking.pk, actor="dane", email_client=True)

    email = ClientEmail.objects.get(booking=booking, kind=ClientEmail.Kind.CANCELLED)
    client_email_send(email_id=email.pk)
    assert "is cancelled" in mail.outbox[-1].body


def test_the_relay_queues_an_email_the_broker_never_took_and_it_still_goes_once(clock, studio):
    booking = booked(studio)  # on-commit callbacks never run here: as if the broker was down
    email = ClientEmail.objects.get(booking=booking)

    with tasks_sent_apart() as reached_redis:
        assert client_emails_relay() == 0  # a minute's grace for the task's own run
        clock.shift(dt.timedelta(minutes=2))
        assert client_emails_relay() == 1
        assert reached_redis() == [("bookings.musician_tasks.send_client_email", (email.pk,))]

    client_email_send(email_id=email.pk)
    client_email_send(email_id=email.pk)
    assert len(mail.outbox) == 1
    assert client_emails_relay() == 0


@pytest.mark.parametrize(("ticked", "emails"), [(False, 0), (True, 1)], ids=["left-unticked", "ticked"])
def test_the_cancel_form_on_the_board_emails_the_client_only_when_dane_ticks_it(
    clock, studio, admin_client, ticked, emails
):
    from django.urls import reverse

    booking = booked(studio)
    page = admin_client.get(reverse("dashboard-booking", args=[booking.pk])).content.decode()
    assert 'name="email_client"' in page and 'data-confirm="Cancel this booking and tell everyone?"' in page

    admin_client.post(reverse("dashboard-action", args=[booking.pk, "cancel"]), {"email_client": "1"} if ticked else {})

    assert ClientEmail.objects.filter(booking=booking, kind=ClientEmail.Kind.CANCELLED).count() == emails
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_an_email_whose_send_was_cut_off_is_marked_maybe_sent_and_dane_is_told_once(clock, studio, outbox):
    """A worker killed mid-send leaves the row claimed: it is never sent again (it may have
    gone), but after the lease it says so on the booking page and Dane hears of it once."""
    from messaging.models import Message

    booking = booked(studio)
    email = ClientEmail.objects.get(booking=booking)
    ClientEmail.objects.filter(pk=email.pk).update(status=ClientEmail.Status.SENDING, sending_started_at=clock_now())

    clock.shift(dt.timedelta(minutes=5))
    assert client_emails_relay() == 0
    email.refresh_from_db()
    assert email.status == ClientEmail.Status.SENDING  # its send may still be running

    clock.shift(dt.timedelta(minutes=11))
    client_emails_relay()
    client_emails_relay()

    email.refresh_from_db()
    assert email.status == ClientEmail.Status.UNKNOWN
    [alert] = Message.objects.filter(purpose=Message.Purpose.ALERT, body__contains="may not have gone")
    assert "jane@example.com" in alert.body and f"/admin/board/{booking.pk}/" in alert.body
    client_email_send(email_id=email.pk)
    assert mail.outbox == []  # never sent twice on a guess


def clock_now():
    from django.utils import timezone

    return timezone.now()

"""Faults that must lose nothing: work committed but never queued, a worker dying mid-send."""

import datetime as dt
import json
import socket

import pytest
from django.db import transaction

from bookings.models import Booking
from core.queueing import published_together
from messaging.backends import SmsError, memory
from messaging.models import Message
from messaging.services import Draft, Sent, message_queue, message_send, messages_queue
from workflow.celery import app
from workflow.relay import relay_stranded_work

pytestmark = [pytest.mark.django_db]
ORDER = "Client name: Jane Doe\nInstruments: drums\nSession length: 3 hours\nTimes: December 7, 2030, 2-5pm ET\n"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens here once the socket closes


@pytest.fixture
def broker_down(monkeypatch):
    """Point Celery at a port nobody listens on: every publish is refused by the OS.

    Celery reads CELERY_BROKER_URL from the environment before its own config, so
    that is what moves; the app's connection pools are dropped on the way in and out.
    """
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed_port()}/0")
    _drop_connections()
    yield
    monkeypatch.undo()
    _drop_connections()


def _drop_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def post_order(client, message_id: str = "<down@x>"):
    email = {"subject": "Order", "from": "a@b.example", "body_plain": ORDER, "message_id": message_id}
    return client.post(
        "/workflow/email", json.dumps(email), content_type="application/json",
        HTTP_AUTHORIZATION="Bearer test-zapier-token",
    )  # fmt: skip


def test_with_the_broker_down_the_webhook_still_answers_and_the_relay_makes_the_booking(
    client, broker_down, monkeypatch, django_capture_on_commit_callbacks, caplog, clock
):
    from bookings.models import InboundEmail

    with django_capture_on_commit_callbacks(execute=True):
        response = post_order(client)

    assert response.status_code == 201
    assert "left for the relay" in caplog.text  # the OS refused the broker; nothing raised
    assert InboundEmail.objects.get().status == InboundEmail.Status.PARSED  # the email and its reading kept
    assert not Booking.objects.exists()

    monkeypatch.undo()  # the broker is back
    _drop_connections()
    monkeypatch.setitem(app.conf, "task_always_eager", True)  # what the relay queues runs here, as a worker would
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    clock.shift(dt.timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert relay_stranded_work().emails_to_book == 1

    booking = Booking.objects.get()
    assert booking.inbound_email == InboundEmail.objects.get() and booking.planned_at is not None
    assert relay_stranded_work().emails_to_book == 0  # booked: never again


def test_with_the_broker_down_texts_published_together_are_left_for_the_relay(
    broker_down, monkeypatch, django_capture_on_commit_callbacks, caplog, clock
):
    drafts = [Draft(Message.Purpose.OFFER, f"+1212555010{n}", f"Offer {n}") for n in range(4)]
    with published_together(), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages_queue(drafts[:3])  # one send_messages task
        message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Offer 3")  # one send_message

    assert "left for the relay" in caplog.text  # refused by the OS, logged, nothing raised
    assert Message.objects.filter(status=Message.Status.QUEUED).count() == 4
    monkeypatch.undo()  # the broker is back
    _drop_connections()
    clock.shift(dt.timedelta(minutes=3))
    assert relay_stranded_work().texts == 4


def test_an_email_whose_booking_was_never_queued_is_queued_by_the_relay(client, clock):
    # In a test transaction on_commit never fires: exactly what a broker outage leaves behind.
    assert post_order(client).status_code == 201

    clock.shift(dt.timedelta(minutes=1))
    assert relay_stranded_work().emails_to_book == 0  # not yet: it may still be in flight
    clock.shift(dt.timedelta(minutes=2))
    assert relay_stranded_work().emails_to_book == 1


def test_a_booking_made_but_never_planned_is_planned_by_the_relay(client, clock):
    """The worker died between making the booking and planning it."""
    from bookings.intake import inbound_email_book
    from bookings.models import InboundEmail

    post_order(client)
    inbound_email_book(inbound_email_id=InboundEmail.objects.get().pk)
    assert Booking.objects.get().planned_at is None

    clock.shift(dt.timedelta(minutes=1))
    assert relay_stranded_work().bookings_to_plan == 0  # not yet: it may still be in flight
    clock.shift(dt.timedelta(minutes=2))
    assert relay_stranded_work().bookings_to_plan == 1
    assert relay_stranded_work().emails_to_book == 0  # its booking is made


def test_a_text_claimed_by_a_worker_that_died_is_sent_after_the_lease(outbox, clock):
    message = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Still here?")
    Message.objects.filter(pk=message.pk).update(send_started_at=dt.datetime.now(dt.UTC))  # claimed, then SIGKILL

    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED  # another run may still be sending it
    clock.shift(dt.timedelta(minutes=6))
    assert relay_stranded_work().texts == 1
    assert message_send(message_id=message.pk).outcome is Sent.SENT
    assert [text.body for text in outbox] == ["Still here?"]


def test_the_relay_leaves_fresh_and_finished_work_alone(outbox, clock):
    sent = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="done")
    message_send(message_id=sent.pk)
    message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="just queued")

    assert relay_stranded_work().texts == 0


def test_an_email_stored_but_never_read_is_read_by_the_relay(clock, eager_tasks, django_capture_on_commit_callbacks):
    from bookings.intake import inbound_email_store
    from bookings.models import InboundEmail

    body = json.dumps({"subject": "Order", "from": "a@b.example", "body_plain": ORDER}).encode()
    stored = inbound_email_store(body=body, content_type="application/json", headers={})  # then the database went away

    clock.shift(dt.timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):  # its booking queued on the commit, run here
        relayed = relay_stranded_work()
    assert (relayed.emails_read, relayed.emails_to_book) == (1, 0)  # the reading queued its own booking

    stored.refresh_from_db()
    assert stored.status == InboundEmail.Status.PARSED
    assert Booking.objects.get().inbound_email == stored


def test_the_relay_leaves_a_text_in_its_backoff_alone_until_its_next_try_is_due(outbox, clock):
    memory.failures.append(SmsError("HTTP 503", permanent=False))
    message = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Later")
    clock.shift(dt.timedelta(minutes=3))
    retry = message_send(message_id=message.pk)
    assert retry.outcome is Sent.RETRY

    assert relay_stranded_work().texts == 0  # unclaimed, old enough, but its next try is not due
    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED  # nor would an early run try it
    clock.shift(dt.timedelta(seconds=retry.retry_in))
    assert relay_stranded_work().texts == 1
    assert message_send(message_id=message.pk).outcome is Sent.SENT
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_the_relay_queues_a_held_text_once_its_hold_is_over_and_not_before(outbox, clock):
    eight = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    message_queue(purpose=Message.Purpose.REMINDER, to_phone="+15705550123", body="Held", send_after=eight)

    clock.move_to(eight - dt.timedelta(seconds=1))
    assert relay_stranded_work().texts == 0
    clock.move_to(eight)
    assert relay_stranded_work().texts == 1


def test_the_relay_leaves_a_maybe_sent_text_alone_while_its_receipt_may_still_come(outbox, clock, settings):
    memory.failures.append(SmsError("Vonage's answer was lost", permanent=False, maybe_sent=True))
    message = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Once?")
    clock.shift(dt.timedelta(minutes=3))
    assert message_send(message_id=message.pk).outcome is Sent.RETRY

    clock.shift(dt.timedelta(seconds=settings.SMS_RECEIPT_WAIT_SECONDS - 1))
    assert relay_stranded_work().texts == 0
    clock.shift(dt.timedelta(seconds=1))
    assert relay_stranded_work().texts == 1  # no receipt came: tried again


def one_seat_confirmed():
    """A one-seat booking whose YES was pressed: in a test transaction on_commit never fires, so its
    follow-up was never queued, exactly what a broker outage at the commit leaves behind."""
    from bookings.answers import Answer, offer_answer
    from bookings.engine import booking_start
    from bookings.models import Offer
    from bookings.tests.factories import SAT_2PM, make_booking
    from musicians.tests.factories import MusicianFactory

    MusicianFactory(name="Drew", plays=["drums"], time_zone="America/Chicago")
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    offer_answer(offer_id=Offer.objects.get(booking=booking).pk, answer=Answer.YES)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    return booking


def test_a_confirmation_whose_follow_up_was_never_queued_is_queued_by_the_relay(clock):
    from bookings.confirmation import booking_confirmation_send

    booking = one_seat_confirmed()

    clock.shift(dt.timedelta(minutes=1))
    assert relay_stranded_work().confirmations == 0  # not yet: the task may still be in flight
    clock.shift(dt.timedelta(minutes=2))
    assert relay_stranded_work().confirmations == 1
    assert booking_confirmation_send(booking_id=booking.pk) is True  # what the relayed task runs
    assert relay_stranded_work().confirmations == 0  # done: never again
    assert Message.objects.filter(purpose="confirmation").count() == 2  # Drew and Dane


# --- work that keeps raising ------------------------------------------------------------------


def test_planning_that_keeps_raising_is_set_aside_after_three_tries_and_dane_is_told_once(clock, settings):
    from django.core.exceptions import ImproperlyConfigured

    from bookings.engine import booking_start
    from bookings.tests.factories import SAT_2PM, make_booking
    from scheduling.tests.factories import StudioFactory

    settings.CALENDAR_BACKEND = "google"  # and no service-account key: every planning run raises
    settings.GOOGLE_SERVICE_ACCOUNT_FILE = settings.GOOGLE_SERVICE_ACCOUNT_JSON = ""
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=StudioFactory(calendar_id="studio@x"))

    for attempt in range(1, 4):
        with pytest.raises(ImproperlyConfigured):
            booking_start(booking_id=booking.pk)
        booking.refresh_from_db()
        assert booking.plan_failures == attempt
        clock.shift(dt.timedelta(minutes=3))
        relayed = relay_stranded_work().bookings_to_plan
        assert relayed == (1 if attempt < 3 else 0)  # the relay stops once it is set aside

    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert "Planning it failed 3 times" in booking.attention_reason and "ImproperlyConfigured" in booking.plan_error
    [alert] = Message.objects.filter(purpose="alert")
    assert "failed 3 times" in alert.body


def test_an_email_whose_reading_always_raises_does_not_block_the_others_and_is_set_aside(clock, monkeypatch):
    from bookings import intake
    from bookings.intake import inbound_email_store
    from bookings.models import InboundEmail

    def email(subject: str) -> InboundEmail:
        body = json.dumps({"subject": subject, "from": "a@b.example", "body_plain": ORDER, "message_id": subject})
        return inbound_email_store(body=body.encode(), content_type="application/json", headers={})

    poisoned, good = email("<poisoned@x>"), email("<good@x>")
    real_read = intake.read_envelope

    def read_envelope(body: bytes, content_type: str):
        if b"poisoned" in body:
            raise RecursionError("a bug the email trips, every time")
        return real_read(body, content_type)

    monkeypatch.setattr(intake, "read_envelope", read_envelope)  # the fault injected: a bug, not the email
    clock.shift(dt.timedelta(minutes=3))
    for _ in range(3):
        relay_stranded_work()

    good.refresh_from_db()
    poisoned.refresh_from_db()
    assert good.status == InboundEmail.Status.PARSED  # read on the first pass, the poisoned one before it
    assert (poisoned.status, poisoned.read_failures) == (InboundEmail.Status.FAILED, 3)
    assert "RecursionError" in poisoned.read_error
    assert relay_stranded_work().emails_read == 0  # set aside: not tried again
    [alert] = Message.objects.filter(purpose="alert")
    assert f"order email #{poisoned.pk}" in alert.body


def test_a_booking_task_that_keeps_raising_is_counted_on_the_email_retried_and_set_aside(client, clock):
    from bookings.intake import inbound_email_book
    from bookings.models import InboundEmail

    post_order(client, "<corrupt@x>")
    email = InboundEmail.objects.get()
    InboundEmail.objects.filter(pk=email.pk).update(parse_result={"seats": "drums"})  # a row no reading would write

    for attempt in range(1, 4):
        with pytest.raises(TypeError):
            inbound_email_book(inbound_email_id=email.pk)  # what the task runs, whoever queued it
        email.refresh_from_db()
        assert email.read_failures == attempt and "TypeError" in email.read_error
        clock.shift(dt.timedelta(minutes=3))
        assert relay_stranded_work().emails_to_book == (1 if attempt < 3 else 0)  # retried until set aside

    assert email.status == InboundEmail.Status.FAILED and not Booking.objects.exists()
    [alert] = Message.objects.filter(purpose="alert")
    assert f"could not make the booking of order email #{email.pk} (3 tries)" in alert.body


def test_a_confirmation_follow_up_that_keeps_raising_is_counted_and_dane_is_told_once(clock, settings):
    from zoneinfo import ZoneInfoNotFoundError

    from bookings.confirmation import booking_confirmation_send
    from musicians.models import Musician

    booking = one_seat_confirmed()
    Musician.objects.filter(name="Drew").update(time_zone="Nowhere/Atlantis")  # a row no form would let in

    for attempt in range(1, 4):
        clock.shift(dt.timedelta(minutes=3))
        assert relay_stranded_work().confirmations == 1
        with pytest.raises(ZoneInfoNotFoundError):
            booking_confirmation_send(booking_id=booking.pk)
        booking.refresh_from_db()
        assert booking.confirmation_failures == attempt and "ZoneInfoNotFoundError" in booking.confirmation_error
    clock.shift(dt.timedelta(minutes=3))
    assert relay_stranded_work().confirmations == 0  # set aside after WORK_MAX_FAILURES

    assert booking.status == Booking.Status.CONFIRMED and booking.confirmation_sent_at is None
    assert not Message.objects.filter(purpose="confirmation").exists()  # each try rolled back whole
    [alert] = Message.objects.filter(purpose="alert")
    assert "confirmation texts failed 3 times" in alert.body


# --- a button pressed on an offer's page ---------------------------------------------------------


def one_seat_offered():
    from bookings.engine import booking_start
    from bookings.models import Offer
    from bookings.tests.factories import SAT_2PM, make_booking
    from musicians.tests.factories import MusicianFactory

    MusicianFactory(name="Drew", plays=["drums"])
    MusicianFactory(name="Next", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    return Offer.objects.get(booking=booking)


def test_with_the_broker_down_a_press_is_kept_and_the_relay_queues_its_decision(
    client, broker_down, monkeypatch, django_capture_on_commit_callbacks, caplog, clock
):
    from bookings.models import Offer
    from bookings.presses import offer_presses_decide

    offer = one_seat_offered()
    with django_capture_on_commit_callbacks(execute=True):
        pressed = client.post(f"/o/{offer.token}/yes")

    assert pressed.status_code == 303  # the musician's press is in, whatever the broker
    assert "left for the relay" in caplog.text
    offer.refresh_from_db()
    assert offer.pressed_answer == "yes" and offer.press_outcome == ""
    monkeypatch.undo()  # the broker is back
    _drop_connections()
    clock.shift(dt.timedelta(minutes=1))
    assert relay_stranded_work().presses == 0  # not yet: its task may still be in flight
    clock.shift(dt.timedelta(minutes=2))
    assert relay_stranded_work().presses == 1
    assert offer_presses_decide(token=offer.token) == 1  # what the relayed task runs
    assert Offer.objects.get(pk=offer.pk).press_outcome == "accepted"
    assert relay_stranded_work().presses == 0  # decided: never again


def test_a_press_whose_decision_keeps_raising_is_counted_retried_and_dane_is_told_once(clock):
    from zoneinfo import ZoneInfoNotFoundError

    from bookings.answers import Answer
    from bookings.models import Offer
    from bookings.presses import offer_press, offer_presses_decide
    from musicians.models import Musician

    offer = one_seat_offered()
    Musician.objects.filter(name="Next").update(time_zone="Nowhere/Atlantis")  # a row no form would let in
    offer_press(token=offer.token, answer=Answer.NO)  # the NO asks Next, whose offer text cannot be written

    for attempt in range(1, 4):
        clock.shift(dt.timedelta(minutes=3))
        assert relay_stranded_work().presses == 1
        with pytest.raises(ZoneInfoNotFoundError):
            offer_presses_decide(token=offer.token)
        offer.refresh_from_db()
        assert offer.press_failures == attempt and "ZoneInfoNotFoundError" in offer.press_error
        assert offer.status == Offer.Status.OPEN and offer.press_outcome == ""  # each try rolled back whole
    clock.shift(dt.timedelta(minutes=3))
    assert relay_stranded_work().presses == 0  # set aside after WORK_MAX_FAILURES
    assert offer_presses_decide(token=offer.token) == 0

    next_phone = Musician.objects.get(name="Next").phone
    assert not Message.objects.filter(purpose="offer", to_phone=next_phone).exists()
    [alert] = Message.objects.filter(purpose="alert")
    assert "Drew pressed NO" in alert.body and "Please answer for them" in alert.body

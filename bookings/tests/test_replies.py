"""Vonage's webhooks: delivery receipts and texts from musicians, signed by the SDK."""

import pytest
from django.utils import timezone

from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.tests.factories import SAT_2PM, SUN_2PM, make_booking
from messaging.models import InboundText, Message
from messaging.services import message_send
from messaging.tests.vonage_support import receipt, signed, text_in, use_vonage_signatures
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "outbox")]


@pytest.fixture(autouse=True)
def _signatures(settings):
    use_vonage_signatures(settings)


@pytest.fixture
def drummers():
    return [MusicianFactory(name=name, plays=["drums"]) for name in ("Ana", "Bo")]


def offered(windows=(SAT_2PM,)) -> Offer:
    """The first offer of a new booking, its text sent."""
    booking = make_booking(seats=["drums"], windows=list(windows))
    booking_start(booking_id=booking.pk)
    offer = Offer.objects.select_related("message", "musician").filter(booking=booking).latest("pk")
    message_send(message_id=offer.message_id)
    offer.message.refresh_from_db()
    return offer


def replies_to(musician) -> list[str]:
    return list(
        Message.objects.filter(purpose="reply", musician=musician).order_by("pk").values_list("body", flat=True)
    )


# --- receipts -----------------------------------------------------------------------


def test_a_delivered_receipt_marks_the_text_delivered(client, drummers):
    text = offered().message

    response = receipt(client, message_id=text.provider_id, client_ref=str(text.pk), status="delivered")

    assert response.status_code == 204
    text.refresh_from_db()
    assert text.status == Message.Status.DELIVERED and text.delivered_at is not None


def test_a_receipt_for_a_later_part_of_a_long_text_is_matched_by_our_reference(client, drummers):
    text = offered().message

    receipt(client, message_id="part-2-id", client_ref=str(text.pk), status="delivered")

    text.refresh_from_db()
    assert text.status == Message.Status.DELIVERED


def test_a_failed_offer_counts_as_a_no_and_the_seat_moves_on_now(client, drummers):
    offer = offered()
    text = offer.message

    receipt(client, message_id=text.provider_id, client_ref=str(text.pk), status="failed", err_code="5")

    text.refresh_from_db()
    assert (text.status, text.error) == (Message.Status.FAILED, "The carrier reported failed (error 5).")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.UNDELIVERABLE
    assert Offer.objects.filter(musician__name="Bo").exists()


def test_error_code_9_opts_the_musician_out(client, drummers):
    offer = offered()
    text = offer.message

    receipt(client, message_id=text.provider_id, client_ref=str(text.pk), status="rejected", err_code="9")

    offer.musician.refresh_from_db()
    assert offer.musician.opted_out_at is not None


def test_a_receipt_never_overwrites_an_answer(client, drummers):
    offer = offered()
    text_in(client, from_phone=offer.musician.phone, text="YES")

    receipt(client, message_id=offer.message.provider_id, client_ref=str(offer.message_id), status="delivered")

    offer.refresh_from_db()
    offer.message.refresh_from_db()
    assert (offer.status, offer.message.status) == (Offer.Status.ACCEPTED, Message.Status.DELIVERED)


def test_a_receipt_for_a_text_we_never_sent_still_answers_2xx(client):
    assert receipt(client, message_id="nope", client_ref="", status="delivered").status_code == 204


@pytest.mark.parametrize("path", ["/messaging/vonage/status", "/messaging/vonage/inbound"])
def test_unsigned_or_badly_signed_calls_are_refused_and_nothing_is_recorded(client, drummers, path):
    params = {"msisdn": "12125551000", "messageId": "x1", "text": "STOP", "status": "delivered"}
    forged = signed(params) | {"text": "START"}

    assert client.post(path, params).status_code == 403
    assert client.post(path, forged).status_code == 403
    assert not InboundText.objects.exists()


# --- texts from musicians -------------------------------------------------------------


@pytest.mark.parametrize("reply", ["YES", "y", "yes!", " Yes. "])
def test_a_yes_by_text_takes_the_seat(client, drummers, reply):
    offer = offered()

    assert text_in(client, from_phone=offer.musician.phone, text=reply).status_code == 204

    assert Fill.objects.get().musician == offer.musician
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    [answer] = replies_to(offer.musician)
    assert "you're in for drums, Sat Dec 5, 2:00-5:00 PM EST" in answer


@pytest.mark.parametrize("reply", ["NO", "n", "no thanks"])
def test_a_no_by_text_moves_the_seat_on(client, drummers, reply):
    offer = offered()

    text_in(client, from_phone=offer.musician.phone, text=reply)

    offer.refresh_from_db()
    if reply == "no thanks":  # not a clear answer: a person reads it (Dane), the offer stays open
        assert offer.status == Offer.Status.OPEN
        assert "passed your message to" in replies_to(offer.musician)[0]
    else:
        assert offer.status == Offer.Status.DECLINED
        assert Offer.objects.filter(musician__name="Bo").exists()


def test_with_several_open_offers_a_yes_gets_a_numbered_list_and_yes_2_picks(client, drummers):
    first = offered()
    second = offered(windows=(SUN_2PM,))
    assert first.musician == second.musician
    musician = first.musician

    text_in(client, from_phone=musician.phone, text="YES")

    [listing] = replies_to(musician)
    assert "you have 2 open offers" in listing
    assert "1) drums, Sat Dec 5" in listing and "2) drums, Sun Dec 6" in listing
    assert not Fill.objects.exists()

    text_in(client, from_phone=musician.phone, text="YES 2")

    assert Fill.objects.get().candidate_time.starts_at == SUN_2PM[0]


def test_stop_opts_out_declines_open_offers_and_confirms_once(client, drummers):
    offer = offered()

    text_in(client, from_phone=offer.musician.phone, text="Stop")

    musician = offer.musician
    musician.refresh_from_db()
    assert musician.opted_out_at is not None
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert Offer.objects.filter(musician__name="Bo").exists()  # the seat moved on
    [confirmation] = replies_to(musician)
    assert "you won't get any more texts" in confirmation
    later = Message.objects.create(purpose="notice", to_phone=musician.phone, body="hi", musician=musician)
    assert message_send(message_id=later.pk).outcome.value == "failed"


@pytest.mark.parametrize("word", ["quit", "END", "revoke", "opt out", "cancel", "unsubscribe"])
def test_every_stop_word_opts_out(client, drummers, word):
    text_in(client, from_phone=drummers[0].phone, text=word)
    drummers[0].refresh_from_db()
    assert drummers[0].opted_out_at is not None


def test_start_opts_back_in_and_help_says_who_we_are(client, drummers):
    ana = drummers[0]
    ana.opted_out_at = timezone.now()
    ana.save()

    text_in(client, from_phone=ana.phone, text="START")
    text_in(client, from_phone=ana.phone, text="HELP")

    ana.refresh_from_db()
    assert ana.opted_out_at is None
    welcome, help_reply = replies_to(ana)
    assert "welcome back" in welcome
    assert "Reply YES or NO to an offer, STOP to stop texts. Questions: Dane +12125550199." in help_reply


def test_a_replayed_inbound_text_is_acted_on_once(client, drummers):
    offer = offered()

    text_in(client, from_phone=offer.musician.phone, text="NO", message_id="same-id")
    text_in(client, from_phone=offer.musician.phone, text="NO", message_id="same-id")

    assert InboundText.objects.count() == 1
    assert len(replies_to(offer.musician)) == 1


def test_a_text_from_a_stranger_is_stored_and_ignored(client, drummers):
    text_in(client, from_phone="+13125550111", text="YES")

    inbound = InboundText.objects.get()
    assert inbound.outcome == "ignored: not a musician on the roster"
    assert not Message.objects.exists()


def test_a_yes_with_no_open_offer_says_so(client, drummers):
    text_in(client, from_phone=drummers[0].phone, text="yes")

    assert "no open offers right now" in replies_to(drummers[0])[0]


def test_a_bare_yes_after_the_latest_offer_ended_asks_before_taking_an_older_one(client, drummers):
    """Ana's latest offer (Sunday) ended; her "YES" may be for it, not for the older Saturday one still open."""
    saturday = offered()
    sunday = offered(windows=(SUN_2PM,))
    Offer.objects.filter(pk=sunday.pk).update(status=Offer.Status.VOIDED)
    musician = saturday.musician

    text_in(client, from_phone=musician.phone, text="YES")

    assert not Fill.objects.exists()
    [question] = replies_to(musician)
    assert "the offer for drums, Sun Dec 6, 2:00-5:00 PM EST has ended" in question
    assert "Still open: 1) drums, Sat Dec 5, 2:00-5:00 PM EST. Reply YES 1 to take it or NO 1." in question

    text_in(client, from_phone=musician.phone, text="YES 1")

    assert Fill.objects.get().candidate_time.starts_at == SAT_2PM[0]


def test_a_bare_yes_to_the_latest_offer_is_taken_at_once_even_after_an_older_one_ended(client, drummers):
    saturday = offered()
    sunday = offered(windows=(SUN_2PM,))
    Offer.objects.filter(pk=saturday.pk).update(status=Offer.Status.VOIDED)

    text_in(client, from_phone=sunday.musician.phone, text="YES")

    assert Fill.objects.get().candidate_time.starts_at == SUN_2PM[0]

"""A database made by the code before Offer had a model of its own upgrades in place."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("bookings", "0005_history"), ("messaging", "0003_providers"), ("musicians", "0002_seed_instruments")]
AT = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_apps(django_db_blocker):
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def make_old_booking(apps):
    """A booking as the old code left it: offers, a fill and a confirmation, all as Messages."""
    studio = apps.get_model("scheduling", "Studio").objects.create(name="Old Studio", time_zone="America/New_York")
    drums, _ = apps.get_model("musicians", "Instrument").objects.get_or_create(slug="drums", defaults={"name": "Drums"})
    Musician = apps.get_model("musicians", "Musician")
    drew = Musician.objects.create(name="Drew", phone="+12125550101")
    dana = Musician.objects.create(name="Dana", phone="+12125550102")
    booking = apps.get_model("bookings", "Booking").objects.create(
        studio=studio, client_name="Jane", time_zone="America/New_York", status="confirmed", calendar_sync="pending"
    )
    time = apps.get_model("bookings", "CandidateTime").objects.create(
        booking=booking, starts_at=AT, ends_at=AT + dt.timedelta(hours=3), rank=1, in_business_hours=True, viable=True
    )
    booking.current_time = time
    booking.save()
    seat = apps.get_model("bookings", "Seat").objects.create(booking=booking, instrument=drums)
    Message = apps.get_model("messaging", "Message")
    common = {"booking": booking, "seat": seat, "candidate_time": time, "option": 1, "kind": "offer"}
    dana_offer = Message.objects.create(
        to_phone=dana.phone, body="offer", musician=dana, status="declined", token="tok-dana", answered_at=AT, **common
    )
    drew_offer = Message.objects.create(
        to_phone=drew.phone, body="offer", musician=drew, status="accepted", token="tok-drew", answered_at=AT,
        delivered_at=AT, **common,
    )  # fmt: skip
    apps.get_model("bookings", "Fill").objects.create(seat=seat, candidate_time=time, musician=drew, offer=drew_offer)
    confirmation = Message.objects.create(
        kind="confirmation", to_phone=drew.phone, body="booked", musician=drew, booking=booking, status="sent"
    )
    return booking, dana_offer, drew_offer, confirmation


@pytest.mark.django_db(transaction=True)
def test_it_moves_every_offer_into_its_own_table_keeping_ids_tokens_and_answers(old_apps):
    booking, dana_offer, drew_offer, confirmation = make_old_booking(old_apps)

    apps = migrate(latest())

    Offer = apps.get_model("bookings", "Offer")
    offers = {o.token: o for o in Offer.objects.all()}
    assert set(offers) == {"tok-dana", "tok-drew"}
    assert (offers["tok-drew"].pk, offers["tok-drew"].status, offers["tok-drew"].message_id) == (
        drew_offer.pk, "accepted", drew_offer.pk,
    )  # fmt: skip
    assert (offers["tok-dana"].status, offers["tok-dana"].answered_at) == ("declined", AT)
    assert apps.get_model("bookings", "Fill").objects.get().offer_id == offers["tok-drew"].pk
    Message = apps.get_model("messaging", "Message")
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {dana_offer.pk: "sent", drew_offer.pk: "delivered", confirmation.pk: "sent"}
    assert dict(Message.objects.values_list("pk", "purpose"))[confirmation.pk] == "confirmation"
    texts = apps.get_model("bookings", "BookingText").objects.values_list("booking_id", "message_id")
    assert set(texts) == {(booking.pk, m.pk) for m in (dana_offer, drew_offer, confirmation)}
    assert apps.get_model("bookings", "Booking").objects.get().calendar_sync_queued_at is not None


@pytest.mark.django_db(transaction=True)
def test_it_makes_new_offers_after_the_moved_ones_without_a_clash(old_apps):
    _booking, _dana, drew_offer, _confirmation = make_old_booking(old_apps)

    apps = migrate(latest())

    Offer = apps.get_model("bookings", "Offer")
    moved = Offer.objects.get(pk=drew_offer.pk)
    fresh = Offer.objects.create(
        booking_id=moved.booking_id, seat_id=moved.seat_id, candidate_time_id=moved.candidate_time_id,
        musician=apps.get_model("musicians", "Musician").objects.create(name="New", phone="+12125550103"),
        token="tok-new", created_at=AT,
    )  # fmt: skip
    assert fresh.pk > drew_offer.pk  # the id sequence was moved past the copied ids

"""Reminders before a session (their own zone, DST, never in quiet hours) and Dane's morning summary."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings.answers import Answer, offer_answer
from bookings.engine import booking_start
from bookings.models import Booking, Offer, SessionReminder
from bookings.reminders import morning_summaries_send, reminder_due, session_reminders_send
from bookings.tests.factories import NOW, SAT_2PM, local, make_booking
from messaging.models import Message
from musicians.tests.factories import MusicianFactory
from scheduling.tests.factories import StudioFactory

pytestmark = [pytest.mark.django_db]
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
MANAGER = "+12125550199"


def booked(window, *musicians) -> Booking:
    booking = make_booking(
        seats=["drums"] * len(musicians), windows=[window], studio=StudioFactory(manager_phone=MANAGER)
    )
    with time_machine.travel(NOW, tick=False):
        booking_start(booking_id=booking.pk)
        for musician in musicians:
            offer_answer(offer_id=Offer.objects.get(booking=booking, musician=musician).pk, answer=Answer.YES)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def reminders(musician) -> list[str]:
    return list(
        Message.objects.filter(musician=musician, purpose="reminder").order_by("pk").values_list("body", flat=True)
    )


def sweep_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return session_reminders_send()


def test_it_reminds_a_day_before_once_with_the_session_page(settings):
    drew = MusicianFactory(name="Drew", plays=["drums"])
    booked(SAT_2PM, drew)

    assert sweep_at(local(2026, 12, 4, 13, 59)) == 0
    assert sweep_at(local(2026, 12, 4, 14)) == 1
    assert sweep_at(local(2026, 12, 4, 14, 15)) == 0

    [text] = reminders(drew)
    assert "reminder - drums" in text and "Sat Dec 5, 2:00-5:00 PM EST" in text
    assert "https://studio.example/m/" in text
    assert SessionReminder.objects.count() == 1


def test_a_reminder_that_would_land_in_quiet_hours_goes_the_evening_before():
    early = (local(2026, 12, 5, 7), local(2026, 12, 5, 10))  # 24 hours before is 7 AM: still quiet until 8
    drew = MusicianFactory(name="Drew", plays=["drums"])
    booked(early, drew)

    assert reminder_due(musician=drew, starts_at=early[0]) == local(2026, 12, 3, 21, 45)
    assert sweep_at(local(2026, 12, 3, 21, 44)) == 0
    assert sweep_at(local(2026, 12, 3, 21, 45)) == 1


def test_each_musician_is_reminded_on_their_own_clock_and_quiet_hours():
    morning = (local(2026, 12, 5, 10), local(2026, 12, 5, 13))  # 10 AM in New York is 7 AM in Los Angeles
    new_yorker = MusicianFactory(name="Ny", plays=["drums"])
    angeleno = MusicianFactory(name="La", plays=["drums"], time_zone="America/Los_Angeles")
    booked(morning, new_yorker, angeleno)

    assert reminder_due(musician=new_yorker, starts_at=morning[0]) == local(2026, 12, 4, 10)
    assert reminder_due(musician=angeleno, starts_at=morning[0]) == local(2026, 12, 3, 21, 45, zone=LOS_ANGELES)
    assert sweep_at(local(2026, 12, 3, 21, 45, zone=LOS_ANGELES)) == 1
    assert "Sat Dec 5, 7:00-10:00 AM PST" in reminders(angeleno)[0]
    assert sweep_at(local(2026, 12, 4, 10)) == 1
    assert "Sat Dec 5, 10:00 AM-1:00 PM EST" in reminders(new_yorker)[0]


def test_across_the_dst_change_it_is_24_real_hours_and_the_evening_before_when_quiet():
    spring = (local(2027, 3, 14, 14), local(2027, 3, 14, 17))  # clocks went forward at 2 AM that day
    dawn = (local(2027, 3, 14, 7), local(2027, 3, 14, 10))
    drew = MusicianFactory(name="Drew", plays=["drums"])

    assert reminder_due(musician=drew, starts_at=spring[0]) == spring[0].astimezone(dt.UTC) - dt.timedelta(hours=24)
    assert reminder_due(musician=drew, starts_at=spring[0]).astimezone(local(2027, 3, 13, 0).tzinfo).hour == 13
    # 24 hours before 7 AM EDT is 6 AM EST, quiet: the evening before at 9:45 PM EST
    assert reminder_due(musician=drew, starts_at=dawn[0]) == local(2027, 3, 12, 21, 45)

    booked(spring, drew)
    assert sweep_at(local(2027, 3, 13, 13)) == 1
    assert "Sun Mar 14, 2:00-5:00 PM EDT" in reminders(drew)[0]


def test_a_stand_in_booked_after_the_reminder_was_due_gets_only_the_confirmation():
    drew = MusicianFactory(name="Drew", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=StudioFactory())
    with time_machine.travel(NOW, tick=False):
        booking_start(booking_id=booking.pk)
    with time_machine.travel(local(2026, 12, 4, 18), tick=False):
        offer_answer(offer_id=Offer.objects.get().pk, answer=Answer.YES)

    assert sweep_at(local(2026, 12, 4, 18, 15)) == 0
    assert reminders(drew) == []


def test_dane_gets_one_morning_summary_on_a_day_with_sessions(settings):
    drew = MusicianFactory(name="Drew", plays=["drums"])
    booking = booked(SAT_2PM, drew)

    def summary_at(moment):
        with time_machine.travel(moment, tick=False):
            return morning_summaries_send()

    assert summary_at(local(2026, 12, 4, 9)) == 0  # no session that day
    assert summary_at(local(2026, 12, 5, 7, 59)) == 0
    settings.MORNING_SUMMARY = False  # Dane turned it off
    assert summary_at(local(2026, 12, 5, 8)) == 0
    settings.MORNING_SUMMARY = True
    assert summary_at(local(2026, 12, 5, 8)) == 1
    assert summary_at(local(2026, 12, 5, 8, 15)) == 0
    [text] = Message.objects.filter(to_phone=MANAGER, purpose="notice").values_list("body", flat=True)
    assert f"Sat Dec 5, 2:00-5:00 PM EST #{booking.pk} Jane Doe: Drums - Drew" in text

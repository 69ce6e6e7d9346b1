"""A button pressed on an offer's page: stored at once, decided by a worker.

The POST behind the YES or NO button writes the press onto the offer in one statement
(`offer_press`: its answer and the moment it was pressed; a second press of the same
offer changes nothing) and queues `bookings.tasks.decide_offer_presses`, then the page
redirects to where the offer stands. The worker takes the booking's lock and decides
its pending presses in press order (`presses_decide`, with the rules every answer goes
through), each as of the moment it was pressed. If the broker was down, the relay
queues the press later; a press whose decision raised is counted on its row and
retried by the relay up to WORK_MAX_FAILURES, then the manager is texted.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.queueing import queue_after_commit

from .answers import Answer, PressFailed, presses_decide
from .models import Booking, Offer

PRESS_TASK = "bookings.tasks.decide_offer_presses"
# A press is taken while the offer could still be answered; an offer settled otherwise keeps its answer.
PRESSABLE = (Offer.Status.OPEN, Offer.Status.VOIDED)  # a voided offer's YES may still be a standby


def offer_press(*, token: str, answer: Answer, now: dt.datetime | None = None) -> bool | None:
    """Store the button pressed on the offer with this token; True if it was stored (and the
    decision queued), False if the offer was pressed before or is settled, None if no offer
    has that token."""
    now = now or timezone.now()
    stored = Offer.objects.filter(token=token, pressed_at__isnull=True, status__in=PRESSABLE).update(
        pressed_answer=answer, pressed_at=now
    )
    if stored:
        queue_after_commit(PRESS_TASK, token)  # at once outside a transaction; the relay if the broker is down
        return True
    return False if Offer.objects.filter(token=token).exists() else None


def offer_presses_decide(*, token: str, now: dt.datetime | None = None) -> int:
    """The worker's side: decide the pending presses of the booking of the offer with this token, in
    press order; how many were tried (0: a redelivery or a relay found them decided).

    The presses decided before one that raised are kept; that one is counted on its row and the
    error raised again (the task's log sees it) once the count is committed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            booking = Booking.objects.locked_for_offer(token=token)
        except Booking.DoesNotExist:
            return 0
        try:
            return presses_decide(booking=booking, until=None, now=now)
        except PressFailed as failure:
            failed = failure.error  # the count committed with the presses decided before it
    raise failed


def presses_pending() -> QuerySet[Offer]:
    """Presses not decided yet and not set aside after WORK_MAX_FAILURES."""
    undecided = Offer.objects.filter(pressed_at__isnull=False, press_outcome="")
    return undecided.filter(press_failures__lt=settings.WORK_MAX_FAILURES)


def press_waiting(offer: Offer, *, now: dt.datetime) -> str | None:
    """Where an undecided press stands for its page: "checking", "slow" (past PRESS_SLOW_SECONDS or
    set aside: the studio texts them), or None if there is no press waiting."""
    if offer.pressed_at is None or offer.press_outcome or offer.status not in PRESSABLE:
        return None  # no press, decided, or the offer was settled another way (the manager answered for them)
    slow = offer.press_failures >= settings.WORK_MAX_FAILURES
    slow = slow or (now - offer.pressed_at).total_seconds() >= settings.PRESS_SLOW_SECONDS
    return "slow" if slow else "checking"

"""Work that keeps raising: counted on its row, then set aside with the manager told once.

(A booking whose planning keeps raising is bookings.engine's `booking_plan_failed`.)

A bug or a broken set-up (say, a Google key that is missing) makes planning a booking,
reading a stored email or making the booking of an email read as an order raise every
time. The relay tries such work again each minute; without a count it would try forever
and nobody would hear. Each failure is counted on the row with its error; after
WORK_MAX_FAILURES the work is marked failed (the booking needs attention, the email is
failed), the manager is texted once, and the rest goes on.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction

from scheduling.services import studio_get_or_create_default

from .models import InboundEmail
from .texting import manager_alert

logger = logging.getLogger(__name__)
ERROR_CHARS = 500


def _described(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_CHARS]


def inbound_email_read_failed(*, inbound_email_id: int, error: BaseException, now: dt.datetime) -> int:
    """Count a reading of a stored email, or a making of its booking, that raised; after the last one
    mark it failed and tell the manager. (Both are its intake: one count, `read_failures`.)"""
    with transaction.atomic():
        email = InboundEmail.objects.select_for_update(of=("self",)).select_related("booking").get(pk=inbound_email_id)
        failures = email.read_failures + 1
        unread = email.status == InboundEmail.Status.RECEIVED
        unbooked = email.status == InboundEmail.Status.PARSED and getattr(email, "booking", None) is None
        gave_up = failures >= settings.WORK_MAX_FAILURES and (unread or unbooked)
        status = InboundEmail.Status.FAILED if gave_up else email.status
        InboundEmail.objects.filter(pk=email.pk).update(
            read_failures=failures, read_error=_described(error), status=status
        )
        if gave_up:
            doing = "read" if unread else "make the booking of"
            body = f"Workflow could not {doing} order email #{email.pk} ({failures} tries): {_described(error)[:200]}"
            manager_alert(studio=studio_get_or_create_default(), body=body)
    logger.error(
        "Reading or booking email %s failed (%s of %s): %s",
        inbound_email_id, failures, settings.WORK_MAX_FAILURES, error,
    )  # fmt: skip
    return failures

"""Message: one text to one phone. InboundText: one text from a phone.

Messaging is the transport and knows nothing of bookings: what a text is *about*
(an offer of a seat, a booking's confirmation) is recorded by the app that sent it,
on its own rows (bookings.Offer, bookings.BookingText), pointing down at the Message.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class MessageQuerySet(models.QuerySet["Message"]):
    def ready_to_send(self, now: dt.datetime) -> "MessageQuerySet":
        """Queued texts a run of the send task may take now.

        Not claimed by a live run (a claim older than SEND_CLAIM_LEASE_SECONDS
        belonged to a worker that died mid-send), not held (`send_after`), and not
        waiting for its next try (`next_try_at`: a backoff, or a receipt for a try
        whose answer was lost). The send task's claim and the relay both go by this,
        so neither can start a try the row says is not due.
        """
        stale = now - dt.timedelta(seconds=settings.SEND_CLAIM_LEASE_SECONDS)
        return self.filter(
            Q(send_started_at__isnull=True) | Q(send_started_at__lt=stale),
            Q(send_after__isnull=True) | Q(send_after__lte=now),
            Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
            status=Message.Status.QUEUED,
        )


class Message(models.Model):
    """One text to one phone: what it says, why it was sent, and what became of it."""

    class Purpose(models.TextChoices):
        OFFER = "offer", "Offer"
        CONFIRMATION = "confirmation", "Confirmation"
        NOTICE = "notice", "Notice"
        ALERT = "alert", "Alert to the manager"
        REMINDER = "reminder", "Reminder"
        REPLY = "reply", "Reply to a text"  # answers a text they just sent: STOP's confirmation too

    class Status(models.TextChoices):
        """Delivery only: whether the text reached the phone, never what the reader answered."""

        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    purpose = models.CharField(max_length=16, choices=Purpose.choices, db_index=True)
    to_phone = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    musician = models.ForeignKey(
        "musicians.Musician", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )

    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    send_started_at = models.DateTimeField(null=True, blank=True, help_text="Claimed by a worker.")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Tries that did not send it. The retries count from here, not from Celery's counter."
    )
    next_try_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="No try before this: a backoff, or the wait for a receipt."
    )
    send_after = models.DateTimeField(null=True, blank=True, db_index=True, help_text="Held: not sent before this.")
    outcome_unknown_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A try reached Vonage but its answer was lost: maybe sent. Not tried again before a receipt "
        "has had SMS_RECEIPT_WAIT_SECONDS to come.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.to_phone} ({self.status})"


class InboundText(models.Model):
    """A text a musician sent to the studio's number, stored before it is acted on."""

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    provider_id = models.CharField(max_length=100, unique=True, help_text="Vonage's messageId: a retry is a replay.")
    from_phone = models.CharField(max_length=20, db_index=True)
    text = models.TextField(blank=True)
    params = models.JSONField(default=dict, help_text="The webhook's parameters as received.")
    musician = models.ForeignKey(
        "musicians.Musician", null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_texts"
    )
    outcome = models.CharField(max_length=200, blank=True, help_text="What the text did.")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"From {self.from_phone}: {self.text[:40]}"

"""Message: one text to one phone. InboundText: one text from a phone.

Messaging is the transport and knows nothing of bookings: what a text is *about*
(an offer of a seat, a booking's confirmation) is recorded by the app that sent it,
on its own rows (bookings.Offer, bookings.BookingText), pointing down at the Message.
"""

from django.db import models


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
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries that failed and were retried.")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

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

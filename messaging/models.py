"""Message: one text to one phone (the seed's "messages table")."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from bookings.models import Booking, CandidateTime, Seat
    from musicians.models import Instrument, Musician


class Message(models.Model):
    """An offer, a confirmation, a notice or an alert to the manager.

    For an offer it carries what the seed's messages table named: musician,
    option (the time's position in the plan), booking, booking time and
    instrument (through the seat).
    """

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        CONFIRMATION = "confirmation", "Confirmation"
        NOTICE = "notice", "Notice"
        ALERT = "alert", "Alert to the manager"
        REPLY = "reply", "Reply to a text"  # answers a text they just sent: STOP's confirmation too

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LATE = "late", "Late (seat already taken)"
        VOIDED = "voided", "Voided"

    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    to_phone = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)

    musician = models.ForeignKey(
        "musicians.Musician", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    candidate_time = models.ForeignKey(
        "bookings.CandidateTime",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        help_text="The booking time an offer is for.",
    )
    seat = models.ForeignKey("bookings.Seat", null=True, blank=True, on_delete=models.PROTECT, related_name="offers")
    option = models.PositiveIntegerField(null=True, blank=True, help_text="The time's position in the plan.")
    inbound_email = models.ForeignKey(
        "bookings.InboundEmail", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )

    token = models.CharField(
        max_length=32, unique=True, null=True, blank=True, help_text="The secret in an offer's YES/NO links."
    )
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    send_started_at = models.DateTimeField(null=True, blank=True, help_text="Claimed by a worker.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries that failed and were retried.")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="offer")
                | Q(
                    booking__isnull=False,
                    musician__isnull=False,
                    seat__isnull=False,
                    candidate_time__isnull=False,
                ),
                name="offer_has_booking_musician_seat_and_time",
            ),
            # A musician is offered a seat at a time once, however often the sweep runs.
            models.UniqueConstraint(
                fields=["seat", "candidate_time", "musician"],
                condition=Q(kind="offer"),
                name="offer_once_per_musician_seat_and_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_phone} ({self.status})"

    @property
    def instrument(self) -> "Instrument | None":
        """The seed's "instrument" field, through the seat."""
        return self.seat.instrument if self.seat else None

    def offer_parts(self) -> "tuple[Booking, Seat, CandidateTime, Musician]":
        """(booking, seat, candidate time, musician) of an offer; the database guarantees them."""
        if self.booking is None or self.seat is None or self.candidate_time is None or self.musician is None:
            raise ValueError(f"Message {self.pk} is not an offer.")
        return self.booking, self.seat, self.candidate_time, self.musician


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

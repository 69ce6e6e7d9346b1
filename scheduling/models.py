"""The studio: where sessions happen, on whose clock, and who runs it."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q

from core.validators import validate_e164, validate_time_zone


class Studio(models.Model):
    name = models.CharField(max_length=120, unique=True)
    address = models.CharField(max_length=255, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    opens_at = models.TimeField(default=dt.time(10), help_text="Business hours start, studio clock.")
    closes_at = models.TimeField(default=dt.time(18), help_text="Business hours end, studio clock.")
    calendar_id = models.CharField(max_length=255, blank=True)
    manager_name = models.CharField(max_length=120, default="Dane")
    manager_phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="studio_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class CalendarEvent(models.Model):
    """An event in the local calendar backend (and busy blocks the manager adds by hand)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.CharField(max_length=200, unique=True)
    calendar_id = models.CharField(max_length=255, db_index=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["calendar_id", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.summary} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"

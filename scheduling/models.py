"""The studio: where sessions happen, on whose clock, and who runs it."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q

from workflow.validators import validate_e164, validate_time_zone


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
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="studio_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

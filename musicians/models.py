"""The roster: instruments (with the names clients use for them) and musicians."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from core.validators import validate_e164, validate_time_zone


def studio_time_zone() -> str:
    """New musicians default to the studio's zone (a callable, so migrations don't bake it in)."""
    return settings.STUDIO_TIME_ZONE


class Instrument(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstrumentAlias(models.Model):
    """Another name clients write for an instrument ("keys" is a keyboard)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=60)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "instrument aliases"
        constraints = [
            # One alias can only ever mean one instrument, whatever its case.
            models.UniqueConstraint(Lower("alias"), name="instrument_alias_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.instrument}"


class Musician(models.Model):
    name = models.CharField(max_length=120)
    phone = models.CharField(
        max_length=20, unique=True, validators=[validate_e164], help_text="E.164, like +15551234567."
    )
    email = models.EmailField(blank=True)
    instruments = models.ManyToManyField(Instrument, related_name="musicians")
    time_zone = models.CharField(max_length=64, default=studio_time_zone, validators=[validate_time_zone])
    calendar_id = models.CharField(max_length=255, blank=True)
    # In the musician's .ics link; raising it (admin action "revoke") kills every link issued before.
    calendar_feed_version = models.PositiveIntegerField(default=1, editable=False)
    # In the musician's own page link; raising it (admin action) kills the old link, a new one replaces it.
    page_version = models.PositiveIntegerField(default=1, editable=False)
    is_active = models.BooleanField(default=True)
    opted_out_at = models.DateTimeField(null=True, blank=True, help_text="Replied STOP; never texted.")
    last_booked_at = models.DateTimeField(null=True, blank=True)
    quiet_hours_start = models.TimeField(default=dt.time(22), help_text="No offers from this time (their own zone)…")
    quiet_hours_end = models.TimeField(default=dt.time(8), help_text="…until this time; equal to the start: none.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "opted_out_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def can_be_texted(self) -> bool:
        return self.is_active and self.opted_out_at is None

    def quiet_until(self, moment: dt.datetime) -> dt.datetime | None:
        """When the musician's quiet hours around `moment` end, or None if they are awake then.

        Wall-clock times in their own zone, so it follows DST; a window may wrap midnight.
        """
        zone = ZoneInfo(self.time_zone)
        local = moment.astimezone(zone)
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return None
        now = local.time()
        quiet = (start <= now < end) if start < end else (now >= start or now < end)
        if not quiet:
            return None
        day = local.date() if (start < end or now < end) else local.date() + dt.timedelta(days=1)
        return dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyAvailability(models.Model):
    """A weekly window when the musician plays, on their own clock.

    A musician with no windows at all is free any time; one with windows is free
    only inside them.
    """

    musician = models.ForeignKey(Musician, on_delete=models.CASCADE, related_name="weekly_availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["musician", "weekday", "starts_at"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class Blackout(models.Model):
    """Days the musician cannot play at all (dates on their own clock, inclusive)."""

    musician = models.ForeignKey(Musician, on_delete=models.CASCADE, related_name="blackouts")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["musician", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="blackout_ends_on_or_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"

"""Writes on the roster that are more than a form's save."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F

from core.validators import validate_time_zone

from .models import Blackout, Musician, WeeklyAvailability


def musician_calendar_feeds_revoke(*, musician_ids: list[int]) -> int:
    """Every .ics link issued so far to these musicians stops working; the admin shows new ones."""
    return Musician.objects.filter(pk__in=musician_ids).update(calendar_feed_version=F("calendar_feed_version") + 1)


def musician_page_links_revoke(*, musician_ids: list[int]) -> int:
    """Their own page's link stops working; the next text (HELP, LINK, a confirmation) carries a new one."""
    return Musician.objects.filter(pk__in=musician_ids).update(page_version=F("page_version") + 1)


# The musician's own settings, changed on their page: each counts in planning at once
# (planning reads availability, blackouts and quiet hours afresh every time).


def musician_profile_set(*, musician: Musician, time_zone: str, quiet_start: dt.time, quiet_end: dt.time) -> None:
    validate_time_zone(time_zone)
    Musician.objects.filter(pk=musician.pk).update(
        time_zone=time_zone, quiet_hours_start=quiet_start, quiet_hours_end=quiet_end
    )


def musician_blackout_add(*, musician: Musician, starts_on: dt.date, ends_on: dt.date, reason: str = "") -> Blackout:
    if ends_on < starts_on:
        raise ValidationError("The last day is before the first.")
    return Blackout.objects.create(musician=musician, starts_on=starts_on, ends_on=ends_on, reason=reason[:200])


def musician_blackout_remove(*, musician: Musician, blackout_id: int) -> bool:
    return Blackout.objects.filter(musician=musician, pk=blackout_id).delete()[0] > 0


def musician_window_add(
    *, musician: Musician, weekday: int, starts_at: dt.time, ends_at: dt.time
) -> WeeklyAvailability:
    if ends_at <= starts_at:
        raise ValidationError("The window ends before it starts.")
    return WeeklyAvailability.objects.create(musician=musician, weekday=weekday, starts_at=starts_at, ends_at=ends_at)


def musician_window_remove(*, musician: Musician, window_id: int) -> bool:
    return WeeklyAvailability.objects.filter(musician=musician, pk=window_id).delete()[0] > 0

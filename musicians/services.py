"""Writes on the roster that are more than a form's save."""

from django.db.models import F

from .models import Musician


def musician_calendar_feeds_revoke(*, musician_ids: list[int]) -> int:
    """Every .ics link issued so far to these musicians stops working; the admin shows new ones."""
    return Musician.objects.filter(pk__in=musician_ids).update(calendar_feed_version=F("calendar_feed_version") + 1)

"""Which calendar a studio's or a musician's sessions go on.

Their own calendar id when set. Otherwise, with the local backend, a local
calendar named after them (served as an .ics feed); with Google, none: a
musician without a calendar is free whenever their availability says so, and
their session is on the studio's event, where they are invited.
"""

from musicians.calendar_ids import reserved_calendar_ids
from musicians.models import Musician
from scheduling.ics import FeedOwner
from scheduling.models import Studio

from . import get_calendar_backend


def studio_calendar_id(studio: Studio) -> str:
    if studio.calendar_id:
        return studio.calendar_id
    return f"studio-{studio.pk}" if get_calendar_backend().local_feeds else ""


def musician_calendar_id(*, musician_id: int, calendar_id: str) -> str:
    if calendar_id:
        return calendar_id
    return f"musician-{musician_id}" if get_calendar_backend().local_feeds else ""


def studio_calendar_ids() -> set[str]:
    """Every studio's calendar: no musician may have one of these as theirs."""
    return {studio_calendar_id(studio) for studio in Studio.objects.only("pk", "calendar_id")}


def feed_calendar_id(owner: FeedOwner | None) -> str | None:
    """The calendar a feed link shows now; None if the link is revoked or names no one.

    A musician's link never shows a studio's calendar, even if their calendar id was set
    to it: that calendar holds every client's session.
    """
    if owner is None:
        return None
    if owner.kind == "studio":
        studio = Studio.objects.filter(pk=owner.pk).only("pk", "calendar_id").first()
        return (studio_calendar_id(studio) or None) if studio else None
    musician = (
        Musician.objects.filter(pk=owner.pk, calendar_feed_version=owner.version).only("pk", "calendar_id").first()
    )
    if musician is None:
        return None
    calendar_id = musician_calendar_id(musician_id=musician.pk, calendar_id=musician.calendar_id)
    return calendar_id if calendar_id and calendar_id not in reserved_calendar_ids() else None

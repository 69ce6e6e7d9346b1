"""Which calendar a studio's or a musician's sessions go on.

Their own calendar id when set. Otherwise, with the local backend, a local
calendar named after them (served as an .ics feed); with Google, none: a
musician without a calendar is free whenever their availability says so, and
their session is on the studio's event, where they are invited.
"""

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

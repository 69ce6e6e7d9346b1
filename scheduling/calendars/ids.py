"""Which calendar a studio's or a musician's sessions go on.

Their own (a Google calendar id) when set; otherwise a local calendar named
after them, which the local backend serves as an .ics feed.
"""

from scheduling.models import Studio


def studio_calendar_id(studio: Studio) -> str:
    return studio.calendar_id or f"studio-{studio.pk}"


def musician_calendar_id(*, musician_id: int, calendar_id: str) -> str:
    return calendar_id or f"musician-{musician_id}"

"""Studio set-up: the first studio comes from the environment, then lives in the admin."""

import datetime as dt

from django.conf import settings

from core.validators import normalize_phone

from .models import Studio


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def studio_get_or_create_default() -> Studio:
    """The studio bookings go to: the first one, created from STUDIO_* / MANAGER_* if none.

    Two first webhooks at once both land on get_or_create by the (unique) name, so
    the race ends with one studio.
    """
    studio = Studio.objects.order_by("pk").first()
    if studio is not None:
        return studio
    phone = normalize_phone(settings.MANAGER_PHONE) if settings.MANAGER_PHONE else ""
    studio, _ = Studio.objects.get_or_create(
        name=settings.STUDIO_NAME,
        defaults={
            "address": settings.STUDIO_ADDRESS,
            "time_zone": settings.STUDIO_TIME_ZONE,
            "opens_at": _clock(settings.STUDIO_OPENS_AT),
            "closes_at": _clock(settings.STUDIO_CLOSES_AT),
            "calendar_id": settings.STUDIO_CALENDAR_ID,
            "manager_name": settings.MANAGER_NAME,
            "manager_phone": phone,
        },
    )
    return studio

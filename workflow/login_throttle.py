"""How long a login is refused after a round of wrong passwords: short at first, doubling.

Dane mistyping five times waits AXES_COOLOFF_MINUTES (1); someone guessing waits
twice as long after each further round of AXES_FAILURE_LIMIT failures from the same
address for the same user, up to AXES_COOLOFF_MAX_MINUTES (a day). Rounds count from
the last good login of that user at that address, within the past day: django-axes
keeps every failure in its AccessFailureLog, and calls `login_cool_off` for the wait
(AXES_COOLOFF_TIME). Tries while refused are not counted (and do not extend the wait).
"""

import datetime as dt

from axes.helpers import get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .client_ip import client_ip_address

WINDOW = dt.timedelta(days=1)


def login_cool_off(request: HttpRequest | None) -> dt.timedelta:
    base = dt.timedelta(minutes=settings.AXES_COOLOFF_BASE_MINUTES)
    if request is None:
        return base
    username, address = get_client_username(request), client_ip_address(request)
    since = timezone.now() - WINDOW
    last_good = (
        AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=max(since, last_good or since)
    ).count()
    rounds = max(failures // settings.AXES_FAILURE_LIMIT, 1)
    longest = dt.timedelta(minutes=settings.AXES_COOLOFF_MAX_MINUTES)
    return min(base * 2 ** min(rounds - 1, 20), longest)

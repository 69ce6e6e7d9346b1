"""Optional error reporting to Sentry (or anything that speaks its protocol).

Off unless SENTRY_DSN is set; then sentry_sdk is imported and started for the web
requests (Django), the tasks (Celery) and Beat's schedule (a cron monitor per Beat
entry, so a sweep that stops running is noticed, not only one that fails).
"""

from django.conf import settings


def error_reporting_start() -> bool:
    """Start Sentry if a DSN is set; True if it was. Safe to call more than once."""
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk  # only now: with no DSN, nothing of it is loaded
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        # Left at Sentry's default, which sends no personal data: phones and emails stay here.
        integrations=[DjangoIntegration(), CeleryIntegration(monitor_beat_tasks=True)],
    )
    return True

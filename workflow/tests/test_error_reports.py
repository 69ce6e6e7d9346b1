"""Error reports (the DEBUG page, mails to ADMINS) show no secret, in settings or in META.

`make run` has DEBUG on, and runserver copies the whole environment into request.META;
a request with a foreign Host header gets the technical page. tests/test_make_run.py
does the same against a real server; these check the filter in process.
"""

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from workflow.error_reports import SecretsFilter

MASK = SecretsFilter.cleansed_substitute

SECRET_ENVIRONMENT = {
    "DATABASE_URL": "postgres://workflow:db-pass-1a@db.example:5432/workflow",
    "CELERY_BROKER_URL": "redis://:broker-pass-2b@redis.example:6379/0",
    "REDIS_URL": "rediss://default:redis-pass-3c@cache.example:6380/1",
    "SENTRY_DSN": "https://sentry-key-4d@o1.ingest.example/42",
    "GOOGLE_SERVICE_ACCOUNT_JSON": '{"type": "service_account", "private_key": "google-key-5e"}',
    "DJANGO_SUPERUSER_PASSWORD": "admin-pass-6f",
    "ZAPIER_TOKEN": "zapier-token-7g",
    "VONAGE_API_SECRET": "vonage-secret-8h",
    "SOME_UPSTREAM": "https://bob:upstream-pass-9i@api.example/v1",  # a name that says nothing
    "HTTP_AUTHORIZATION": "Bearer header-token-0j",
}


def secrets_in(text: str) -> list[str]:
    secrets = ["db-pass-1a", "broker-pass-2b", "redis-pass-3c", "sentry-key-4d", "google-key-5e"]
    secrets += ["admin-pass-6f", "zapier-token-7g", "vonage-secret-8h", "upstream-pass-9i", "header-token-0j"]
    return [secret for secret in secrets if secret in text]


def test_it_masks_the_password_of_any_url_and_keeps_the_rest():
    cleansed = SecretsFilter().cleanse_setting("SOME_UPSTREAM", "see https://bob:pa@ss@api.example/v1 and ftp://x@y")

    assert cleansed == f"see https://bob:{MASK}@api.example/v1 and ftp://x@y"


def test_it_masks_database_passwords_and_credential_settings():
    reporter_filter = SecretsFilter()
    databases = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "workflow", "PASSWORD": "db-pass-1a"}}

    assert reporter_filter.cleanse_setting("DATABASES", databases)["default"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "workflow",
        "PASSWORD": MASK,
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SENTRY_DSN", "GOOGLE_SERVICE_ACCOUNT_JSON"):
        assert reporter_filter.cleanse_setting(name, SECRET_ENVIRONMENT[name]) == MASK


def test_the_debug_page_for_a_foreign_host_shows_no_secret(client, settings):
    settings.DEBUG = True
    # Not CELERY_BROKER_URL: the session's worker reads it (test_make_run.py covers it for real).
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = SECRET_ENVIRONMENT["GOOGLE_SERVICE_ACCOUNT_JSON"]
    settings.ZAPIER_TOKEN = SECRET_ENVIRONMENT["ZAPIER_TOKEN"]

    response = client.get("/", HTTP_HOST="attacker.example", **SECRET_ENVIRONMENT)

    page = response.content.decode()
    assert response.status_code == 400
    assert "DisallowedHost" in page  # the technical page, settings and META included
    assert secrets_in(page) == []
    assert MASK in page


@pytest.mark.django_db
def test_a_traceback_report_shows_no_secret(settings):
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = SECRET_ENVIRONMENT["GOOGLE_SERVICE_ACCOUNT_JSON"]
    request = RequestFactory().get("/workflow/email", **SECRET_ENVIRONMENT)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
        text = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()

    assert "boom" in html
    assert secrets_in(html) == []
    assert secrets_in(text) == []
    assert MASK in html

"""Security: production settings pass Django's deploy checks; admin logins are rate-limited."""

import secrets
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError

pytestmark = pytest.mark.django_db


def test_production_settings_pass_the_deploy_checks(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    settings.ALLOWED_HOSTS = ["bookings.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 3600
    out = StringIO()

    call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)

    assert "no issues" in out.getvalue()


def test_the_development_secret_key_fails_the_deploy_checks(settings):
    settings.SECRET_KEY = settings.INSECURE_DEV_SECRET_KEY
    with pytest.raises(SystemCheckError, match=r"workflow\.E001"):
        call_command("check", deploy=True, stdout=StringIO(), stderr=StringIO())


def test_admin_logins_are_locked_after_five_failures(client):
    get_user_model().objects.create_superuser("dane", "dane@studio.example", "the-right-password-42")

    failures = [client.post("/admin/login/", {"username": "dane", "password": f"guess-{n}"}) for n in range(5)]
    locked = client.post("/admin/login/", {"username": "dane", "password": "the-right-password-42"})

    assert [response.status_code for response in failures[:4]] == [200] * 4  # the form again, with an error
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_still_works_for_someone_else(client):
    get_user_model().objects.create_superuser("dane", "dane@studio.example", "the-right-password-42")

    response = client.post("/admin/login/", {"username": "dane", "password": "the-right-password-42"})

    assert response.status_code == 302

"""Admin logins behind the proxy: a guesser never locks Dane out, and 2FA when it is on."""

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # every request reaches gunicorn from the reverse proxy
PASSWORD = "the-right-password-42"


@pytest.fixture
def dane():
    return get_user_model().objects.create_superuser("dane", "dane@studio.example", PASSWORD)


def log_in(client, *, via_client: str, password: str, **extra: str):
    return client.post(
        "/admin/login/",
        {"username": "dane", "password": password, **extra},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=via_client,
    )


def test_five_wrong_passwords_from_one_client_do_not_lock_dane_out_at_his(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True
    guesses = [log_in(client, via_client="203.0.113.9", password=f"guess-{n}") for n in range(5)]

    dane_logs_in = log_in(client, via_client="198.51.100.7", password=PASSWORD)

    assert guesses[-1].status_code == 429  # the guesser is stopped...
    assert dane_logs_in.status_code == 302  # ...Dane is not
    assert "_auth_user_id" in client.session


def test_the_guesser_stays_locked_out_at_their_own_address(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True
    for n in range(5):
        log_in(client, via_client="203.0.113.9", password=f"guess-{n}")

    assert log_in(client, via_client="203.0.113.9", password=PASSWORD).status_code == 429


def test_a_client_cannot_pick_its_address_by_writing_the_header_itself(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True  # the proxy appends what it saw: the client's own entries sit left of it
    for n in range(5):
        log_in(client, via_client=f"192.0.2.{n}, 203.0.113.9", password=f"guess-{n}")

    assert log_in(client, via_client="192.0.2.99, 203.0.113.9", password=PASSWORD).status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = False
    for n in range(5):
        log_in(client, via_client=f"203.0.113.{n}", password=f"guess-{n}")

    assert log_in(client, via_client="198.51.100.7", password=PASSWORD).status_code == 429  # same socket address


# Two-factor login


@pytest.fixture
def dane_with_a_phone(dane):
    return TOTPDevice.objects.create(user=dane, name="phone", confirmed=True)


def test_with_2fa_on_a_password_alone_does_not_get_in(client, settings, dane_with_a_phone):
    settings.ADMIN_2FA = True

    response = log_in(client, via_client="198.51.100.7", password=PASSWORD)

    assert response.status_code == 200  # the form again
    assert "otp_token" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_with_2fa_on_the_password_and_a_valid_code_get_in(client, settings, dane_with_a_phone):
    settings.ADMIN_2FA = True
    code = f"{totp(dane_with_a_phone.bin_key, step=dane_with_a_phone.step, digits=dane_with_a_phone.digits):06d}"

    response = log_in(
        client,
        via_client="198.51.100.7",
        password=PASSWORD,
        otp_device=dane_with_a_phone.persistent_id,
        otp_token=code,
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_2fa_on_a_wrong_code_does_not_get_in(client, settings, dane_with_a_phone):
    settings.ADMIN_2FA = True

    log_in(
        client,
        via_client="198.51.100.7",
        password=PASSWORD,
        otp_device=dane_with_a_phone.persistent_id,
        otp_token="000000",
    )

    assert client.get("/admin/").status_code == 302


def test_with_2fa_off_a_password_is_enough(client, settings, dane_with_a_phone):
    settings.ADMIN_2FA = False

    assert log_in(client, via_client="198.51.100.7", password=PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_enrol_command_prints_a_link_for_an_authenticator_app(dane):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("totp_enrol", "dane", stdout=out)

    assert out.getvalue().startswith("otpauth://totp/")
    assert TOTPDevice.objects.get(user=dane).confirmed


# The proxy's headers, trusted only when the deploy says so


def settings_in_a_fresh_process(**env: str) -> dict[str, str]:
    script = (
        "from django.conf import settings; "
        "print(repr(settings.SECURE_PROXY_SSL_HEADER)); print(settings.SECURE_HSTS_SECONDS)"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter, our own script)
        [sys.executable, "-c", script], env=os.environ | env, capture_output=True, text=True, check=True, timeout=60
    )
    header, hsts = out.stdout.split("\n")[:2]
    return {"proxy_header": header, "hsts": hsts}


def test_the_forwarded_proto_header_is_trusted_only_when_trust_proxy_headers_is_on():
    assert settings_in_a_fresh_process(TRUST_PROXY_HEADERS="false")["proxy_header"] == "None"
    assert settings_in_a_fresh_process()["proxy_header"] == "None"  # the default
    assert (
        settings_in_a_fresh_process(TRUST_PROXY_HEADERS="true")["proxy_header"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_a_forwarded_proto_from_a_client_does_not_skip_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None  # TRUST_PROXY_HEADERS off

    response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_trusted_proxy_a_forwarded_https_request_is_served(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TRUST_PROXY_HEADERS on

    assert client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_hsts_is_a_year_once_https_is_confirmed_and_off_on_plain_http():
    assert settings_in_a_fresh_process(SECURE_SSL_REDIRECT="true", DEBUG="false")["hsts"] == str(365 * 24 * 3600)
    assert settings_in_a_fresh_process(SECURE_SSL_REDIRECT="false", DEBUG="false")["hsts"] == "0"
    assert settings_in_a_fresh_process(SECURE_HSTS_SECONDS="600")["hsts"] == "600"


def test_the_production_compose_trusts_its_proxy_and_publishes_web_on_loopback_only():
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    web = compose["services"]["web"]

    assert web["environment"]["TRUST_PROXY_HEADERS"] == "${TRUST_PROXY_HEADERS:-true}"
    assert web["ports"] == ["${WEB_BIND:-127.0.0.1}:${PORT:-8000}:8000"]


# Slowing a guesser down: the cool-off is short the first time and doubles with each round


def locked_round(client, *, at: str) -> int:
    """Five wrong passwords from `at`; the status of the last."""
    return [log_in(client, via_client=at, password=f"guess-{n}") for n in range(5)][-1].status_code


def test_after_five_typos_dane_waits_one_minute_not_a_quarter_hour(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True
    with time_machine.travel("2026-12-01 12:00Z", tick=False) as clock:
        assert locked_round(client, at="198.51.100.7") == 429
        clock.shift(dt.timedelta(seconds=50))
        assert log_in(client, via_client="198.51.100.7", password=PASSWORD).status_code == 429
        clock.shift(dt.timedelta(seconds=15))
        assert log_in(client, via_client="198.51.100.7", password=PASSWORD).status_code == 302


def waited_out(client, clock, *, at: str) -> int:
    """Seconds until a wrong password is refused no more, trying every 30 s (that last try is a new failure)."""
    waited = 0
    while log_in(client, via_client=at, password="one-more-guess").status_code == 429:
        clock.shift(dt.timedelta(seconds=30))
        waited += 30
        assert waited < 24 * 3600
    return waited


def test_each_further_round_of_guesses_doubles_the_wait(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True
    guesser = "203.0.113.9"
    with time_machine.travel("2026-12-01 12:00Z", tick=False) as clock:
        assert locked_round(client, at=guesser) == 429
        waits = [waited_out(client, clock, at=guesser)]
        for _ in range(3):
            wrong = [log_in(client, via_client=guesser, password=f"guess-{n}").status_code for n in range(4)]
            assert wrong == [200, 200, 200, 429]  # the try that ended the wait was the round's first
            waits.append(waited_out(client, clock, at=guesser))

    # 1, 2, 4 and 8 minutes, seen by a try every half minute
    assert all(60 * 2**k < wait <= 60 * 2**k + 30 for k, wait in enumerate(waits)), waits


def test_the_wait_is_capped_and_a_good_login_starts_it_over(client, settings, dane):
    settings.TRUST_PROXY_HEADERS = True
    settings.AXES_COOLOFF_MAX_MINUTES = 4
    from workflow.login_throttle import login_cool_off

    request = RequestFactory().post("/admin/login/", {"username": "dane"}, REMOTE_ADDR="198.51.100.7")
    with time_machine.travel("2026-12-01 12:00Z", tick=False) as clock:
        for _ in range(4):
            assert locked_round(client, at="198.51.100.7") == 429
            clock.shift(dt.timedelta(minutes=5))
        assert login_cool_off(request) == dt.timedelta(minutes=4)  # 8 without the cap
        assert log_in(client, via_client="198.51.100.7", password=PASSWORD).status_code == 302
        client.logout()
        clock.shift(dt.timedelta(seconds=1))
        assert locked_round(client, at="198.51.100.7") == 429
        assert login_cool_off(request) == dt.timedelta(minutes=1)

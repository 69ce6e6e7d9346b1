"""Content-Security-Policy: scripts only from us or with the response's nonce."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    directives = [d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")]
    return dict(directives)


def test_every_page_has_a_policy_that_refuses_inline_and_foreign_scripts(client):
    for url in ("/admin/login/", "/o/not-a-token", "/healthz"):
        rules = policy(client.get(url))

        assert rules["default-src"] == "'self'", url
        assert re.fullmatch(r"'self' 'nonce-[\w-]{20,}'", rules["script-src"]), url
        assert rules["object-src"] == "'none'" and rules["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in rules["script-src"]


def test_each_response_has_its_own_nonce(client):
    first, second = (policy(client.get("/admin/login/"))["script-src"] for _ in range(2))

    assert first != second


def test_the_boards_polling_script_carries_the_responses_nonce(admin_client):
    response = admin_client.get(reverse("dashboard-board"))

    nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()

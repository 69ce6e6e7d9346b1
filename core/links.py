"""Absolute links for texts, which leave the site: built on PUBLIC_BASE_URL."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def admin_url(view: str, pk: int) -> str:
    return absolute_url(reverse(f"admin:{view}", args=[pk]))

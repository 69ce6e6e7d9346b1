"""The signed link to a musician's own page.

The token carries the musician's id and their `page_version`; raising the version
(the admin's "new page link") kills every link issued before, and the next text
carries the new one. Signed, not stored: nothing to look up but the musician.
"""

from django.core import signing
from django.urls import reverse

from core.links import absolute_url
from musicians.models import Musician

SALT = "bookings.musician-page"


def musician_page_token(musician: Musician) -> str:
    return signing.Signer(salt=SALT).sign(f"{musician.pk}.{musician.page_version}")


def musician_from_page_token(token: str) -> Musician | None:
    """The musician the link is for, or None for a forged, mangled or revoked link."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _, version = value.partition(".")
    if not (pk.isdigit() and version.isdigit()):
        return None
    return Musician.objects.filter(pk=int(pk), page_version=int(version)).first()


def musician_page_link(musician: Musician) -> str:
    return absolute_url(reverse("musician-page", args=[musician_page_token(musician)]))

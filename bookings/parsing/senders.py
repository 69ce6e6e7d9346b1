"""Whether an email address is a person's, or a form's, a mailer's or the studio's own.

An order that names no client email falls back on whoever sent it, but form plugins and
Zapier send from robots ("WPForms <noreply@…>", "form-submission@squarespace.info"): the
client's confirmation must not go there. A form that knows the client's address puts it
in Reply-To, which is read first.
"""

import re

from django.conf import settings

# Words of a local part that mark a robot: no-reply, mailer-daemon, form-submission, wordpress…
_ROBOT_WORDS = {
    "noreply", "donotreply", "mailer", "daemon", "postmaster", "bounce", "bounces", "notification",
    "notifications", "notify", "alerts", "wordpress", "form", "forms", "submission", "submissions",
    "webform", "webforms", "robot", "zapier", "automated", "autoreply",
}  # fmt: skip
# Domains that only send on a program's behalf.
_ROBOT_DOMAINS = ("zapier.com", "zapiermail.com", "squarespace.info", "jotform.com", "typeform.com", "wix.com")
_WORD_BREAKS = re.compile(r"[-_.+]+")


def is_person(address: str) -> bool:
    local, _, domain = address.strip().lower().rpartition("@")
    if not local or not domain:
        return False
    if domain == _own_address()[1] and local == _own_address()[0]:
        return False
    if any(domain == robot or domain.endswith("." + robot) for robot in _ROBOT_DOMAINS):
        return False
    squeezed = _WORD_BREAKS.sub("", local)
    if "noreply" in squeezed or "donotreply" in squeezed:
        return False
    return not _ROBOT_WORDS & set(_WORD_BREAKS.split(local))


def _own_address() -> tuple[str, str]:
    """The studio's own sending address (DEFAULT_FROM_EMAIL), as (local part, domain)."""
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >").lower()
    local, _, domain = address.rpartition("@")
    return local, domain

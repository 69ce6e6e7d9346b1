"""SMS backends, picked by the SMS_BACKEND setting like Django's EMAIL_BACKEND.

`console` prints, `file` appends one JSON line per text to SMS_FILE_PATH,
`memory` keeps an outbox list for tests. A backend's `send()` returns the
provider's id for the text or raises SmsError.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import OutgoingText, SmsBackend, SmsError

BACKENDS = {
    "console": "messaging.backends.console.ConsoleBackend",
    "file": "messaging.backends.file.FileBackend",
    "memory": "messaging.backends.memory.MemoryBackend",
    "vonage": "messaging.backends.vonage.VonageBackend",
}

__all__ = ["OutgoingText", "SmsBackend", "SmsError", "get_sms_backend"]


@cache
def _backend_for(name: str) -> SmsBackend:
    # A dotted path names a backend class of one's own, as with Django's EMAIL_BACKEND.
    path = BACKENDS.get(name) or (name if "." in name else None)
    if path is None:
        known = ", ".join(sorted(BACKENDS))
        raise ImproperlyConfigured(f"SMS_BACKEND={name!r} is not one of: {known} (or a dotted path).")
    return import_string(path)()


def get_sms_backend() -> SmsBackend:
    return _backend_for(settings.SMS_BACKEND)

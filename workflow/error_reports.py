"""What Django's error reports (the DEBUG page, the emails to ADMINS) may show.

Django's own filter hides settings and request.META entries whose *name* looks secret
(API, AUTH, TOKEN, KEY, SECRET, PASS, SIGNATURE). Ours also hides the names that carry
credentials inside a URL or a blob (DATABASE_URL, CELERY_BROKER_URL, REDIS_URL,
SENTRY_DSN, GOOGLE_SERVICE_ACCOUNT_JSON, ...), and, under any name, the password of a
URL (`scheme://user:password@host`). `runserver` copies the whole process environment
into request.META, so the same rules cover the environment on the DEBUG page.
"""

import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

# A password in a URL's user info: redis://:pw@host, postgres://user:pw@host/db.
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^/?#\s]*(?=@)", re.IGNORECASE)


class SecretsFilter(SafeExceptionReporterFilter):
    cleansed_substitute = "********************"
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE"
        "|DATABASE_URL|BROKER_URL|REDIS_URL|CACHE_URL|DSN|SERVICE_ACCOUNT|CREDENTIAL|PRIVATE",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        if type(cleansed) is str:  # not isinstance: lazy strings (django-axes has some) pass that and break re
            return _URL_PASSWORD.sub(rf"\g<head>{self.cleansed_substitute}", cleansed)
        return cleansed

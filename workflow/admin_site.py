"""The admin site: Django's, with two-factor login (django-otp, TOTP) when ADMIN_2FA is on.

It is an OTPAdminSite whose OTP parts switch on with the setting, read per request, so
turning 2FA on or off is a restart, not a code change. Enrol a device first
(`python manage.py totp_enrol <username>`), then set ADMIN_2FA=true.

Its app list (the sidebar and index of every admin page) is worked out once per set of
permissions, not on every page: see `get_app_list`.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.translation import get_language
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StudioAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)  # keep the name "admin": every admin URL is reversed by it
        self._app_lists: dict[tuple, list[dict]] = {}

    @property  # type: ignore[override]
    def login_form(self) -> type[AdminAuthenticationForm]:
        return OTPAdminAuthenticationForm if settings.ADMIN_2FA else AdminAuthenticationForm

    @property  # type: ignore[override]
    def login_template(self) -> str | None:
        return OTPAdminSite.login_template if settings.ADMIN_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.ADMIN_2FA:
            return super().has_permission(request)  # staff, and verified by a device this session
        return AdminSite.has_permission(self, request)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """Django's app list, built once per set of permissions, app, language and URL prefix.

        What it holds follows from those alone: the registered models (fixed at start-up), which of
        them the user may see, add or change (every ModelAdmin here decides from the user's
        permissions, or not at all), their names and their URLs. Building it asks each of ~25
        models for four permissions and reverses two URLs each, a millisecond and more of every
        admin page (Dane's booking page refreshes every few seconds). Each caller gets its own
        copy of the lists and dicts.
        """
        user = request.user
        if not user.is_active:
            return super().get_app_list(request, app_label)
        # A superuser holds every permission; anyone else's are the ones the auth backends give
        # (cached on the user for the request, where the page's own permission check put them).
        held = "all" if user.is_superuser else frozenset(user.get_all_permissions())
        key = (held, app_label, get_language(), get_script_prefix())
        apps = self._app_lists.get(key)
        if apps is None:
            if len(self._app_lists) >= 256:  # bounded, however many permission sets pass through
                self._app_lists.clear()
            apps = self._app_lists[key] = super().get_app_list(request, app_label)
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in apps]

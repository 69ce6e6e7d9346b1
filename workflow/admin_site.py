"""The admin site: Django's, with two-factor login (django-otp, TOTP) when ADMIN_2FA is on.

It is an OTPAdminSite whose OTP parts switch on with the setting, read per request, so
turning 2FA on or off is a restart, not a code change. Enrol a device first
(`python manage.py totp_enrol <username>`), then set ADMIN_2FA=true.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StudioAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)  # keep the name "admin": every admin URL is reversed by it

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

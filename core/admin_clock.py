"""Admin pages that show and read dates and times on a chosen clock instead of UTC.

Django shows and parses an admin form's datetimes in the *current* time zone, which is
UTC here (TIME_ZONE): Dane typed "14:00" meaning his afternoon and got 9 AM. A page
built from this mixin activates the clock it names for the whole request, the
rendering included, and says beside each datetime field whose clock it is.
"""

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.db import models
from django.forms import Field
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone


class ClockAdminMixin(admin.ModelAdmin):
    clock_help = "On {zone}."

    def clock_zone(self, request: HttpRequest, object_id: str | None) -> ZoneInfo:
        raise NotImplementedError

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, *args: Any, **kwargs: Any):
        return self._on_the_clock(request, object_id, super().changeform_view, request, object_id, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any):
        return self._on_the_clock(request, None, super().changelist_view, request, *args, **kwargs)

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateTimeField):
            zone = getattr(request, "admin_clock", None)
            field.help_text = " ".join(filter(None, [str(db_field.help_text), self.clock_help.format(zone=zone)]))
        return field

    def _on_the_clock(
        self, request: HttpRequest, object_id: str | None, view: Callable[..., HttpResponse], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        zone = self.clock_zone(request, object_id)
        request.admin_clock = zone  # type: ignore[attr-defined]  # for the help texts
        with timezone.override(zone):
            response = view(*args, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()  # a TemplateResponse renders later, outside this clock, unless now
        return response

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import Field
from django.http import HttpRequest
from django.utils import timezone

from core.admin_clock import ClockAdminMixin

from .forms import MusicianAdminForm
from .models import Blackout, Instrument, InstrumentAlias, Musician, WeeklyAvailability, studio_time_zone
from .services import musician_calendar_feeds_revoke, musician_page_links_revoke


class InstrumentAliasInline(admin.TabularInline):
    model = InstrumentAlias
    extra = 1


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "alias_list", "musician_count"]
    search_fields = ["name", "slug", "aliases__alias"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [InstrumentAliasInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instrument]:
        return (
            super()
            .get_queryset(request)
            .annotate(musician_count=Count("musicians", distinct=True))
            .prefetch_related("aliases")
        )

    @admin.display(description="aliases")
    def alias_list(self, instrument: Instrument) -> str:
        return ", ".join(a.alias for a in instrument.aliases.all())

    @admin.display(description="musicians", ordering="musician_count")
    def musician_count(self, instrument: Instrument) -> int:
        return instrument.musician_count  # type: ignore[attr-defined]


@admin.register(InstrumentAlias)
class InstrumentAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "instrument"]
    list_filter = ["instrument"]
    search_fields = ["alias", "instrument__name"]


class OwnClockHelpInline(admin.TabularInline):
    """Weekly hours and blackout days are wall-clock on the musician's own clock: say so."""

    own_clock_help = ""

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.TimeField | models.DateField):
            field.help_text = self.own_clock_help
        return field


class WeeklyAvailabilityInline(OwnClockHelpInline):
    model = WeeklyAvailability
    extra = 0
    own_clock_help = "Weekly hours on their own clock (the time zone above), whatever the date."


class BlackoutInline(OwnClockHelpInline):
    model = Blackout
    extra = 0
    own_clock_help = "Dates on their own clock, inclusive."


class OptedOutFilter(admin.SimpleListFilter):
    title = "texts"
    parameter_name = "opted_out"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("no", "Can be texted"), ("yes", "Opted out (STOP)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Musician]) -> QuerySet[Musician]:
        if self.value() == "yes":
            return queryset.filter(opted_out_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(opted_out_at__isnull=True)
        return queryset


@admin.register(Musician)
class MusicianAdmin(ClockAdminMixin, admin.ModelAdmin):
    """A musician's own times (last booked, opted out) are on their own clock, as the
    roster import writes them ("last booked 2026-03-08" is midnight where they live)."""

    form = MusicianAdminForm
    clock_help = "On this musician's own clock, {zone}."
    list_display = [
        "name",
        "phone",
        "instrument_list",
        "time_zone",
        "is_active",
        "opted_out",
        "last_booked",
    ]
    list_filter = ["is_active", OptedOutFilter, "instruments", "time_zone"]
    search_fields = ["name", "phone", "email", "instruments__name"]
    filter_horizontal = ["instruments"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [WeeklyAvailabilityInline, BlackoutInline]
    date_hierarchy = "last_booked_at"
    actions = ["revoke_calendar_feed_links", "revoke_page_links"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Musician]:
        return super().get_queryset(request).prefetch_related("instruments")

    def clock_zone(self, request: HttpRequest, object_id: str | None) -> ZoneInfo:
        saved = Musician.objects.filter(pk=object_id).values_list("time_zone", flat=True).first() if object_id else None
        return ZoneInfo(saved or studio_time_zone())

    @admin.display(description="opted out at", ordering="opted_out_at")
    def opted_out(self, musician: Musician) -> str:
        return _on_their_clock(musician, musician.opted_out_at)

    @admin.display(description="last booked at", ordering="last_booked_at")
    def last_booked(self, musician: Musician) -> str:
        return _on_their_clock(musician, musician.last_booked_at)

    @admin.action(description="Revoke calendar feed links (each gets a new one)")
    def revoke_calendar_feed_links(self, request: HttpRequest, queryset: QuerySet[Musician]) -> None:
        revoked = musician_calendar_feeds_revoke(musician_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{revoked} feed link(s) revoked: the old links now answer 404.")

    @admin.action(description="New page link (the old one stops working)")
    def revoke_page_links(self, request: HttpRequest, queryset: QuerySet[Musician]) -> None:
        revoked = musician_page_links_revoke(musician_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{revoked} page link(s) replaced: the next text they get carries the new one.")

    @admin.display(description="instruments")
    def instrument_list(self, musician: Musician) -> str:
        return ", ".join(i.name for i in musician.instruments.all())


@admin.register(WeeklyAvailability)
class WeeklyAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["musician", "weekday", "starts_at", "ends_at"]
    list_filter = ["weekday"]
    search_fields = ["musician__name"]
    list_select_related = ["musician"]


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ["musician", "starts_on", "ends_on", "reason"]
    search_fields = ["musician__name", "reason"]
    list_select_related = ["musician"]
    date_hierarchy = "starts_on"


def _on_their_clock(musician: Musician, moment) -> str:
    if moment is None:
        return "-"
    return f"{timezone.localtime(moment, ZoneInfo(musician.time_zone)):%b %-d, %Y %H:%M %Z}"

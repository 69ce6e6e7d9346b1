from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Blackout, Instrument, InstrumentAlias, Musician, WeeklyAvailability


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


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    extra = 0


class BlackoutInline(admin.TabularInline):
    model = Blackout
    extra = 0


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
class MusicianAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "phone",
        "instrument_list",
        "time_zone",
        "is_active",
        "opted_out_at",
        "last_booked_at",
    ]
    list_filter = ["is_active", OptedOutFilter, "instruments", "time_zone"]
    search_fields = ["name", "phone", "email", "instruments__name"]
    filter_horizontal = ["instruments"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [WeeklyAvailabilityInline, BlackoutInline]
    date_hierarchy = "last_booked_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Musician]:
        return super().get_queryset(request).prefetch_related("instruments")

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

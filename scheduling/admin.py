from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin_clock import ClockAdminMixin
from core.links import absolute_url
from musicians.admin import MusicianAdmin
from musicians.forms import PhoneField
from musicians.models import Musician

from .ics import FeedOwner, feed_token
from .models import CalendarEvent, Studio


def studio_calendar_feed_url(studio: Studio) -> str:
    return absolute_url(reverse("calendar-feed", args=[feed_token(FeedOwner("studio", studio.pk))]))


def musician_calendar_feed_url(musician: Musician) -> str:
    owner = FeedOwner("musician", musician.pk, musician.calendar_feed_version)
    return absolute_url(reverse("calendar-feed", args=[feed_token(owner)]))


def calendar_feed_link(url: str) -> str:
    return format_html('<a href="{}">{}</a>', url, url)


class StudioAdminForm(forms.ModelForm):
    manager_phone = PhoneField(required=False, max_length=40, help_text="Dane's phone, as you would write it.")

    class Meta:
        model = Studio
        fields = [
            "name",
            "address",
            "time_zone",
            "opens_at",
            "closes_at",
            "calendar_id",
            "manager_name",
            "manager_phone",
        ]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    form = StudioAdminForm
    list_display = ["name", "time_zone", "opens_at", "closes_at", "manager_name", "manager_phone"]
    search_fields = ["name", "manager_name"]
    readonly_fields = ["calendar_feed"]

    @admin.display(description="calendar feed (.ics, local calendar)")
    def calendar_feed(self, studio: Studio) -> str:
        return calendar_feed_link(studio_calendar_feed_url(studio)) if studio.pk else "-"


@admin.register(CalendarEvent)
class CalendarEventAdmin(ClockAdminMixin, admin.ModelAdmin):
    """The local calendar. Add an event on the studio's calendar id to block a time by hand.

    Times are shown and typed on the studio's clock (its row's time zone), whoever's
    calendar the event is on: this page is Dane's.
    """

    clock_help = "On the studio's clock, {zone}."

    list_display = ["summary", "calendar_id", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    search_fields = ["summary", "calendar_id", "uid"]
    date_hierarchy = "starts_at"

    def clock_zone(self, request: HttpRequest, object_id: str | None) -> ZoneInfo:
        studio = Studio.objects.order_by("pk").only("time_zone").first()
        return studio.zone if studio else ZoneInfo(settings.STUDIO_TIME_ZONE)


admin.site.unregister(Musician)


@admin.register(Musician)
class MusicianWithCalendarAdmin(MusicianAdmin):
    """The roster's admin, with the musician's calendar feed: calendars are scheduling's,
    so scheduling adds the field (musicians knows nothing of calendars)."""

    readonly_fields = ["calendar_feed", *MusicianAdmin.readonly_fields]

    @admin.display(description="calendar feed (.ics, local calendar)")
    def calendar_feed(self, musician: Musician) -> str:
        if not musician.pk:
            return "-"
        return calendar_feed_link(musician_calendar_feed_url(musician))

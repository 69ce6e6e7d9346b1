from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.links import absolute_url
from musicians.admin import MusicianAdmin
from musicians.models import Musician

from .calendars.ids import musician_calendar_id, studio_calendar_id
from .ics import feed_token
from .models import CalendarEvent, Studio


def calendar_feed_link(calendar_id: str) -> str:
    url = absolute_url(reverse("calendar-feed", args=[feed_token(calendar_id)]))
    return format_html('<a href="{}">{}</a>', url, url)


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "opens_at", "closes_at", "manager_name", "manager_phone"]
    search_fields = ["name", "manager_name"]
    readonly_fields = ["calendar_feed"]

    @admin.display(description="calendar feed (.ics, local calendar)")
    def calendar_feed(self, studio: Studio) -> str:
        return calendar_feed_link(studio_calendar_id(studio)) if studio.pk else "-"


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    """The local calendar. Add an event on the studio's calendar id to block a time by hand."""

    list_display = ["summary", "calendar_id", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    search_fields = ["summary", "calendar_id", "uid"]
    date_hierarchy = "starts_at"


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
        return calendar_feed_link(musician_calendar_id(musician_id=musician.pk, calendar_id=musician.calendar_id))

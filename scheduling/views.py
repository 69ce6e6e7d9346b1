from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from .calendars.ids import feed_calendar_id
from .ics import calendar_feed, feed_owner
from .models import CalendarEvent


@require_http_methods(["GET", "HEAD"])
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    calendar_id = feed_calendar_id(feed_owner(token))
    if calendar_id is None:
        raise Http404("No such calendar.")
    events = CalendarEvent.objects.filter(calendar_id=calendar_id).order_by("starts_at")
    body = calendar_feed(name=f"Studio sessions ({calendar_id})", events=events)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response

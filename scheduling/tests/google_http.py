"""Google's end of the wire for tests: the real googleapiclient runs, only the HTTP is canned."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from googleapiclient.http import HttpMockSequence

from scheduling.calendars.google import GoogleCalendar

FIXTURES = Path(__file__).parent / "google"


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    query: dict[str, str]
    body: Any


class GoogleHttp(HttpMockSequence):
    """Google's end of the wire: answers in order, and records each request.

    An exception among the answers is raised instead, as a dropped connection or a
    token Google refuses would be raised from inside the authorised connection.
    """

    def __init__(self, *answers: Any) -> None:
        super().__init__(list(answers))
        self.sent: list[Sent] = []

    def request(self, uri, method="GET", body=None, headers=None, redirections=1, connection_type=None):
        url = urlsplit(uri)
        self.sent.append(Sent(method, unquote(url.path), dict(parse_qsl(url.query)), body and json.loads(body)))
        assert self._iterable, f"Google was not expected to be asked: {method} {uri}"
        if isinstance(self._iterable[0], Exception):
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, redirections, connection_type)


def google_answering(*answers: Any) -> tuple[GoogleCalendar, GoogleHttp]:
    http = GoogleHttp(*answers)
    return GoogleCalendar(http=http), http


def google_says(fixture: str) -> tuple[dict[str, str], bytes]:
    """A recorded Calendar API answer; an error body's own code is its HTTP status."""
    body = (FIXTURES / fixture).read_bytes()
    status = json.loads(body).get("error", {}).get("code", 200)
    return {"status": str(status), "content-type": "application/json; charset=UTF-8"}, body


def free_busy(calendar_ids: list[str], **others: dict) -> tuple[dict[str, str], str]:
    """A freeBusy answer in which every calendar asked for is free; `others` adds entries
    by calendar id with "@" and "." spelled "_" (gone_example_com = gone@example.com)."""
    body = {
        "kind": "calendar#freeBusy",
        "timeMin": "2026-12-05T14:00:00.000Z",
        "timeMax": "2026-12-06T02:00:00.000Z",
        "calendars": {calendar_id: {"busy": []} for calendar_id in calendar_ids}
        | {_calendar_id(name): entry for name, entry in others.items()},
    }
    return {"status": "200", "content-type": "application/json; charset=UTF-8"}, json.dumps(body)


NO_CONTENT = ({"status": "204"}, b"")


def _calendar_id(name: str) -> str:
    user, _, domain = name.partition("_")
    return f"{user}@{domain.replace('_', '.')}"

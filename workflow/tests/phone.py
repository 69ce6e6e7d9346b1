"""A phone for end-to-end tests: reads texts from the file backend, opens links, taps buttons."""

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.testing import wait_for

REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+)">')


@dataclass
class Page:
    status: int
    html: str
    url: str = ""

    @property
    def refreshes_in(self) -> int | None:
        """Seconds until the page reloads itself (a press waiting for its worker), or None."""
        found = REFRESH.search(self.html)
        return int(found.group(1)) if found else None


def sms_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def links(body: str) -> dict[str, str]:
    """{"yes": url, "no": url} of an offer text."""
    return {answer: url for url, answer in re.findall(r"(https?://\S+/o/[\w-]+/(yes|no))", body)}


@dataclass
class Phone:
    """One musician's phone: its own cookies, so CSRF works as in a browser."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, data: bytes | None = None) -> Page:
        request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, response.read().decode(), response.geturl())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode(), url)

    def tap(self, url: str) -> Page:
        """Open the link, then press the page's one button (a CSRF-protected POST)."""
        page = self.open(url)
        token = self.form_token(page)
        return page if token is None else self.press(url, token)

    def form_token(self, page: Page) -> str | None:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.html)
        return found.group(1) if found else None

    def press(self, url: str, token: str, *, within: float = 30.0) -> Page:
        """Press the button of a page opened earlier (its form's CSRF token in hand), follow the redirect
        to the offer's page and, as a browser does, its refreshes until the worker has decided the press
        (polled faster than the page's own second: the tests wait for the worker, not the clock)."""
        page = self.open(url, data=f"csrfmiddlewaretoken={token}".encode())
        deadline = time.monotonic() + within
        while page.refreshes_in is not None and time.monotonic() < deadline:
            time.sleep(0.05)
            page = self.open(page.url)
        return page


__all__ = ["Page", "Phone", "links", "sms_lines", "wait_for"]

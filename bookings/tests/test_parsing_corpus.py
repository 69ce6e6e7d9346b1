"""The corpus: order emails as form builders, mail clients and people write them.

Each email in `corpus/` sits next to `<name>.expected.json`, which states the clock the
email is read at (`now`), where it came from (`family`, `source`) and what the parser must
make of it. The suffix says how the email arrives:

- `.txt`: the plain body; `.html`: the HTML body (both as if Zapier sent only that part);
- `.eml`: a whole raw email, read with `read_envelope` as `message/rfc822`;
- `.json`: the Zapier webhook body, read with `read_envelope` as `application/json`.

Only the keys an expected file names are compared. `windows` are local `YYYY-MM-DD HH:MM`
pairs on the clock of `windows_zone` (default: the expected `time_zone`). `warnings` and
`errors` list one piece of text per message: every message must contain its piece, and
there must be exactly as many messages as pieces.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bookings.parsing import Envelope, OrderParseError, ParsedOrder, parse_order, read_envelope
from bookings.tests.parsing_support import STUDIO_ZONE, studio_catalog

CORPUS = Path(__file__).parent / "corpus"
EMAIL_SUFFIXES = (".txt", ".html", ".eml", ".json")
FAMILIES = {"wordpress", "squarespace", "wix", "typeform", "jotform", "google-forms", "zapier"}
FAMILIES |= {"layouts", "times", "instruments", "mail"}
PLAIN_FIELDS: tuple[str, ...] = ("client_name", "client_email", "song_title", "session_minutes", "time_zone")
PLAIN_FIELDS += ("mp3_url", "video_url", "notes")
FIELDS = (*PLAIN_FIELDS, "seats", "windows", "other_links")


def corpus_emails() -> list[Path]:
    return sorted(
        path for path in CORPUS.iterdir() if path.suffix in EMAIL_SUFFIXES and not path.name.endswith(".expected.json")
    )


def expected_for(path: Path) -> dict[str, Any]:
    return json.loads((CORPUS / f"{path.stem}.expected.json").read_text(encoding="utf-8"))


def envelope_of(path: Path, expected: dict[str, Any]) -> Envelope:
    if path.suffix == ".eml":
        return read_envelope(path.read_bytes(), "message/rfc822")
    if path.suffix == ".json":
        return read_envelope(path.read_bytes(), "application/json")
    text = path.read_text(encoding="utf-8")
    subject = expected.get("subject", "")
    if path.suffix == ".txt":
        return Envelope(subject=subject, body_plain=text)
    return Envelope(subject=subject, body_html=text)


def read_corpus_email(path: Path, expected: dict[str, Any]) -> ParsedOrder:
    envelope = envelope_of(path, expected)
    return parse_order(
        subject=envelope.subject,
        body_plain=envelope.body_plain,
        body_html=envelope.body_html,
        now=datetime.fromisoformat(expected["now"]),
        default_zone=expected.get("studio_zone", STUDIO_ZONE),
        catalog=studio_catalog(),
    )


def what_was_read(order: ParsedOrder, expected: dict[str, Any]) -> dict[str, Any]:
    """The order in the expected file's terms, for the keys it names."""
    zone = ZoneInfo(expected.get("windows_zone", order.time_zone))
    actual: dict[str, Any] = {name: getattr(order, name) for name in PLAIN_FIELDS}
    actual["seats"] = {seat.instrument_slug: seat.count for seat in order.seats}
    actual["windows"] = [
        [f"{window.starts_at.astimezone(zone):%Y-%m-%d %H:%M}", f"{window.ends_at.astimezone(zone):%Y-%m-%d %H:%M}"]
        for window in order.windows
    ]
    actual["other_links"] = list(order.other_links)
    return {name: value for name, value in actual.items() if name in expected}


def assert_messages(messages: list[str] | tuple[str, ...], pieces: list[str]) -> None:
    unmatched = list(messages)
    for piece in pieces:
        match = next((message for message in unmatched if piece in message), None)
        assert match is not None, f"no message contains {piece!r}; messages: {list(messages)}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected messages: {unmatched}"


@pytest.mark.parametrize("path", corpus_emails(), ids=lambda path: path.name)
def test_it_reads_the_corpus_email(path):
    expected = expected_for(path)

    try:
        order = read_corpus_email(path, expected)
    except OrderParseError as refusal:
        assert "errors" in expected, f"refused: {refusal.errors}"
        assert_messages(refusal.errors, expected["errors"])
        return

    assert "errors" not in expected, f"read, but expected a refusal: {order}"
    assert what_was_read(order, expected) == {name: value for name, value in expected.items() if name in FIELDS}
    assert_messages(order.warnings, expected.get("warnings", []))


def test_it_has_a_corpus_of_every_layout_family():
    families = [expected_for(path)["family"] for path in corpus_emails()]

    assert len(families) >= 60
    assert set(families) == FAMILIES
    assert all(families.count(family) >= 3 for family in FAMILIES)


def test_it_has_an_expected_result_for_every_corpus_email_and_no_other():
    emails = {path.stem for path in corpus_emails()}
    expectations = {path.name.removesuffix(".expected.json") for path in CORPUS.glob("*.expected.json")}

    assert emails == expectations

"""The Zapier webhook body to the email inside it: JSON, form fields, or a raw email.

JSON and form bodies are strict (they are built by a program, so a bad one is a bug
to report); raw email is lenient (it is built by mail clients, so bad bytes are normal).

JSON values: strings are used as they are, numbers become their text, null becomes "".
A list, an object or true/false in a text field is refused with an EnvelopeError naming
the field; only `from` may be an object, `{"email": …, "name": …}`.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from urllib.parse import parse_qs

from .rawmail import MailUnreadable, decode_lenient, read_rfc822, split_address

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_FORM_FIELDS = 200
# Header fields are one line; these fit the database columns that keep them.
MAX_HEADER_CHARS = {
    "subject": 998,
    "sender": 320,
    "sender_name": 200,
    "reply_to": 320,
    "reply_to_name": 200,
    "message_id": 998,
}


@dataclass(frozen=True)
class Envelope:
    subject: str = ""
    sender: str = ""  # an email address
    sender_name: str = ""
    reply_to: str = ""  # an email address: form notifications set it to the person who filled the form in
    reply_to_name: str = ""
    body_plain: str = ""
    body_html: str = ""
    message_id: str = ""


class EnvelopeError(Exception):
    """The webhook body is not an email we can read; the message is a one-line reason."""


# Field names as senders spell them, compared without case, `_`, `-`, `.` or spaces.
_FIELD_NAMES = {
    "subject": "subject",
    "from": "from",
    "fromemail": "sender",
    "fromaddress": "sender",
    "fromname": "sender_name",
    "replyto": "reply_to",
    "replytoemail": "reply_to_address",
    "replytoaddress": "reply_to_address",
    "replytoname": "reply_to_name",
    "bodyplain": "body_plain",
    "plain": "body_plain",
    "bodytext": "body_plain",
    "text": "body_plain",
    "bodyhtml": "body_html",
    "html": "body_html",
    "messageid": "message_id",
}
_NAME_NOISE = re.compile(r"[\s_.-]+")
_EMAIL_HEADER_START = re.compile(
    rb"(?i)(?:from |(?:from|subject|message-id|date|to|received|return-path|mime-version|delivered-to"
    rb"|content-type|reply-to|x-[a-z0-9-]+)[ \t]*:)"
)
_FORM_BODY = re.compile(rb"[\w.%+\[\]-]+=[^&\s]*(?:&[\w.%+\[\]-]+=[^&\s]*)*")

Reader = Callable[[bytes, str | None], dict[str, str]]


def read_envelope(body: bytes, content_type: str) -> Envelope:
    """Read the webhook body by its content type; sniff the body when the type is missing or unknown."""
    if len(body) > MAX_BODY_BYTES:
        raise EnvelopeError("the body is larger than 10 MB")
    media_type, charset = _parse_content_type(content_type or "")
    if media_type == "multipart/form-data":
        raise EnvelopeError("multipart/form-data is not supported; send JSON or form-encoded fields")
    reader = _READERS.get(media_type) or _sniff(body)
    envelope = _envelope(reader(body, charset))
    if not (envelope.body_plain.strip() or envelope.body_html.strip() or envelope.subject.strip()):
        raise EnvelopeError("no email body")
    return envelope


def _parse_content_type(content_type: str) -> tuple[str, str | None]:
    media_type, _, parameters = content_type.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    media_type = media_type.strip().lower()
    return ("application/json" if media_type.endswith("+json") else media_type), charset


def _decode_strict(body: bytes, charset: str | None) -> str:
    name = charset or "utf-8"
    if name.lower().replace("_", "-") in ("utf-8", "utf8"):
        name = "utf-8-sig"  # a byte-order mark is harmless
    try:
        return body.decode(name)
    except LookupError as error:
        raise EnvelopeError(f"unknown charset {_one_line(name)!r}") from error
    except ValueError as error:
        raise EnvelopeError(f"the body is not valid {_one_line(charset or 'UTF-8')} text") from error


def _read_json(body: bytes, charset: str | None) -> dict[str, str]:
    text = _decode_strict(body, charset)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise EnvelopeError(f"the body is not valid JSON ({_one_line(str(error))})") from error
    if not isinstance(data, dict):
        raise EnvelopeError(f"the JSON body is {_json_kind(data)}, not an object")
    return _known_fields(data.items())


def _read_form(body: bytes, charset: str | None) -> dict[str, str]:
    text = _decode_strict(body, charset)
    try:
        data = parse_qs(
            text.strip(),
            keep_blank_values=True,
            strict_parsing=True,
            encoding=charset or "utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (LookupError, ValueError) as error:
        raise EnvelopeError(f"the body is not valid form data ({_one_line(str(error))})") from error
    return _known_fields((key, values[0]) for key, values in data.items())


def _read_mail(body: bytes, charset: str | None) -> dict[str, str]:
    try:
        return read_rfc822(body)
    except MailUnreadable as error:
        raise EnvelopeError(str(error)) from error


def _read_plain(body: bytes, charset: str | None) -> dict[str, str]:
    return {"body_plain": decode_lenient(body, charset or "utf-8")}


def _read_html(body: bytes, charset: str | None) -> dict[str, str]:
    return {"body_html": decode_lenient(body, charset or "utf-8")}


_READERS: dict[str, Reader] = {
    "application/json": _read_json,
    "text/json": _read_json,
    "application/x-www-form-urlencoded": _read_form,
    "message/rfc822": _read_mail,
    "text/plain": _read_plain,
    "text/html": _read_html,
}


def _sniff(body: bytes) -> Reader:
    """No usable content type: JSON starts with `{`, an email with a header, a form with `key=`."""
    start = body[:1_000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        return _read_json
    if _EMAIL_HEADER_START.match(start):
        return _read_mail
    if _FORM_BODY.fullmatch(body.strip()):
        return _read_form
    raise EnvelopeError("the body is not JSON, form fields or an email")


def _known_fields(items: Iterable[tuple[object, object]]) -> dict[str, str]:
    """The fields we use, by any of their spellings; the first non-empty spelling wins."""
    found: dict[str, str] = {}
    for key, value in items:
        name = _FIELD_NAMES.get(_NAME_NOISE.sub("", str(key).lower()))
        if name in ("from", "reply_to"):
            _add_address(found, name, value)
        elif name == "reply_to_address":
            found["reply_to"] = found.get("reply_to") or _text(str(key), value)
        elif name and not found.get(name):
            found[name] = _text(str(key), value)
    return found


def _add_address(found: dict[str, str], field: str, value: object) -> None:
    """`from` gives the sender unless `from__email`/`from__name` already did; `reply_to` the same."""
    if isinstance(value, dict):
        address, name = _text(f"{field}.email", value.get("email")), _text(f"{field}.name", value.get("name"))
    else:
        address, name = split_address(_text(field, value))
    prefix = "sender" if field == "from" else "reply_to"
    found[prefix] = found.get(prefix) or address
    found[f"{prefix}_name"] = found.get(f"{prefix}_name") or name


def _text(key: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise EnvelopeError(f'the field "{_one_line(key)}" must be text, not true or false')
    if isinstance(value, int | float):
        return str(value)
    raise EnvelopeError(f'the field "{_one_line(key)}" must be text, not {_json_kind(value)}')


def _json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _envelope(found: dict[str, str]) -> Envelope:
    values = {name: _storable(found.get(name, "")) for name in (field.name for field in fields(Envelope))}
    for name, limit in MAX_HEADER_CHARS.items():
        values[name] = " ".join(values[name].split())[:limit]
    return Envelope(**values)


def _storable(text: str) -> str:
    """No NUL and no lone surrogates: PostgreSQL refuses both."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:120]

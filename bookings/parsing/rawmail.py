"""A whole raw email (message/rfc822) to envelope fields, with the stdlib `email` package.

The stdlib's header parser has known crashes on malformed headers (IndexError,
AttributeError, ...). An order email must never be lost to one, so every header and part
is read defensively: a header that will not parse falls back to its raw text, a part
that will not parse is skipped.
"""

from collections.abc import Iterator
from email import policy
from email.message import Message
from email.parser import BytesParser

MAX_PARTS = 500


class MailUnreadable(Exception):
    """The bytes cannot be parsed as an email at all."""


def split_address(value: str) -> tuple[str, str]:
    """`Jane Doe <jane@example.com>` -> (address, name); a bare address or a bare name also works."""
    name, bracket, rest = value.partition("<")
    if bracket and ">" in rest:
        address = rest.partition(">")[0].strip()
        return (address if "@" in address else ""), name.strip().strip('"').strip()
    value = value.strip()
    return (value, "") if "@" in value and " " not in value else ("", value.strip('"'))


def read_rfc822(body: bytes) -> dict[str, str]:
    try:
        message = BytesParser(policy=policy.default).parsebytes(body)
        plain, html = _bodies(message)
    except RecursionError as error:
        raise MailUnreadable("the email's parts are nested too deeply") from error
    sender, sender_name = _address(message, "from")
    reply_to, reply_to_name = _address(message, "reply-to")
    return {
        "subject": _header(message, "subject"),
        "sender": sender,
        "sender_name": sender_name,
        "reply_to": reply_to,
        "reply_to_name": reply_to_name,
        "body_plain": plain,
        "body_html": html,
        "message_id": _header(message, "message-id"),
    }


def _raw_header(message: Message, name: str) -> str:
    raw = next((str(value) for key, value in message.raw_items() if key.lower() == name), "")
    return " ".join(raw.split())


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # stdlib header-parser crash: see the module docstring
        return _raw_header(message, name)


def _address(message: Message, header: str) -> tuple[str, str]:
    """The first (address, name) of a From or Reply-To header; ("", "") without one."""
    try:
        addresses = getattr(message.get(header), "addresses", ())
    except Exception:  # stdlib header-parser crash: see the module docstring
        addresses = ()
    if addresses:
        return addresses[0].addr_spec, addresses[0].display_name
    return split_address(_raw_header(message, header))


def _bodies(message: Message) -> tuple[str, str]:
    """All inline text/plain parts joined, and all inline text/html parts joined.

    Joining (rather than taking the first) keeps an order that was forwarded as an
    attachment: its text follows the forwarder's note.
    """
    plain: list[str] = []
    html: list[str] = []
    for part in _inline_parts(message):
        content_type = _content_type(part)
        if content_type == "text/plain":
            plain.append(_part_text(part))
        elif content_type == "text/html":
            html.append(_part_text(part))
    return "\n".join(plain), "\n".join(html)


def _inline_parts(message: Message) -> Iterator[Message]:
    for index, part in enumerate(message.walk()):
        if index >= MAX_PARTS:
            return
        if not part.is_multipart() and not _is_attachment(part):
            yield part


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:  # stdlib header-parser crash: see the module docstring
        return True


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # stdlib header-parser crash: see the module docstring
        return ""


def _part_text(part: Message) -> str:
    """The part's text: transfer encoding undone, then its charset (utf-8 if unusable)."""
    try:
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # stdlib parser crash: see the module docstring
        return ""
    if not isinstance(payload, bytes):
        return ""
    return decode_lenient(payload, charset)


def decode_lenient(data: bytes, charset: str) -> str:
    """Mail is messy: undecodable bytes become U+FFFD rather than losing the email."""
    try:
        return data.decode(charset, errors="replace")
    except (LookupError, ValueError):  # unknown charset, or a codec that refuses "replace"
        return data.decode("utf-8", errors="replace")

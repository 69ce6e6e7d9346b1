"""read_envelope: the webhook body as JSON, form fields or a raw email, and nothing else."""

import json
import quopri
from base64 import b64encode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.parsing import Envelope, EnvelopeError, read_envelope
from bookings.parsing.envelope import MAX_BODY_BYTES
from bookings.tests.parsing_support import CANONICAL, EMAILS, parse

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
RFC822 = "message/rfc822"


def json_body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_it_reads_zapier_json():
    body = json_body(
        subject="New order",
        from__email="jane@example.com",
        from__name="Jane Doe",
        body_plain="Song: Blue Moon",
        body_html="<p>Song: Blue Moon</p>",
        message_id="<abc@mail.example.com>",
    )

    assert read_envelope(body, JSON) == Envelope(
        subject="New order",
        sender="jane@example.com",
        sender_name="Jane Doe",
        body_plain="Song: Blue Moon",
        body_html="<p>Song: Blue Moon</p>",
        message_id="<abc@mail.example.com>",
    )


@pytest.mark.parametrize(
    ("sender_fields", "sender", "name"),
    [
        ({"from": "Jane Doe <jane@example.com>"}, "jane@example.com", "Jane Doe"),
        ({"from": '"Doe, Jane" <jane@example.com>'}, "jane@example.com", "Doe, Jane"),
        ({"from": "jane@example.com"}, "jane@example.com", ""),
        ({"from": "Jane Doe"}, "", "Jane Doe"),
        ({"from_email": "jane@example.com", "from_name": "Jane"}, "jane@example.com", "Jane"),
        ({"from": {"email": "jane@example.com", "name": "Jane"}}, "jane@example.com", "Jane"),
        (
            {"from__email": "jane@example.com", "from": "Other <other@example.com>"},
            "jane@example.com",
            "Other",
        ),
    ],
)
def test_it_reads_the_sender_however_it_is_spelled(sender_fields, sender, name):
    envelope = read_envelope(json_body(body_plain="hi", **sender_fields), JSON)

    assert (envelope.sender, envelope.sender_name) == (sender, name)


@pytest.mark.parametrize("key", ["message_id", "message-id", "messageId", "Message-ID"])
def test_it_reads_the_message_id_however_it_is_spelled(key):
    assert read_envelope(json_body(body_plain="hi", **{key: "<m@x>"}), JSON).message_id == "<m@x>"


def test_it_turns_numbers_and_nulls_into_text():
    envelope = read_envelope(json_body(subject=42, body_plain=1.5, message_id=None), JSON)

    assert (envelope.subject, envelope.body_plain, envelope.message_id) == ("42", "1.5", "")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"subject": ["a"]}, 'the field "subject" must be text, not a list'),
        ({"body_plain": {"a": 1}}, 'the field "body_plain" must be text, not an object'),
        ({"subject": True}, 'the field "subject" must be text, not true or false'),
        ({"from": {"email": ["x"]}}, 'the field "from.email" must be text, not a list'),
    ],
)
def test_it_refuses_structured_values_in_text_fields(fields, error):
    with pytest.raises(EnvelopeError, match=error):
        read_envelope(json.dumps(fields).encode(), JSON)


def test_it_ignores_fields_it_does_not_use():
    envelope = read_envelope(json_body(body_plain="hi", attachments=[{"name": "x"}], to__email=5), JSON)

    assert envelope == Envelope(body_plain="hi")


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"{not json", JSON, "the body is not valid JSON"),
        (b"[1, 2]", JSON, "the JSON body is a list, not an object"),
        (b'"text"', JSON, "the JSON body is a string, not an object"),
        (b"null", JSON, "the JSON body is null, not an object"),
        (b'{"body_plain": "caf\xe9"}', JSON, "the body is not valid UTF-8 text"),
        (b"[" * 100_000, JSON, "the body is not valid JSON"),
        (b"{}", "application/json; charset=bogus", "unknown charset 'bogus'"),
        (b"{}", JSON, "no email body"),
        (json_body(subject="  ", body_plain="\n"), JSON, "no email body"),
    ],
)
def test_it_refuses_bad_json(body, content_type, error):
    with pytest.raises(EnvelopeError, match=error):
        read_envelope(body, content_type)


def test_it_accepts_a_byte_order_mark_and_json_subtypes():
    body = b"\xef\xbb\xbf" + json_body(body_plain="hi")

    assert read_envelope(body, "application/vnd.zapier+json; charset=UTF-8").body_plain == "hi"


def test_it_reads_form_fields():
    body = b"subject=New+order&from=Jane+Doe+%3Cjane%40example.com%3E&body_plain=Song%3A+Caf%C3%A9"

    assert read_envelope(body, FORM) == Envelope(
        subject="New order", sender="jane@example.com", sender_name="Jane Doe", body_plain="Song: Café"
    )


def test_it_honours_the_form_charset():
    body = b"body_plain=Caf%E9"

    assert read_envelope(body, f"{FORM}; charset=latin-1").body_plain == "Café"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"body_plain=Caf%E9", "the body is not valid form data"),
        (b"body_plain=hi&oops", "the body is not valid form data"),
        (b"&".join(b"f%d=1" % n for n in range(300)), "the body is not valid form data"),
        (b"subject=", "no email body"),
    ],
)
def test_it_refuses_bad_form_data(body, error):
    with pytest.raises(EnvelopeError, match=error):
        read_envelope(body, FORM)


def test_it_refuses_multipart_form_data():
    with pytest.raises(EnvelopeError, match="multipart/form-data is not supported"):
        read_envelope(b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x")


def test_it_reads_a_raw_gmail_email():
    envelope = read_envelope((EMAILS / "gmail.eml").read_bytes(), RFC822)

    assert envelope.subject == "Session booking – Fly Me to the Moon"
    assert (envelope.sender, envelope.sender_name) == ("jane@example.com", "Jané Doe")
    assert envelope.message_id == "<CAF1234567890@mail.gmail.com>"
    assert "Client name: Jané Doe" in envelope.body_plain
    assert "<div>Instruments: drums, bass guitar, keys, 2 violins</div>" in envelope.body_html


def test_it_hands_a_raw_email_to_the_parser_intact():
    envelope = read_envelope((EMAILS / "gmail.eml").read_bytes(), RFC822)

    order = parse(envelope.body_plain, body_html=envelope.body_html, subject=envelope.subject)

    assert order.client_name == "Jané Doe"
    assert order.seats == parse(CANONICAL).seats
    assert order.windows == parse(CANONICAL).windows


def test_it_decodes_each_part_by_its_charset_and_skips_attachments():
    envelope = read_envelope((EMAILS / "mixed_charsets.eml").read_bytes(), RFC822)

    assert envelope.body_plain == "Café session, details follow.\nSong: Café"
    assert "banjo" not in envelope.body_plain
    assert envelope.sender_name == "Jane Doe"


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable", "8bit"])
def test_it_undoes_transfer_encodings(encoding):
    text = "Song: Café au lait\n"
    payload = {
        "base64": b64encode(text.encode()),
        "quoted-printable": quopri.encodestring(text.encode()),
        "8bit": text.encode(),
    }[encoding]
    headers = f"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {encoding}\n\n"

    assert read_envelope(headers.encode() + payload, RFC822).body_plain.strip() == "Song: Café au lait"


def test_it_falls_back_to_the_raw_header_when_the_stdlib_cannot_parse_it():
    body = b'From: "unterminated <jane@example.com\nSubject: =?utf-8?q?bad?\nMessage-ID: <<>>\n\nhello'

    envelope = read_envelope(body, RFC822)

    assert envelope.body_plain == "hello"


def test_it_reads_a_plain_text_body_alone():
    assert read_envelope("Song: Café".encode(), "text/plain; charset=utf-8") == Envelope(body_plain="Song: Café")


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        (json_body(body_plain="hi"), "body_plain", "hi"),
        (b'  \n{"body_plain": "hi"}', "body_plain", "hi"),
        (b"subject=hi&body_plain=there", "body_plain", "there"),
        (b"From: Jane <jane@example.com>\nSubject: hi\n\nthere", "body_plain", "there"),
        (b"Subject: hi\n\nthere", "subject", "hi"),
        (b"Message-ID: <a@b>\nSubject: hi\n\nthere", "message_id", "<a@b>"),
    ],
)
@pytest.mark.parametrize("content_type", ["", "application/octet-stream", "text/whatever"])
def test_it_sniffs_a_body_without_a_usable_content_type(body, field, value, content_type):
    assert getattr(read_envelope(body, content_type), field) == value


@pytest.mark.parametrize("body", [b"hello there", b"\x00\x01\x02", b"", b"<html>hi</html>"])
def test_it_refuses_a_body_it_cannot_recognise(body):
    with pytest.raises(EnvelopeError, match="the body is not JSON, form fields or an email"):
        read_envelope(body, "")


def test_it_refuses_a_huge_body():
    with pytest.raises(EnvelopeError, match="larger than 10 MB"):
        read_envelope(b" " * (MAX_BODY_BYTES + 1), JSON)


def test_it_removes_characters_a_database_refuses():
    envelope = read_envelope(json_body(subject="a\u0000b", body_plain="lone \ud800 surrogate"), JSON)

    assert (envelope.subject, envelope.body_plain) == ("ab", "lone ? surrogate")


def test_it_keeps_header_fields_to_one_line():
    envelope = read_envelope(json_body(subject="two\nlines", body_plain="hi"), JSON)

    assert envelope.subject == "two lines"


CONTENT_TYPES = st.sampled_from(
    [
        "",
        JSON,
        "application/json; charset=latin-1",
        FORM,
        f"{FORM}; charset=utf-16",
        f"{FORM}; charset=idna",
        RFC822,
        "text/plain",
        "text/plain; charset=unknown-8bit",
        "text/html; charset=utf-7",
        "multipart/form-data",
        "application/octet-stream",
        ";;;charset=",
    ]
)
ROBUST = settings(deadline=500, max_examples=300)


@ROBUST
@given(st.binary(max_size=2_000), CONTENT_TYPES | st.text(max_size=40))
def test_it_only_ever_returns_an_envelope_or_raises_envelope_error(body, content_type):
    try:
        envelope = read_envelope(body, content_type)
    except EnvelopeError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(envelope, Envelope)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from(["subject", "from", "from__email", "from_name", "body_plain", "body_html", "messageId"])


@ROBUST
@given(st.dictionaries(FIELD_NAMES | st.text(max_size=8), JSON_VALUES, max_size=6))
def test_it_reads_any_json_object_or_explains_why_not(fields):
    try:
        envelope = read_envelope(json.dumps(fields).encode(), JSON)
    except EnvelopeError:
        return
    assert "\x00" not in envelope.body_plain + envelope.subject


HEADER_LINES = st.lists(
    st.sampled_from(
        ["From", "Subject", "Message-ID", "Content-Type", "Content-Transfer-Encoding", "To", "X-A"]
    ).flatmap(lambda name: st.binary(max_size=60).map(lambda value: name.encode() + b": " + value)),
    max_size=6,
)


@ROBUST
@given(HEADER_LINES, st.binary(max_size=500))
def test_it_reads_any_email_shaped_bytes_or_explains_why_not(headers, body):
    raw = b"\r\n".join([*headers, b"", body])
    try:
        envelope = read_envelope(raw, RFC822)
    except EnvelopeError as error:
        assert str(error)
    else:
        assert isinstance(envelope, Envelope)


@pytest.mark.parametrize(
    "fields",
    [
        {"reply_to": "Jane Doe <jane@example.com>"},
        {"Reply-To": "Jane Doe <jane@example.com>"},
        {"reply_to": {"email": "jane@example.com", "name": "Jane Doe"}},
        {"reply_to__email": "jane@example.com", "reply_to__name": "Jane Doe"},
    ],
)
def test_it_reads_the_reply_to_however_it_is_spelled(fields):
    envelope = read_envelope(json_body(body_plain="hi", **fields), JSON)

    assert (envelope.reply_to, envelope.reply_to_name) == ("jane@example.com", "Jane Doe")


def test_it_reads_the_reply_to_of_a_raw_email():
    raw = (
        b"From: WPForms <noreply@studio.example>\r\nReply-To: Jane Doe <jane@example.com>\r\n"
        b"Subject: Order\r\n\r\nhi\r\n"
    )

    envelope = read_envelope(raw, "message/rfc822")

    assert (envelope.sender, envelope.reply_to, envelope.reply_to_name) == (
        "noreply@studio.example",
        "jane@example.com",
        "Jane Doe",
    )

"""Undecorating email text: HTML, forwards, quotes, bullets, stars, odd spaces and line endings."""

import pytest

from bookings.parsing.labels import match_label, read_labels
from bookings.parsing.text import MAX_LINES, clean_text, email_lines, html_to_text, strip_bullet
from bookings.tests.parsing_support import CANONICAL, parse


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("<div>one</div><div><br></div><div>two</div>", "one\n\ntwo"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        ("<ul><li>drums</li><li>bass</li></ul>", "- drums\n- bass"),
        ("<p>a&nbsp;&amp;&#8211;&eacute;&lt;b&gt;</p>", "a &–é<b>"),
        ("<style>p {}</style><script>alert(1)</script><p>kept</p>", "kept"),
        ("<head><title>Order</title></head><body>body</body>", "body"),
        ("<p>spread\n   over\n lines</p>", "spread over lines"),
        ("<pre>line one\nline two</pre>", "line one\nline two"),
        ("<table><tr><td>Song:</td><td>Blue Moon</td></tr></table>", "Song: Blue Moon"),
        ('<a href="https://x.com/a.mp3">guide</a>', "guide https://x.com/a.mp3"),
        ('<a href="https://x.com/a.mp3">https://x.com/a.mp3</a>', "https://x.com/a.mp3"),
        ('<a href="mailto:jane@example.com">Jane</a>', "Jane jane@example.com"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
    ],
)
def test_it_turns_html_into_lines(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize("html", ["<![foo[ bar]]>", "<p>kept<![if x]>", "<!--", "<a b='", "</", "<"])
def test_it_survives_malformed_html(html):
    assert isinstance(html_to_text(html), str)


def test_it_keeps_the_text_read_before_malformed_html():
    assert html_to_text("<p>Instruments: drums</p><![foo[ x]]>") == "Instruments: drums"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("Song:\u00a0Blue\u202fMoon", "Song: Blue Moon"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("nul\x00byte", "nulbyte"),
        ("lone \ud800 surrogate", "lone ? surrogate"),
        ("tab\there", "tab here"),
    ],
)
def test_it_cleans_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("line", "stripped"),
    [
        ("- drums", "drums"),
        ("* drums", "drums"),
        ("• drums", "drums"),
        ("– drums", "drums"),
        ("1. drums", "drums"),
        ("12) drums", "drums"),
        ("(3) drums", "drums"),
        ("2 violins", "2 violins"),
        ("2.5 hours", "2.5 hours"),
        ("12/6/2026 10am-1pm", "12/6/2026 10am-1pm"),
    ],
)
def test_it_strips_bullets_and_numbering(line, stripped):
    assert strip_bullet(line) == stripped


@pytest.mark.parametrize(
    ("line", "undecorated"),
    [
        ("> Song: Blue Moon", "Song: Blue Moon"),
        ("> > Song: Blue Moon", "Song: Blue Moon"),
        (">>Song: Blue Moon", "Song: Blue Moon"),
        ("*Song:* Blue Moon", "Song: Blue Moon"),
        ("**Song:** Blue Moon", "Song: Blue Moon"),
        ("Song: *Blue* Moon", "Song: Blue Moon"),
        ("* drums", "* drums"),
        ("2*3", "2*3"),
    ],
)
def test_it_removes_quote_markers_and_emphasis(line, undecorated):
    assert email_lines(line)[0] == [undecorated]


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "-----Original Message-----",
    ],
)
def test_it_drops_forwarding_markers_and_their_header_block(marker):
    text = f"FYI\n{marker}\nFrom: Jane <jane@example.com>\nDate: Mon, Nov 16, 2026 at 9:00 AM\nSubject: Order\n"
    text += "To: orders@example.com\n\nInstruments: drums"

    assert email_lines(text)[0] == ["FYI", "", "Instruments: drums"]


def test_it_drops_an_outlook_header_block_without_a_marker():
    text = "From: Jane Doe\nSent: Monday, November 16, 2026 9:00 AM\nTo: Orders\nSubject: Order\n"
    text += "\nSong: Blue Moon"

    assert email_lines(text)[0] == ["", "Song: Blue Moon"]


def test_it_drops_a_bold_outlook_header_block():
    text = "*From:* Jane Doe\n*Sent:* Monday, November 16, 2026 9:00 AM\n*Subject:* Order\nSong: Blue Moon"

    assert email_lines(text)[0] == ["Song: Blue Moon"]


def test_it_drops_reply_attribution_lines():
    text = "On Mon, Nov 16, 2026 at 9:00 AM Jane <jane@example.com> wrote:\n> Song: Blue Moon"

    assert email_lines(text)[0] == ["Song: Blue Moon"]


def test_it_skips_overlong_lines_with_a_warning():
    lines, warnings = email_lines("Song: Blue Moon\n" + "x" * 1_001 + "\nInstruments: drums")

    assert lines == ["Song: Blue Moon", "Instruments: drums"]
    assert warnings == ["Skipped 1 line(s) longer than 1,000 characters."]


def test_it_reads_only_the_first_lines_of_a_huge_email():
    lines, warnings = email_lines("x\n" * (MAX_LINES + 10))

    assert len(lines) == MAX_LINES
    assert warnings == ["Only the start of a very long email was read."]


def test_it_reads_the_canonical_email_with_windows_line_endings():
    assert parse(CANONICAL.replace("\n", "\r\n")) == parse(CANONICAL)


def test_it_reads_the_canonical_email_decorated_by_mail_clients():
    decorated = "\n".join(f"> *{line.replace(': ', ':* ', 1)}" for line in CANONICAL.splitlines())
    decorated = decorated.replace(" ", "\u00a0")

    order = parse(decorated)

    assert (order.seats, order.windows) == (parse(CANONICAL).seats, parse(CANONICAL).windows)


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Client name: Jane", ("client", "Client name", "Jane")),
        ("- Song title:Blue Moon", ("song", "Song title", "Blue Moon")),
        ("E-MAIL : jane@example.com", ("email", "E-MAIL", "jane@example.com")),
        ("Musicians needed: drums", ("instruments", "Musicians needed", "drums")),
        ("Available time(s):", ("times", "Available time(s)", "")),
        ("https://example.com/x", None),
        ("10:00 AM - 4:00 PM", None),
        ("Favourite colour: blue", None),
    ],
)
def test_it_matches_labels(line, label):
    assert match_label(line) == label


def test_it_ignores_lines_outside_any_label():
    labelled = read_labels(["Hi Dane,", "Song: Blue Moon", "Video: https://youtu.be/x", "Cheers, Jane"])

    assert labelled.values == {"song": ["Blue Moon"], "video": ["https://youtu.be/x"]}

"""GSM-7: names keep their letters, and what a text costs is counted as the network counts it."""

import pytest

from messaging.gsm7 import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    SmsCost,
    _nearest_gsm7,
    is_gsm7,
    sms_cost,
    sms_segments,
    to_gsm7,
)


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("Corazón", "Corazon"),
        ("François", "Francois"),  # ç is not GSM-7 (only Ç is): the nearest letter
        ("Zoë Ångström", "Zoe Ångström"),  # Å and ö are GSM-7 and stay
        ("José Núñez", "José Nuñez"),  # é and ñ are GSM-7; ú is not
        ("Dvořák", "Dvorak"),
        ("Ｆｉｌｅ ﬁle ²", "File file 2"),  # full-width letters, a ligature, a superscript
        ("Łukasz 🎸 漢", "?ukasz ? ?"),  # no nearer letter: "?"
    ],
)
def test_it_falls_back_to_the_nearest_letter_before_a_question_mark(name, plain):
    assert to_gsm7(name) == plain
    assert is_gsm7(to_gsm7(name))


def test_it_keeps_the_whole_gsm7_alphabet_as_it_is():
    assert to_gsm7(GSM7_BASIC + GSM7_EXTENDED) == GSM7_BASIC + GSM7_EXTENDED


def test_an_all_gsm7_text_takes_the_quick_path_and_comes_back_as_it_was():
    text = "Offer: drums for Bench Song, Tue Dec 2, 2:00-5:00 PM EST at Ångström Studio. YES https://s.example/o/a_B-9"

    assert to_gsm7(text) is text  # the very same string: no pass a character was made
    assert to_gsm7(text) == "".join(_nearest_gsm7(char) for char in text)  # what the slow pass would give


def test_one_character_outside_gsm7_still_maps_the_whole_text():
    text = "Offer: drums for “Corazón”\u00a0at 2 PM"

    assert to_gsm7(text) == 'Offer: drums for "Corazon" at 2 PM'
    assert to_gsm7(text) is not text


def test_the_plain_replacements_still_come_first():
    assert to_gsm7("“Fly” — it’s 2\u00a0PM…") == '"Fly" - it\'s 2 PM...'


# What a text costs


def test_a_gsm7_text_of_160_septets_is_one_segment_and_161_is_two():
    assert sms_cost("a" * 160) == SmsCost(encoding="GSM-7", units=160, segments=1)
    assert sms_cost("a" * 161) == SmsCost(encoding="GSM-7", units=161, segments=2)


def test_the_extension_characters_cost_two_septets():
    assert sms_cost("^{}\\[~]|€").units == 18
    assert sms_cost("€" * 80).segments == 1  # 160 septets
    assert sms_cost("€" * 81).segments == 2


def test_long_gsm7_texts_are_153_septets_a_segment():
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("a" * 459) == 3


def test_an_extension_character_is_never_split_across_two_segments():
    # 152 plain septets then "€": its escape and its code would straddle 153, so it moves on.
    assert sms_segments("a" * 152 + "€" + "a" * 152) == 3
    assert sms_segments("a" * 151 + "€" + "a" * 153) == 2


def test_one_character_outside_gsm7_makes_it_ucs2_at_70_and_67():
    assert sms_cost("ó" + "a" * 69) == SmsCost(encoding="UCS-2", units=70, segments=1)
    assert sms_cost("ó" + "a" * 70) == SmsCost(encoding="UCS-2", units=71, segments=2)
    assert sms_segments("ó" + "a" * 133) == 2
    assert sms_segments("ó" + "a" * 134) == 3


def test_an_emoji_is_two_ucs2_units_and_never_split():
    assert sms_cost("🎸").units == 2
    assert sms_segments("a" * 66 + "🎸" + "a" * 66) == 3  # the pair would straddle 67
    assert sms_segments("a" * 65 + "🎸" + "a" * 66) == 2


def test_an_empty_text_is_one_segment():
    assert sms_cost("") == SmsCost(encoding="GSM-7", units=0, segments=1)


def test_what_to_gsm7_makes_costs_gsm7_rates():
    name = "Corazón " * 20

    assert sms_cost(name).encoding == "UCS-2"
    assert sms_cost(to_gsm7(name)) == SmsCost(encoding="GSM-7", units=160, segments=1)

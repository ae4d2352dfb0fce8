import codecs
import gzip

import pytest

from pipeline.capture.decode import decode, gunzip_bounded
from pipeline.errors import RejectedInput

TEXT = "Café society: naïve reporters meet the œuvre of Zoë."


def test_bom_decides_first_even_against_a_declared_charset():
    payload = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    assert decode(payload, content_type="text/html; charset=iso-8859-1") == (TEXT, "utf-16", "bom")


def test_http_charset_beats_meta_charset():
    html = f'<html><head><meta charset="utf-8"></head><body>{TEXT}</body></html>'
    declared = "text/html; charset=windows-1252"
    text, codec, decided_by = decode(html.encode("cp1252"), content_type=declared, is_html=True)
    assert (codec, decided_by) == ("cp1252", "http-charset")
    assert TEXT in text


def test_meta_charset_is_read_from_html():
    body = "Café society: naïve reporters meet Zoë."
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>{body}'
    text, codec, decided_by = decode(html.encode("latin-1"), is_html=True)
    assert (codec, decided_by) == ("iso8859-1", "meta-charset")
    assert body in text


def test_a_wrong_declaration_falls_through_to_detection():
    text, codec, decided_by = decode(TEXT.encode("utf-8"), content_type="text/plain; charset=ascii")
    assert (text, codec, decided_by) == (TEXT, "utf-8", "utf-8-valid")


def test_undeclared_legacy_bytes_are_detected():
    text = (
        "Le gouvernement français a annoncé mercredi une série de mesures destinées à soutenir les "
        "agriculteurs, après plusieurs semaines de manifestations. « Nous avons entendu la colère », a "
        "déclaré le Premier ministre lors d'une conférence de presse à Matignon. Les élèves étaient déjà là."
    )
    decoded, _, decided_by = decode(text.encode("cp1252"))
    assert decided_by == "charset-normalizer"
    assert decoded == text


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ],
)
def test_unusable_bytes_are_rejected_with_a_reason(payload, reason):
    with pytest.raises(RejectedInput) as caught:
        decode(payload)
    assert caught.value.reason == reason


def test_gzip_bomb_is_refused_while_decompressing():
    bomb = gzip.compress(b"a" * 5_000_000)
    with pytest.raises(RejectedInput) as caught:
        gunzip_bounded(bomb, max_bytes=1_000_000)
    assert caught.value.reason == "too_large"
    assert gunzip_bounded(gzip.compress(b"small"), max_bytes=1_000_000) == b"small"


def test_the_cp1252_preference_does_not_swallow_other_scripts():
    text = (
        "Правительство объявило в среду о новых мерах поддержки фермеров после нескольких недель "
        "протестов. Премьер-министр заявил на пресс-конференции, что власти услышали их требования."
    )
    decoded, codec, _ = decode(text.encode("cp1251"))
    assert decoded == text, codec


ARTICLE = (
    "The council met on Monday and approved the budget for the new bridge over the river.\n"
    "Work on the foundations is due to start in the spring, and should take two years.\n"
)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_told_by_its_nul_bytes(codec):
    text = ARTICLE + "Residents said the café was “full” all week.\n"
    assert decode(text.encode(codec)) == (text, codec, "utf-16-nul-pattern")


def test_nul_bytes_that_do_not_decode_to_utf16_text_stay_binary():
    # NULs in every other byte, but the other bytes are control characters: not text in any codec
    payload = bytes(b for i in range(400) for b in (i % 8 + 1, 0))
    with pytest.raises(RejectedInput) as caught:
        decode(payload)
    assert caught.value.reason == "binary"


def test_utf8_with_a_few_cp1252_bytes_is_repaired_and_says_how_many():
    pasted = "He said “yes” – at last.\n".encode("cp1252")  # three cp1252 bytes: 0x93 0x94 0x96
    payload = TEXT.encode("utf-8") + b"\n" + pasted + ARTICLE.encode("utf-8")
    text, codec, decided_by = decode(payload)
    assert text == f"{TEXT}\nHe said “yes” – at last.\n{ARTICLE}"
    assert (codec, decided_by) == ("utf-8", "utf-8-with-cp1252-repairs (3 bytes)")


def test_many_stray_bytes_are_not_repaired_as_utf8():
    # pure cp1252 with no valid UTF-8 sequence at all: detection decides, not the repair
    text = "Les élèves étaient déjà là à l'école. " * 20
    assert decode(text.encode("cp1252"))[2] == "charset-normalizer"

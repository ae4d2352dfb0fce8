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

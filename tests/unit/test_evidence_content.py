"""Evidence files are known by their bytes, not their names; photos lose their metadata;
the store keeps each content once, owner-only, and stops reading past the limit."""

from __future__ import annotations

import io
import stat

import pytest
from PIL import Image

from app.evidence import content
from app.evidence.service import clean_name
from graph.filestore import LocalFileStore, TooLarge
from tests import evidence_samples as samples


@pytest.mark.parametrize(("data", "mime"), [
    (samples.jpeg_with_gps(), "image/jpeg"),
    (samples.png(), "image/png"),
    (samples.webp(), "image/webp"),
    (samples.heic_with_gps(), "image/heic"),
    (samples.pdf_with_text("Invoice"), "application/pdf"),
    ("Plate CA 1234 AB, 3 a.m. — seals new\n".encode(), "text/plain"),
    (samples.docx(), content.DOCX.mime),
    (samples.odt(), "application/vnd.oasis.opendocument.text"),
])
def test_kinds_are_read_from_the_content(data, mime):
    assert content.sniff(data).mime == mime


@pytest.mark.parametrize("data", [
    samples.HTML_PAGE,
    b"  <svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>",
    b"<?xml version='1.0'?><note/>",
    samples.plain_zip(),
    b"PK\x03\x04 not really a zip",
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
    "caf\u00e9".encode("latin-1") + b"\x00\x01",
])
def test_anything_else_is_refused_with_what_is_accepted(data):
    with pytest.raises(content.Refused, match="PDF"):
        content.sniff(data)


def test_a_cleaned_photo_has_no_gps_no_camera_and_no_serial():
    original = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS was there
    cleaned = content.clean_image(original, content.JPEG)
    exif = Image.open(io.BytesIO(cleaned)).getexif()
    assert not exif.get_ifd(0x8825) and not exif
    assert samples.SERIAL.encode() not in cleaned and b"PhoneMaker" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (640, 480)


def test_a_phones_heic_photo_is_kept_as_heic_without_its_metadata():
    original = samples.heic_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS was there
    cleaned = content.clean_image(original, content.HEIC)
    assert content.sniff(cleaned) is content.HEIC
    assert not Image.open(io.BytesIO(cleaned)).getexif()
    assert samples.SERIAL.encode() not in cleaned and b"PhoneMaker" not in cleaned
    small = Image.open(io.BytesIO(content.thumbnail(original)))
    assert small.format == "JPEG" and max(small.size) <= 320


def test_a_thumbnail_is_small_and_has_no_metadata():
    small = content.thumbnail(samples.jpeg_with_gps())
    image = Image.open(io.BytesIO(small))
    assert image.format == "JPEG" and max(image.size) <= 320 and not image.getexif()


def test_text_of_a_pdf_and_of_a_text_file():
    pdf = samples.pdf_with_text("Invoice 77", "Container MSCU1234565")
    assert "MSCU1234565" in content.text_of(pdf, content.PDF)
    assert content.text_of(b"hello", content.TEXT) == "hello"
    assert content.text_of(b"%PDF-1.4 broken", content.PDF) == ""


def test_the_store_keeps_a_content_once_owner_only(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    digest, size = store.put(io.BytesIO(b"evidence"))
    again, _ = store.put(io.BytesIO(b"evidence"))
    assert digest == again and size == 8 and store.exists(digest)
    path = store.path(digest)
    assert path.parent.parent.name == digest[:2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with store.open(digest) as handle:
        assert handle.read() == b"evidence"
    store.delete(digest)
    assert not store.exists(digest)
    assert not store.exists("../../etc/passwd")


class _Endless(io.RawIOBase):
    """A body that never ends: the store must stop reading, not wait for the end."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = b"x" * (size if size and size > 0 else 65536)
        self.read_bytes += len(chunk)
        return chunk


def test_the_store_stops_reading_past_the_limit_and_keeps_nothing(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    body = _Endless()
    with pytest.raises(TooLarge):
        store.put(body, limit=1024 * 1024)
    assert body.read_bytes <= 1024 * 1024 + 65536
    assert not any(p.is_file() for p in (tmp_path / "files").rglob("*"))


@pytest.mark.parametrize(("given", "kept"), [
    ("C:\\Users\\me\\invoice.pdf", "invoice.pdf"),
    ("../../etc/passwd", "passwd"),
    ("plate\x00\n.jpg", "plate.jpg"),
    ("", "file"),
    ("...", "file"),
])
def test_names_are_cleaned(given, kept):
    assert clean_name(given) == kept

"""What an evidence file is, read from its bytes, never from its name: the types Cordon
keeps, image metadata stripping, thumbnails, and the text of PDFs and text files.

Pure functions over bytes: no Flask, no Neo4j.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # phones' HEIC photos: Pillow reads and writes them through libheif
# A photo from a phone is 12 to 50 megapixels; far more is a decompression bomb.
Image.MAX_IMAGE_PIXELS = 80_000_000
THUMBNAIL = (320, 320)
MAX_EXTRACTED = 50_000  # characters of a file's text run through extraction


class Refused(ValueError):
    """The bytes are not a kind of file Cordon keeps; the message says what it accepts."""


@dataclass(frozen=True)
class Kind:
    mime: str
    label: str
    image: bool = False
    text: bool = False  # has text to run through entity extraction


JPEG = Kind("image/jpeg", "JPEG image", image=True)
PNG = Kind("image/png", "PNG image", image=True)
WEBP = Kind("image/webp", "WebP image", image=True)
HEIC = Kind("image/heic", "HEIC photo", image=True)
PDF = Kind("application/pdf", "PDF document", text=True)
TEXT = Kind("text/plain", "text file", text=True)
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel workbook")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint presentation")
ODF = {
    m: Kind(m, label)
    for m, label in (
        ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
        ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
        ("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation"),
    )
}
KINDS = {k.mime: k for k in (JPEG, PNG, WEBP, HEIC, PDF, TEXT, DOCX, XLSX, PPTX,
                              *ODF.values())}
ACCEPTED = "photos (JPEG, PNG, WebP, HEIC), PDF, plain text and office documents (Word, " \
    "Excel, PowerPoint, OpenDocument)"
# ISO base media files whose brand is HEVC-coded HEIF: what phones write as .heic.
_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx")
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
# Text that a browser would run as a page or a picture with scripts is no plain text.
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|\?xml|meta|object)\b",
                     re.IGNORECASE)


def sniff(data: bytes) -> Kind:
    """The kind of ``data`` by its content, or :class:`Refused`."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and (data[8:12] in _HEIC_BRANDS or (
            data[8:12] in (b"mif1", b"msf1") and any(b in data[16:64] for b in _HEIC_BRANDS))):
        return HEIC
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    if _plain_text(data):
        return TEXT
    raise Refused(_("This kind of file is not accepted. Cordon keeps %(accepted)s.",
                    accepted=ACCEPTED))


def _office(data: bytes) -> Kind:
    """An office document by its inner structure (a zip is not enough)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mime = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mime in ODF:
                    return ODF[mime]
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        pass
    raise Refused(_("This archive is no office document. Cordon keeps %(accepted)s.",
                    accepted=ACCEPTED))


def _plain_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _MARKUP.search(data[:65536]) is None


def clean_image(data: bytes, kind: Kind) -> bytes:
    """The image without its metadata (EXIF with GPS and camera serials, XMP, comments),
    turned upright first so dropping the orientation tag does not tip it over."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # HEIF writers copy what info holds (EXIF, XMP) otherwise
            out = io.BytesIO()
            if kind is JPEG:
                upright.convert("RGB").save(out, "JPEG", quality=92)
            elif kind is PNG:
                upright.save(out, "PNG", optimize=False)
            elif kind is HEIC:
                upright.save(out, "HEIF", quality=92)
            else:
                upright.save(out, "WEBP", quality=92)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as exc:
        raise Refused(_("The image cannot be read (%(name)s).",
                        name=exc.__class__.__name__)) from None


def check_image(data: bytes) -> None:
    """Refuse an image Pillow cannot read (a truncated or forged file)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as exc:
        raise Refused(_("The image cannot be read (%(name)s).",
                        name=exc.__class__.__name__)) from None


def thumbnail(data: bytes) -> bytes:
    """A small JPEG of the image, without any metadata, for report and case pages."""
    with Image.open(io.BytesIO(data)) as image:
        small = ImageOps.exif_transpose(image).convert("RGB")
        small.thumbnail(THUMBNAIL)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=80)
        return out.getvalue()


def text_of(data: bytes, kind: Kind) -> str:
    """The text of a PDF or a text file (at most :data:`MAX_EXTRACTED` characters), or ''
    when the file holds none that can be read."""
    if kind is TEXT:
        return data.decode("utf-8", "replace")[:MAX_EXTRACTED]
    if kind is not PDF:
        return ""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    size = 0
    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_EXTRACTED:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return "\n".join(parts)[:MAX_EXTRACTED]
    return "\n".join(parts)[:MAX_EXTRACTED]

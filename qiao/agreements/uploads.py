"""Checking uploaded files before they are kept: size, extension, and what the bytes really are.

A file's name says what it claims to be; its first bytes say what it is. A "contract.pdf" that
is a PNG, or a Windows program renamed ".pdf", is refused with a message that names both. Office
files are ZIP archives, told apart by the parts they contain (`word/document.xml`,
`xl/workbook.xml`). Photos are opened with Pillow, which also refuses images too large to decode
safely (decompression bombs).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.agreements import conf


@dataclass(frozen=True)
class FileType:
    key: str
    label: Any
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    t.key: t
    for t in (
        FileType("pdf", gettext_lazy("a PDF document"), (".pdf",), "application/pdf"),
        FileType(
            "docx",
            gettext_lazy("a Word document (.docx)"),
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            gettext_lazy("an Excel workbook (.xlsx)"),
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType("png", gettext_lazy("a PNG image"), (".png",), "image/png"),
        FileType("jpeg", gettext_lazy("a JPEG image"), (".jpg", ".jpeg"), "image/jpeg"),
        FileType("webp", gettext_lazy("a WebP image"), (".webp",), "image/webp"),
    )
}
DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "png", "jpeg")
PHOTO_TYPES = ("jpeg", "png", "webp")

# What the bytes may turn out to be when they are none of the accepted types, for the message.
_OTHER_KINDS = {
    "exe": gettext_lazy("a Windows program"),
    "elf": gettext_lazy("a program"),
    "zip": gettext_lazy("a ZIP archive"),
    "ole": gettext_lazy("an old-style Office file (.doc/.xls)"),
    "gif": gettext_lazy("a GIF image"),
    "html": gettext_lazy("a web page or script"),
    "unknown": gettext_lazy("not a file type we recognise"),
}


@dataclass(frozen=True)
class CheckedFile:
    """What a checked upload is: its type, content type, size, SHA-256 and a safe name."""

    type: FileType
    size: int
    sha256: str
    name: str
    width: int = 0
    height: int = 0

    @property
    def content_type(self) -> str:
        return self.type.content_type


def _zip_kind(fileobj: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "unknown"
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def sniff(fileobj: IO[bytes]) -> str:
    """The type the bytes show: a key of FILE_TYPES, or one of _OTHER_KINDS."""
    fileobj.seek(0)
    head = fileobj.read(512)
    fileobj.seek(0)
    kind = "unknown"
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = "gif"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(fileobj)
        fileobj.seek(0)
    elif head.startswith(b"MZ"):
        kind = "exe"
    elif head.startswith(b"\x7fELF"):
        kind = "elf"
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "ole"
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if text.startswith((b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml")):
            kind = "html"
    return kind


def _kind_label(kind: str) -> str:
    if kind in FILE_TYPES:
        return str(FILE_TYPES[kind].label)
    return str(_OTHER_KINDS.get(kind, _OTHER_KINDS["unknown"]))


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def safe_name(name: str) -> str:
    """The file's own name, for display and downloads: no path, no control characters."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", _UNSAFE_NAME.sub("_", base)).strip(" .")
    if not base:
        return "file"
    if len(base) > 200:
        suffix = PurePath(base).suffix[:10]
        base = base[: 200 - len(suffix)] + suffix
    return base


def _sha256(fileobj: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    while chunk := fileobj.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def _describe(keys: tuple[str, ...]) -> str:
    exts = sorted({ext for key in keys for ext in FILE_TYPES[key].extensions})
    return ", ".join(exts)


def check_upload(
    upload: Any,
    *,
    field: str,
    allowed: tuple[str, ...] = DOCUMENT_TYPES,
    max_bytes: int | None = None,
) -> CheckedFile:
    """Check an uploaded file (Django UploadedFile or any file object with a name) and return
    what it is; raises ValidationError({field: message}) naming the problem."""
    max_bytes = max_bytes or conf.AGREEMENT_DOCUMENT_MAX_BYTES
    if upload is None:
        raise ValidationError({field: _("Choose a file to upload.")})
    name = safe_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            {
                field: _("The file is too large (%(size)s); at most %(max)s.")
                % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)}
            }
        )
    ext = PurePath(name).suffix.lower()
    claimed = next((k for k in allowed if ext in FILE_TYPES[k].extensions), None)
    if claimed is None:
        raise ValidationError(
            {
                field: _("Files ending in “%(ext)s” are not accepted here. Accepted: %(list)s.")
                % {"ext": ext or _("(no extension)"), "list": _describe(allowed)}
            }
        )
    fileobj = upload.file if hasattr(upload, "file") and upload.file is not None else upload
    sha, real_size = _sha256(fileobj)
    if real_size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if real_size > max_bytes:
        raise ValidationError(
            {
                field: _("The file is too large (%(size)s); at most %(max)s.")
                % {"size": filesizeformat(real_size), "max": filesizeformat(max_bytes)}
            }
        )
    actual = sniff(fileobj)
    if actual != claimed:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is named as %(claimed)s, but its content is %(actual)s. "
                    "Upload the real file."
                )
                % {"name": name, "claimed": _kind_label(claimed), "actual": _kind_label(actual)}
            }
        )
    return CheckedFile(type=FILE_TYPES[claimed], size=real_size, sha256=sha, name=name)


def check_image(upload: Any, *, field: str) -> CheckedFile:
    """A photo: the checks of `check_upload` for JPEG, PNG and WebP, then Pillow must decode it
    within the pixel limit (a tiny file may expand into a huge image)."""
    from PIL import Image, UnidentifiedImageError

    checked = check_upload(
        upload, field=field, allowed=PHOTO_TYPES, max_bytes=conf.AGREEMENT_PHOTO_MAX_BYTES
    )
    fileobj = upload.file if hasattr(upload, "file") and upload.file is not None else upload
    limit = conf.AGREEMENT_PHOTO_MAX_PIXELS
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    {
                        field: _("The image is too large (%(w)s × %(h)s pixels).")
                        % {"w": width, "h": height}
                    }
                )
            image.verify()
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            image.load()  # decode the pixels: a truncated or corrupt image fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError({field: _("The image cannot be read; it may be damaged.")}) from None
    finally:
        fileobj.seek(0)
    return CheckedFile(
        type=checked.type,
        size=checked.size,
        sha256=checked.sha256,
        name=checked.name,
        width=width,
        height=height,
    )

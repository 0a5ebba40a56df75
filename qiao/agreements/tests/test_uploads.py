"""Uploaded files are what their bytes say, not what their names claim; versions never
overwrite; photos are real images within the limits."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.agreements import services
from qiao.agreements.models import Document, DocumentVersion, EventPhoto
from qiao.agreements.tests import factories as f
from qiao.agreements.uploads import check_image, check_upload, safe_name, sniff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (f.PDF, "pdf"),
        (f.png_bytes(), "png"),
        (f.png_bytes(fmt="JPEG"), "jpeg"),
        (f.png_bytes(fmt="WEBP"), "webp"),
        (f.docx_bytes(), "docx"),
        (f.xlsx_bytes(), "xlsx"),
        (b"MZ\x90\x00\x03", "exe"),
        (b"\x7fELF\x02\x01", "elf"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "html"),
        (b"PK\x03\x04not really a zip", "unknown"),
        (b"just some text", "unknown"),
    ],
)
def test_sniff_reads_the_bytes(content, kind):
    assert sniff(io.BytesIO(content)) == kind


def test_a_real_file_passes_with_its_hash_and_type():
    checked = check_upload(SimpleUploadedFile("Contract.PDF", f.PDF), field="file")
    assert checked.type.key == "pdf" and checked.content_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(f.PDF).hexdigest()
    assert checked.size == len(f.PDF)
    assert check_upload(SimpleUploadedFile("plan.docx", f.docx_bytes()), field="f").type.key == (
        "docx"
    )
    assert check_upload(SimpleUploadedFile("kpi.xlsx", f.xlsx_bytes()), field="f").type.key == (
        "xlsx"
    )


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("contract.pdf", f.png_bytes(), "its content is a PNG image"),
        ("contract.pdf", b"MZ\x90\x00" + b"\x00" * 64, "Windows program"),
        ("report.docx", f.xlsx_bytes(), "Excel workbook"),
        ("photo.jpg", f.PDF, "PDF document"),
        ("tool.exe", b"MZ\x90\x00", "not accepted here"),
        ("noext", f.PDF, "not accepted here"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(name, content, says):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content), field="file")
    assert says in error.value.message_dict["file"][0]


def test_oversized_uploads_are_refused(settings):
    from qiao.agreements import conf

    big = SimpleUploadedFile("big.pdf", f.PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as error:
        check_upload(big, field="file", max_bytes=1024)
    assert "too large" in error.value.message_dict["file"][0]
    assert conf.AGREEMENT_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024


def test_names_lose_paths_and_control_characters():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\合同.pdf") == "合同.pdf"
    assert safe_name("a\x00b\nc.pdf") == "a_b_c.pdf"
    assert safe_name("...") == "file"


def test_photos_are_decoded_with_pillow():
    checked = check_image(f.png(size=(30, 20)), field="image")
    assert (checked.width, checked.height) == (30, 20)
    broken = SimpleUploadedFile("broken.png", f.png_bytes()[:40])
    with pytest.raises(ValidationError) as error:
        check_image(broken, field="image")
    assert "cannot be read" in error.value.message_dict["image"][0]
    with pytest.raises(ValidationError):
        check_image(f.pdf("photo.pdf"), field="image")


def test_photo_pixel_limit(monkeypatch):
    from qiao.agreements import conf

    monkeypatch.setattr(conf, "AGREEMENT_PHOTO_MAX_PIXELS", 100)
    with pytest.raises(ValidationError) as error:
        check_image(f.png(size=(20, 20)), field="image")
    assert "too large" in error.value.message_dict["image"][0]


def test_versions_are_kept_side_by_side_under_the_agreement_folder(world, _media_root):
    a = f.agreement(world)
    doc = services.document_create(
        actor=None, agreement=a, kind="signed", title="Signed", file=f.pdf("v1.pdf")
    )
    v2 = services.document_version_add(
        actor=None, document=doc, file=f.pdf("v2.pdf", f.PDF + b"% second\n"), note="Stamped"
    )
    v1 = doc.versions.get(number=1)
    assert (v1.number, v2.number) == (1, 2)
    assert v1.file.name != v2.file.name
    assert v1.file.name.startswith(f"agreements/{a.pk}/documents/")
    assert (_media_root / v1.file.name).read_bytes() == f.PDF
    assert (_media_root / v2.file.name).read_bytes() == f.PDF + b"% second\n"
    assert v1.sha256 != v2.sha256


def test_a_refused_upload_leaves_nothing_behind(world, _media_root):
    a = f.agreement(world)
    with pytest.raises(ValidationError) as error:
        services.document_create(
            actor=None,
            agreement=a,
            kind="signed",
            title="",
            file=SimpleUploadedFile("x.pdf", f.png_bytes()),
        )
    assert set(error.value.message_dict) == {"title", "file"}
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not (_media_root / "agreements").exists()


def test_event_photos(world):
    a = f.agreement(world)
    event = services.event_create(
        actor=None, agreement=a, kind="visit", date=f.today(), title="Study visit"
    )
    photo = services.event_photo_add(actor=None, event=event, image=f.jpeg(), caption="Group")
    assert photo.content_type == "image/jpeg" and photo.width == 8
    with pytest.raises(ValidationError):
        services.event_photo_add(
            actor=None, event=event, image=SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")
        )
    assert EventPhoto.objects.count() == 1

"""Documents with versions, event photos: files checked by `qiao.agreements.uploads`, stored
under MEDIA_ROOT/agreements/<agreement id>/ with random names, never overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qiao.agreements.models import (
    Agreement,
    Document,
    DocumentKind,
    DocumentVersion,
    Event,
    EventPhoto,
)
from qiao.agreements.services._common import audit, errors_or_none, lock, user_or_none
from qiao.agreements.uploads import CheckedFile, check_image, check_upload
from qiao.core.types import Actor


@contextmanager
def removing_files_on_error(names: list[str]) -> Iterator[None]:
    """Delete the files stored in the block if the block fails (the transaction rolls back the
    rows; nothing rolls back the disk)."""
    try:
        yield
    except BaseException:
        for name in names:
            if name:
                default_storage.delete(name)
        raise


def _store(field: Any, upload: Any, name: str, stored: list[str]) -> None:
    """Save an upload through a FileField (without saving the row), remembering the path."""
    upload.seek(0)
    field.save(name, upload, save=False)
    stored.append(field.name)


def _version(
    *, actor: Actor, document: Document, upload: Any, checked: CheckedFile, note: str
) -> DocumentVersion:
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=(note or "").strip()[:255],
        uploaded_by=user_or_none(actor),
    )
    stored: list[str] = []
    with removing_files_on_error(stored):
        _store(version.file, upload, checked.name, stored)
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise ValidationError(
                {"file": _("Someone uploaded a version at the same moment; try again.")}
            ) from None
    return version


@transaction.atomic
def document_create(
    *,
    actor: Actor,
    agreement: Agreement,
    kind: str,
    title: str,
    file: Any,
    note: str = "",
) -> Document:
    """A new document with its first version. The file is checked for what it really is (PDF,
    DOCX, XLSX, PNG or JPEG, matching its extension) and its size."""
    agreement = lock(agreement)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the document a title.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    checked = None
    try:
        checked = check_upload(file, field="file")
    except ValidationError as error:
        errors.update(error.message_dict)
    errors_or_none(errors)
    assert checked is not None
    document = Document.objects.create(
        agreement=agreement,
        kind=kind,
        title=title,
        created_by=user_or_none(actor),
    )
    version = _version(actor=actor, document=document, upload=file, checked=checked, note=note)
    audit(
        actor=actor,
        action="document.create",
        agreement=agreement,
        instance=document,
        changes={"kind": [None, kind], "title": [None, title], "version": [None, version.number]}
        | {k: [None, v] for k, v in version.audit_fields().items()},
    )
    return document


@transaction.atomic
def document_version_add(
    *, actor: Actor, document: Document, file: Any, note: str = ""
) -> DocumentVersion:
    """Upload a new version; earlier versions stay, each with its own file and SHA-256."""
    checked = check_upload(file, field="file")
    Document.objects.select_for_update().filter(pk=document.pk).first()
    version = _version(actor=actor, document=document, upload=file, checked=checked, note=note)
    audit(
        actor=actor,
        action="document.version_add",
        agreement=document.agreement,
        instance=version,
        changes={"document": [None, document.pk]}
        | {k: [None, v] for k, v in version.audit_fields().items()},
    )
    return version


@transaction.atomic
def event_photo_add(*, actor: Actor, event: Event, image: Any, caption: str = "") -> EventPhoto:
    """Add a photo to an event: a real JPEG, PNG or WebP image (decoded with Pillow), within the
    size and pixel limits."""
    checked = check_image(image, field="image")
    caption = (caption or "").strip()
    if len(caption) > 255:
        raise ValidationError({"caption": _("At most 255 characters.")})
    photo = EventPhoto(
        event=event,
        caption=caption,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        width=checked.width,
        height=checked.height,
        sha256=checked.sha256,
        uploaded_by=user_or_none(actor),
    )
    stored: list[str] = []
    with removing_files_on_error(stored):
        _store(photo.image, image, checked.name, stored)
        photo.save()
    audit(
        actor=actor,
        action="event.photo_add",
        agreement=event.agreement,
        instance=photo,
        changes={
            "event": [None, event.pk],
            "original_name": [None, photo.original_name],
            "sha256": [None, photo.sha256],
        },
    )
    return photo

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.agreements.models.agreements import Agreement


def agreement_upload_to(agreement_id: int | None, folder: str, filename: str) -> str:
    """agreements/<agreement id>/<folder>/<random>.<ext>: a new upload never overwrites an old
    one, and the path cannot be guessed. Files are served only by permission-checked views."""
    ext = PurePath(filename).suffix.lower()[:10]
    return f"agreements/{agreement_id}/{folder}/{uuid.uuid4().hex}{ext}"


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    return agreement_upload_to(instance.document.agreement_id, "documents", filename)


class DocumentKind(models.TextChoices):
    SIGNED = "signed", _("Signed agreement")
    DRAFT = "draft", _("Draft")
    ANNEX = "annex", _("Annex")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A document of an agreement (the signed copy, a draft, an annex). Its content lives in
    versions: uploading again adds a version and never replaces an earlier one."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["agreement_id", "kind", "title", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file of a document, numbered from 1, with the SHA-256 of its bytes so that a
    copy can be checked against the one on record. The type was verified from the file's bytes
    (not its name) when it was uploaded."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["document_id", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def audit_fields(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "original_name": self.original_name,
            "sha256": self.sha256,
            "size": self.size,
        }

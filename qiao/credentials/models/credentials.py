"""Issued credentials (immutable) and the share links their holders create."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Organisation, Person
from qiao.credentials.models.achievements import Achievement, ExamResult
from qiao.credentials.models.issuers import Issuer, SigningKey


class CredentialState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


# Everything about a credential except its status is fixed at issuance. A database trigger
# (migration 0002) refuses any UPDATE that changes one of these columns, and `save` refuses
# any write of an existing row other than of STATUS_FIELDS.
IMMUTABLE_COLUMNS = (
    "id",
    "issuer_id",
    "organisation_id",
    "achievement_id",
    "person_id",
    "result_id",
    "signing_key_id",
    "document",
    "sha256",
    "issued_at",
    "valid_from",
    "valid_until",
    "status_list",
    "status_index",
    "issued_by_id",
)
STATUS_FIELDS = ("status", "status_reason", "status_changed_at")


class ImmutableCredentialError(Exception):
    """An attempt to change an issued credential."""


class Credential(models.Model):
    """An Open Badges 3.0 credential exactly as issued: the signed JSON (`document`) and its
    SHA-256, never modified. The recipient is the Person (`person`, how wallets find their
    credentials); inside the document the recipient is only a salted hash of their email.

    Each credential owns entry `status_index` of list `status_list` of its issuer, in both the
    revocation and the suspension list. `status` mirrors those lists for the pages.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="credentials")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="issued_credentials"
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="credentials"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credentials")
    result = models.OneToOneField(
        ExamResult,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credential",
    )
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    document = models.TextField(_("signed credential"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    status_list = models.PositiveIntegerField(_("status list"))
    status_index = models.PositiveIntegerField(_("status entry"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CredentialState.choices, default=CredentialState.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "status_list", "status_index"], name="credential_status_entry"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CredentialState.values), name="credential_status_valid"
            ),
            models.CheckConstraint(condition=Q(status_list__gte=1), name="credential_list_min"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="credential_valid_until_after_from",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-issued_at"]),
            models.Index(fields=["organisation", "-issued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} — {self.person}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; afterwards only the status fields may be written."""
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= set(STATUS_FIELDS):
                raise ImmutableCredentialError(
                    "An issued credential cannot be changed; only its status can."
                )
        super().save(*args, **kwargs)

    def as_json(self) -> dict[str, Any]:
        """The signed credential, parsed."""
        data: dict[str, Any] = json.loads(self.document)
        return data

    @property
    def is_revoked(self) -> bool:
        return self.status == CredentialState.REVOKED

    @property
    def is_suspended(self) -> bool:
        return self.status == CredentialState.SUSPENDED


class ShareLink(models.Model):
    """A link a holder made to show one credential to someone (an employer): anyone with the
    token sees the credential, the holder's name and its verification, until it is revoked."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return f"{self.credential_id} {self.token[:6]}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

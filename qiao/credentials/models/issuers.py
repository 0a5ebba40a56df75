"""Issuers, their signing keys, and the documents published for offline verification."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Organisation


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class Issuer(models.Model):
    """Who signs credentials: an organisation of the alliance, or the alliance itself.

    An organisation's issuer is `did:web:<host>:issuers:<slug>`, its controller document
    published at https://<host>/issuers/<slug>/did.json; the alliance (which signs the trust
    list) is `did:web:<host>` at https://<host>/.well-known/did.json. The DID is fixed when the
    issuer is created: credentials carry it, so it must not follow later changes of SITE_URL.

    `status_next` is the next free entry of the issuer's status lists (each credential takes
    one entry, the same in its revocation and its suspension list); services take it under a
    row lock.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credential_issuer",
        verbose_name=_("organisation"),
    )
    is_alliance = models.BooleanField(_("alliance"), default=False)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    did = models.CharField(_("DID"), max_length=255, unique=True)
    name = models.CharField(_("name"), max_length=300)
    url = models.URLField(_("web site"), blank=True)
    status_next = models.PositiveBigIntegerField(_("next status entry"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-is_alliance", "name"]
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_alliance=True, organisation__isnull=True)
                | Q(is_alliance=False, organisation__isnull=False),
                name="issuer_alliance_xor_organisation",
            ),
            models.UniqueConstraint(
                fields=["is_alliance"], condition=Q(is_alliance=True), name="issuer_one_alliance"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """An Ed25519 key of an issuer. The private half is stored only encrypted under the KEK
    (`secret_wrapped`, with the id of the KEK that wrapped it). One key is active (it signs);
    rotated keys are retired but stay published, so what they signed keeps verifying."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="keys")
    key_name = models.CharField(_("key name"), max_length=40)
    method_id = models.CharField(_("verification method"), max_length=300, unique=True)
    public_key_multibase = models.CharField(_("public key"), max_length=100)
    secret_wrapped = models.TextField(_("encrypted private key"))
    kek_id = models.CharField(_("KEK id"), max_length=32)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["issuer_id", "created_at", "id"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "key_name"], name="key_name_unique"),
            models.UniqueConstraint(
                fields=["issuer"], condition=Q(is_active=True), name="key_one_active_per_issuer"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, retired_at__isnull=True)
                | Q(is_active=False, retired_at__isnull=False),
                name="key_active_xor_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.method_id


class StatusList(models.Model):
    """The signed Bitstring Status List credential of one issuer, purpose and list number, as
    published (regenerated whenever an entry changes, served from here without re-signing)."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(_("purpose"), max_length=16, choices=StatusPurpose.choices)
    number = models.PositiveIntegerField(_("list number"))
    document = models.TextField(_("signed status list credential"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["issuer_id", "purpose", "number"]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "purpose", "number"], name="status_list_unique"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=StatusPurpose.values), name="status_list_purpose_valid"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="status_list_number_min"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.purpose} {self.number}"


class PublishedDocument(models.Model):
    """A signed document served as is (the trust list), re-signed when what it lists changes
    or when it nears the end of its validity."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    content = models.TextField(_("content"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")

    def __str__(self) -> str:
        return self.key

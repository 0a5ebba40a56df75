from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.audit import audit_record, diff, snapshot
from qiao.core.models import ApiToken, Membership, Organisation, Person, Role, User
from qiao.core.permissions import forget_roles
from qiao.core.types import Actor


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    password: str | None = None,
    display_name: str = "",
    is_superuser: bool = False,
    person: Person | None = None,
    language: str = "",
) -> User:
    """Create an account. Without a password the account can only log in after a reset."""
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")})
    user = User(
        email=email,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        language=language,
    )
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if person is not None:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action="user.create",
        instance=user,
        changes={"email": [None, email], "is_superuser": [None, is_superuser]},
    )
    return user


@transaction.atomic
def membership_set(
    *, actor: Actor, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give `user` a role in `organisation` (or change it)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    old = None if created else membership.role
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if created or old != role:
        audit_record(
            actor=actor,
            action="membership.set",
            instance=membership,
            organisation=organisation,
            changes={"user": [None, user.email], "role": [old, role]},
        )
    forget_roles(user)
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    audit_record(
        actor=actor,
        action="membership.remove",
        instance=membership,
        organisation=membership.organisation_id,
        changes={"user": [membership.user.email, None], "role": [membership.role, None]},
    )
    forget_roles(membership.user)
    membership.delete()


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal access token. Returns the token and its secret, shown only once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is too long (at most 100 characters).")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": _("Between 1 and 3650 days.")})
    secret = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[: len(settings.API_TOKEN_PREFIX) + 6],
        token_hash=_hash_token(secret),
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit_record(
        actor=actor, action="api_token.create", instance=token, changes={"name": [None, name]}
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token (at once: the next request with it is refused). Revoking twice is a
    no-op."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            instance=token,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The user a token belongs to, or None; records its last use (at most once a minute)."""
    if not secret or not secret.startswith(settings.API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash_token(secret)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


USER_UPDATABLE = ("display_name", "language", "is_active")


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Save the account's preferred language (one of settings.LANGUAGES; others ignored)."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes and user.language != language:
        old = user.language
        user.language = language
        user.save(update_fields=["language"])
        audit_record(
            actor=user,
            action="user.update",
            instance=user,
            changes={"language": [old, language]},
        )


@transaction.atomic
def user_update(*, actor: Actor, user: User, **fields: Any) -> User:
    """Change an account's display name, language or active flag; audited field by field,
    nothing written when nothing changed."""
    unknown = set(fields) - set(USER_UPDATABLE)
    if unknown:
        raise TypeError(f"user_update cannot change {sorted(unknown)}")
    before = snapshot(user, list(USER_UPDATABLE))
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    changes = diff(before, snapshot(user, list(USER_UPDATABLE)))
    if not changes:
        return user
    user.save(update_fields=list(changes))
    audit_record(actor=actor, action="user.update", instance=user, changes=changes)
    return user

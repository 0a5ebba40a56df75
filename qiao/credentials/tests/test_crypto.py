"""Private keys at rest: AES-GCM under the KEK; a development KEK only in DEBUG/tests."""

from __future__ import annotations

import base64
import os

import pytest

from qiao.credentials import crypto
from qiao.credentials.models import SigningKey
from qiao.credentials.services import issuers

pytestmark = pytest.mark.django_db

KEK = base64.b64encode(b"k" * 32).decode()
OTHER_KEK = base64.b64encode(b"o" * 32).decode()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TESTING = False
    return settings


def test_round_trip_with_the_configured_kek(settings):
    settings.CREDENTIALS_KEK = KEK
    secret = os.urandom(32)
    wrapped, kek_id = crypto.wrap_secret(secret, key_id="did:web:x#key-1")
    assert secret not in base64.b64decode(wrapped)
    assert kek_id == crypto.kek_id(b"k" * 32)
    assert crypto.unwrap_secret(wrapped, key_id="did:web:x#key-1", wrapped_with=kek_id) == secret


def test_the_key_id_is_bound_so_a_wrapped_secret_cannot_be_moved(settings):
    settings.CREDENTIALS_KEK = KEK
    wrapped, kek_id = crypto.wrap_secret(os.urandom(32), key_id="did:web:x#key-1")
    with pytest.raises(crypto.KeyEncryptionError, match="cannot be decrypted"):
        crypto.unwrap_secret(wrapped, key_id="did:web:x#key-2", wrapped_with=kek_id)


def test_a_wrong_kek_is_named_not_guessed(settings):
    settings.CREDENTIALS_KEK = KEK
    wrapped, kek_id = crypto.wrap_secret(os.urandom(32), key_id="k")
    settings.CREDENTIALS_KEK = OTHER_KEK
    with pytest.raises(crypto.KeyEncryptionError, match="Restore the KEK"):
        crypto.unwrap_secret(wrapped, key_id="k", wrapped_with=kek_id)


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_kek_is_refused(settings, value):
    settings.CREDENTIALS_KEK = value
    with pytest.raises(crypto.KeyEncryptionError):
        crypto.current_kek()


def test_development_kek_is_derived_from_the_secret_key_in_tests(settings):
    settings.CREDENTIALS_KEK = ""
    first = crypto.current_kek()
    assert len(first) == 32
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789-abcdefghij"
    assert crypto.current_kek() != first


def test_production_without_kek_refuses_to_create_keys_or_sign(world, production, monkeypatch):
    production.CREDENTIALS_KEK = ""
    monkeypatch.delenv("CREDENTIALS_KEK", raising=False)
    with pytest.raises(crypto.KeyEncryptionError, match="CREDENTIALS_KEK is not set"):
        issuers.issuer_ensure(actor=None, organisation=world.school)
    assert not SigningKey.objects.exists()


def test_production_with_kek_works_and_stores_only_ciphertext(world, production):
    production.CREDENTIALS_KEK = KEK
    issuer = issuers.issuer_ensure(actor=None, organisation=world.school)
    key = issuer.keys.get()
    assert key.kek_id == crypto.kek_id(b"k" * 32)
    pair = issuers.keypair(key)
    assert pair.secret_key_multibase not in key.secret_wrapped
    assert pair.public_key_multibase == key.public_key_multibase


def test_production_refuses_to_sign_with_keys_once_the_kek_is_gone(centre, production):
    production.CREDENTIALS_KEK = ""
    with pytest.raises(crypto.KeyEncryptionError):
        centre.issue()

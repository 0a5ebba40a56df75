"""Test factories for core. They call the real services, so what a test builds is what the
platform would build (validated and audited)."""

from __future__ import annotations

import itertools
from typing import Any

from django.test import Client

from qiao.core.models import Affiliation, Department, Organisation, Person, User
from qiao.core.services import accounts, organisations, people

_seq = itertools.count(1)


def organisation(**fields: Any) -> Organisation:
    n = next(_seq)
    values: dict[str, Any] = {"kind": "enterprise", "name": f"Org {n}", "country": "CN"}
    values.update(fields)
    return organisations.organisation_create(actor=None, **values)


def department(org: Organisation, **fields: Any) -> Department:
    values: dict[str, Any] = {"name": f"Department {next(_seq)}"}
    values.update(fields)
    return organisations.department_create(actor=None, organisation=org, **values)


def person(**fields: Any) -> Person:
    values: dict[str, Any] = {"family_name": "Test", "given_name": f"Person{next(_seq)}"}
    values.update(fields)
    return people.person_create(actor=None, **values)


def student(org: Organisation, *, number: str | None = None, **fields: Any) -> Person:
    """A person with a student affiliation at `org`."""
    p = person(**fields)
    people.affiliation_create(
        actor=None,
        person=p,
        organisation=org,
        kind="student",
        student_number=number or f"N{next(_seq):06d}",
    )
    return p


def affiliation(p: Person, org: Organisation, kind: str, **fields: Any) -> Affiliation:
    return people.affiliation_create(actor=None, person=p, organisation=org, kind=kind, **fields)


def user(email: str | None = None, **fields: Any) -> User:
    return accounts.user_create(
        actor=None, email=email or f"user{next(_seq)}@test.example", password="pw-9-long", **fields
    )


def client_for(u: User | None) -> Client:
    c = Client()
    if u is not None:
        c.force_login(u)
    return c


def body(response: Any) -> bytes:
    """The bytes of a response, streamed (CSV exports) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)

"""The demo alliance: real organisations of the background documents, fictional partners
abroad, fictional people. Idempotent: loading twice adds nothing twice.

Higher apps add their part (agreements, placements, credentials…) with `register_demo_loader`;
`qiao load_demo` runs core first, then every registered loader in order.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from qiao.core.audit import audit_record
from qiao.core.models import (
    Affiliation,
    AffiliationKind,
    Department,
    Membership,
    Organisation,
    Person,
    Role,
    User,
)
from qiao.core.services import accounts as account_services
from qiao.core.services import organisations as org_services
from qiao.core.services import people as people_services

DATA = Path(__file__).parent / "demo_data"
DEMO_PASSWORD = "qiao-demo-2026"  # noqa: S105 - printed by `make demo`; demo data only

Loader = Callable[[Callable[[str], None]], None]
_loaders: list[tuple[int, str, Loader]] = []


def register_demo_loader(name: str, loader: Loader, order: int = 100) -> None:
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, loader))
        _loaders.sort(key=lambda item: item[0])


@dataclass(frozen=True)
class Persona:
    key: str
    label: str
    email: str
    display_name: str
    org_key: str | None
    role: str | None
    affiliation: str | None = None
    superuser: bool = False


PERSONAS = [
    Persona(
        "admin",
        "Platform administrator",
        "admin@qiao.demo",
        "Alex Admin",
        None,
        None,
        superuser=True,
    ),
    Persona(
        "coordinator",
        "School coordinator (SZPT)",
        "coordinator@szpt.demo",
        "Lin Xiaoyu",
        "szpt",
        Role.COORDINATOR,
        "staff",
    ),
    Persona(
        "coordinator_sziit",
        "School coordinator (SZIIT)",
        "coordinator@sziit.demo",
        "Zhou Mingyue",
        "sziit",
        Role.COORDINATOR,
        "staff",
    ),
    Persona(
        "enterprise",
        "Enterprise manager (ZTE)",
        "manager@zte.demo",
        "Chen Haoran",
        "zte",
        Role.COORDINATOR,
        "staff",
    ),
    Persona(
        "enterprise_tencent",
        "Enterprise manager (Tencent)",
        "manager@tencent.demo",
        "Huang Yiting",
        "tencent",
        Role.COORDINATOR,
        "staff",
    ),
    Persona(
        "teacher",
        "Teacher (SZPT)",
        "teacher@szpt.demo",
        "Wu Jianguo",
        "szpt",
        Role.MEMBER,
        "teacher",
    ),
    Persona(
        "mentor",
        "Enterprise mentor (ZTE)",
        "mentor@zte.demo",
        "Sun Lei",
        "zte",
        Role.MEMBER,
        "mentor",
    ),
    Persona(
        "student", "Student (SZPT)", "student@szpt.demo", "Liu Yang", "szpt", Role.VIEWER, "student"
    ),
    Persona(
        "org_admin",
        "Organisation admin (SZPT)",
        "orgadmin@szpt.demo",
        "Guo Wen",
        "szpt",
        Role.ADMIN,
        "staff",
    ),
    Persona(
        "outsider", "Outsider (no organisation)", "outsider@qiao.demo", "Olive Outsider", None, None
    ),
]

# Students per school key, for about 2,000 in all.
STUDENTS = {
    "szpt": 3000,
    "sziit": 560,
    "kijani-hills": 220,
    "papyrus-valley": 200,
    "golden-orchid": 200,
    "karang-biru": 180,
}
TEACHERS_PER_SCHOOL = 12
MENTORS_PER_ENTERPRISE = 6


def demo_logins() -> list[tuple[str, str]]:
    return [(p.label, p.email) for p in PERSONAS]


def _load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _organisations(say: Callable[[str], None]) -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    created = 0
    for row in _load_json("organisations.json"):
        org = Organisation.objects.filter(name=row["name"], country=row["country"]).first()
        if org is None:
            org = org_services.organisation_create(
                actor=None,
                kind=row["kind"],
                name=row["name"],
                name_en=row.get("name_en", ""),
                name_local=row.get("name_local", ""),
                country=row["country"],
                city=row.get("city", ""),
                website=row.get("website", ""),
                short_name=row.get("short_name", "")[:40],
            )
            created += 1
        orgs[row["key"]] = org
        local = row["country"] == "CN"
        depts = {d.name: d for d in org.departments.all()}
        dept_by_key: dict[str, Department] = {}
        for d in row.get("departments", []):
            dept = depts.get(d["name_en"])
            if dept is None:
                dept = org_services.department_create(
                    actor=None,
                    organisation=org,
                    name=d["name_en"],
                    name_en=d["name_en"],
                    name_local=d.get("name_zh", "") if local else "",
                )
            dept_by_key[d["key"]] = dept
        majors = set(org.majors.values_list("code", flat=True))
        teaching = [
            d
            for k, d in dept_by_key.items()
            if k.startswith(
                ("school", "computer", "software", "electronic", "ict", "dept", "faculty")
            )
        ]
        for i, m in enumerate(row.get("majors", [])):
            if m["code"] in majors:
                continue
            org_services.major_create(
                actor=None,
                organisation=org,
                code=m["code"],
                name=m["name_en"],
                name_en=m["name_en"],
                name_local=m.get("name_zh", "") if local else "",
                department=teaching[i % len(teaching)] if teaching else None,
            )
    say(f"organisations: {len(orgs)} ({created} new)")
    return orgs


def _personas(orgs: dict[str, Organisation], say: Callable[[str], None]) -> None:
    for p in PERSONAS:
        user = User.objects.filter(email=p.email).first()
        if user is None:
            user = account_services.user_create(
                actor=None,
                email=p.email,
                password=DEMO_PASSWORD,
                display_name=p.display_name,
                is_superuser=p.superuser,
            )
        if p.org_key and p.role:
            org = orgs[p.org_key]
            if not Membership.objects.filter(user=user, organisation=org).exists():
                account_services.membership_set(
                    actor=None, user=user, organisation=org, role=p.role
                )
        if hasattr(user, "person"):
            continue
        family, given = [*p.display_name.split(" ", 1), ""][:2]
        cn = p.org_key in ("szpt", "sziit", "zte", "tencent")
        person = people_services.person_create(
            actor=None,
            family_name=family if cn else given,
            given_name=given if cn else family,
            family_name_first=cn,
            email=p.email,
            nationality="CN" if cn else "",
            date_of_birth=dt.date(2005, 3, 14) if p.affiliation == "student" else None,
        )
        person.user = user
        person.save(update_fields=["user"])
        if p.org_key and p.affiliation:
            org = orgs[p.org_key]
            extra: dict[str, Any] = {}
            if p.affiliation == "student":
                major = org.majors.order_by("code").first()
                extra = {"student_number": "SZPT2024000", "major": major, "cohort_year": 2024}
            elif p.affiliation == "teacher":
                extra = {"title": "Associate Professor"}
            elif p.affiliation == "mentor":
                extra = {"title": "Senior Engineer"}
            people_services.affiliation_create(
                actor=None,
                person=person,
                organisation=org,
                kind=p.affiliation,
                start=dt.date(2024, 9, 1),
                **extra,
            )
    say(f"demo logins: {len(PERSONAS)}")


def _name(rng: random.Random, names: dict[str, Any], female: bool) -> tuple[str, str, str, bool]:
    family = rng.choice(names["family"])
    given = rng.choice(names["given_female" if female else "given_male"])
    family_first = names.get("name_order") == "family_first"
    if family_first:
        native = family["native"] + given["native"]
    else:
        native = f"{given['native']} {family['native']}"
    return family["latin"], given["latin"], native, family_first


def _people(orgs: dict[str, Organisation], say: Callable[[str], None]) -> None:
    names = _load_json("names.json")
    rng = random.Random(2026)  # fixed seed: the same demo every time
    persons: list[Person] = []
    affs: list[tuple[int, Affiliation]] = []
    existing_numbers = set(
        Affiliation.objects.filter(kind=AffiliationKind.STUDENT).values_list(
            "organisation_id", "student_number"
        )
    )
    existing_staff = set(
        Person.objects.filter(email__endswith=".demo").values_list("email", flat=True)
    )
    for key, count in STUDENTS.items():
        org = orgs[key]
        country = org.country.code
        pool = names.get(country, names["CN"])
        majors = list(org.majors.all())
        prefix = (org.short_name or key).upper().replace("-", "")[:6]
        for i in range(count):
            cohort = 2023 + i % 3
            number = f"{prefix}{cohort}{i:04d}"
            # Draw names even when skipping, so the sequence (and names) stay stable.
            female = rng.random() < 0.5
            family, given, native, family_first = _name(rng, pool, female)
            dob = dt.date(cohort - 18, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
            if (org.pk, number) in existing_numbers:
                continue
            person = Person(
                family_name=family,
                given_name=given,
                native_name=native
                if native.replace(" ", "") != (family + given).replace(" ", "")
                else "",
                family_name_first=family_first,
                email=f"{number.lower()}@students.{key}.demo",
                date_of_birth=dob,
                nationality=country,
            )
            persons.append(person)
            affs.append(
                (
                    len(persons) - 1,
                    Affiliation(
                        organisation=org,
                        kind=AffiliationKind.STUDENT,
                        student_number=number,
                        major=majors[i % len(majors)] if majors else None,
                        department=majors[i % len(majors)].department if majors else None,
                        cohort_year=cohort,
                        start=dt.date(cohort, 9, 1),
                    ),
                )
            )
    for key, org in orgs.items():
        if org.is_school:
            kind, count, title = AffiliationKind.TEACHER, TEACHERS_PER_SCHOOL, "Lecturer"
        elif org.kind == "enterprise":
            kind, count, title = AffiliationKind.MENTOR, MENTORS_PER_ENTERPRISE, "Engineer"
        else:
            continue
        pool = names.get(org.country.code, names["CN"])
        for i in range(count):
            female = rng.random() < 0.5
            family, given, native, family_first = _name(rng, pool, female)
            email = f"{kind}{i + 1:02d}@{key}.demo"
            if email in existing_staff:
                continue
            persons.append(
                Person(
                    family_name=family,
                    given_name=given,
                    native_name=native
                    if native.replace(" ", "") != (family + given).replace(" ", "")
                    else "",
                    family_name_first=family_first,
                    email=email,
                    nationality=org.country.code,
                )
            )
            affs.append(
                (
                    len(persons) - 1,
                    Affiliation(
                        organisation=org, kind=kind, title=title, start=dt.date(2020 + i % 5, 9, 1)
                    ),
                )
            )
    if not persons:
        say("people: nothing new")
        return
    created = Person.objects.bulk_create(persons, batch_size=500)
    for index, aff in affs:
        aff.person = created[index]
    Affiliation.objects.bulk_create([a for _i, a in affs], batch_size=500)
    audit_record(
        actor=None,
        action="demo.load_people",
        object_type="core.person",
        object_repr=f"{len(created)} demo people",
        changes={"created": [0, len(created)]},
    )
    say(f"people: {len(created)} new")


@transaction.atomic
def load_core(say: Callable[[str], None]) -> None:
    orgs = _organisations(say)
    _personas(orgs, say)
    _people(orgs, say)


def load_all(say: Callable[[str], None] = print) -> None:
    load_core(say)
    for _order, name, loader in _loaders:
        say(f"— {name}")
        loader(say)

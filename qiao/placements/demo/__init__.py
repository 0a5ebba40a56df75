"""The demo's placements: ZTE's and Tencent's sites and openings, one opening blocked by a
compliance rule, and a completed round over Shenzhen Polytechnic's students with a published
allocation (the student persona placed, with her explanation). Idempotent and fast: the round
is built once, preferences are written in bulk, and the allocation runs in-process."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qiao.core.audit import audit_record
from qiao.core.models import Major, Organisation, Person, User
from qiao.placements import services
from qiao.placements.demo.data import BLOCKED, OPENINGS, SITES, TENCENT_OPENINGS, OpeningSpec
from qiao.placements.models import (
    Opening,
    OpeningStatus,
    PlacementRound,
    PlacementState,
    Preference,
    RoundCandidate,
    Site,
)
from qiao.placements.services.openings import BlockedByCompliance

ROUND_NAME = "2027 spring post-internship round (SZPT × ZTE)"
ORG_NAMES = {
    "szpt": "Shenzhen Polytechnic",
    "zte": "ZTE Corporation",
    "sziit": "Shenzhen Institute of Information Technology",
    "tencent": "Tencent",
}
WORKFORCE = {"zte": 74000, "tencent": 108000}
SKILLS = {
    "5G RAN commissioning intern": [("NET-5G-BTS", 3), ("NET-5G-RAN", 2)],
    "Core network test intern": [("NET-5G-CORE", 3), ("NET-4G-EPC", 2)],
    "Network operations intern": [("NET-OPS", 3), ("NET-RS", 2)],
    "Data-centre operations intern": [("CLD-VIRT", 2), ("SW-LINUX", 3)],
    "Cloud platform support intern": [("CLD-PLAT", 3), ("SW-LINUX", 2)],
    "Software testing intern": [("SW-ENG-TEST", 3), ("SW-PY", 2)],
    "Big data engineering intern": [("SW-PY", 3)],
    "AI application intern": [("SW-PY", 3)],
    "Smart-city IoT intern": [("HW-ELEC", 2), ("NET-WLAN", 2)],
    "Cloud development studio intern": [("CLD-PLAT-PUB", 2), ("SW-PY", 2)],
    "Tencent Cloud operations intern": [("CLD-PLAT", 3)],
}


def _orgs() -> dict[str, Organisation]:
    found = {}
    for key, name in ORG_NAMES.items():
        org = Organisation.objects.filter(name=name, country="CN").first()
        if org is not None:
            found[key] = org
    return found


def _agreement(school: Organisation, host: Organisation) -> Any:
    from qiao.agreements.models import Agreement

    return (
        Agreement.objects.filter(parties__organisation=school, kind="framework")
        .filter(pk__in=Agreement.objects.filter(parties__organisation=host).values("pk"))
        .order_by("pk")
        .first()
    )


def _sites(orgs: dict[str, Organisation]) -> dict[str, Site]:
    sites = {}
    for spec in SITES:
        host, school = orgs[spec.host], orgs[spec.school]
        site = Site.objects.filter(host=host, name=spec.name).first()
        if site is None:
            site = services.site_create(
                actor=None,
                name=spec.name,
                name_en=spec.name_en,
                kind=spec.kind,
                host=host,
                school=school,
                agreement=_agreement(school, host),
                address=spec.address,
                city=spec.city,
                country="CN",
                capacity=spec.capacity,
                facilities=spec.facilities,
                contact_name="Placement office",
                contact_email=f"placements@{spec.host}.demo",
            )
        sites[spec.key] = site
    return sites


def _opening(
    spec: OpeningSpec, site: Site, school: Organisation, start: dt.date, mentors: list[Person]
) -> tuple[Opening, bool]:
    existing = Opening.objects.filter(school=school, title=spec.title).first()
    if existing is not None:
        return existing, False
    end = start + dt.timedelta(days=150)
    majors = list(Major.objects.filter(organisation=school, code__in=spec.majors))
    fields: dict[str, Any] = {
        "school": school,
        "host": site.host,
        "site": site,
        "title": spec.title,
        "description": spec.description or f"{spec.title} at {site.name_en}.",
        "kind": spec.kind,
        "start": start,
        "end": end,
        "seats": spec.seats,
        "hours_per_day": Decimal(spec.hours),
        "days_per_week": spec.days,
        "pay_amount": Decimal(spec.pay),
        "probation_wage": Decimal(spec.probation) if spec.probation else None,
        "accommodation": spec.site == "zte-ict-base",
        "insurer": "PICC Property and Casualty",
        "insurance_from": start,
        "insurance_to": end,
        "post_headcount": spec.seats * 6,
        "host_workforce": WORKFORCE.get("zte" if "zte" in spec.site else "tencent"),
        **spec.extra,
    }
    from qiao.skills.models import Skill

    wanted = dict(SKILLS.get(spec.title, []))
    skills = [(s, wanted[s.code]) for s in Skill.objects.filter(code__in=wanted).order_by("code")]
    languages = [("zh", "B2")] + ([("en", "B1")] if site.host.name == "Tencent" else [])
    opening = services.opening_create(
        actor=None,
        majors=majors,
        mentors=mentors,
        skills=skills,
        languages=languages,
        **fields,
    )
    return opening, True


def _openings(
    orgs: dict[str, Organisation], sites: dict[str, Site], say: Callable[[str], None]
) -> list[Opening]:
    start = timezone.localdate() + dt.timedelta(days=45)
    zte_mentors = list(
        Person.objects.filter(affiliations__organisation=orgs["zte"], affiliations__kind="mentor")
        .distinct()
        .order_by("pk")[:4]
    )
    created = 0
    round_openings = []
    for spec in OPENINGS:
        o, new = _opening(spec, sites[spec.site], orgs["szpt"], start, zte_mentors[:2])
        created += new
        if o.status == OpeningStatus.DRAFT:
            services.opening_publish(actor=None, opening=o)
            o.refresh_from_db()
        round_openings.append(o)
    for spec in TENCENT_OPENINGS:
        o, new = _opening(spec, sites[spec.site], orgs["sziit"], start, [])
        created += new
        if o.status == OpeningStatus.DRAFT:
            services.opening_publish(actor=None, opening=o)
    blocked, new = _opening(BLOCKED, sites[BLOCKED.site], orgs["szpt"], start, [])
    created += new
    if blocked.status == OpeningStatus.DRAFT:
        try:
            services.opening_publish(actor=None, opening=blocked)
        except BlockedByCompliance as exc:
            if new:
                say(f"placements: “{blocked.title}” blocked — {exc.violations[0].message_en}")
    say(f"placements: {len(sites)} sites, {created} new openings")
    return round_openings


def _ranked_choices(
    rng: random.Random, major_code: str | None, openings: list[tuple[Opening, OpeningSpec]]
) -> list[int]:
    """Four or five choices, mostly relevant to the student's major, weighted by popularity;
    now and then an irrelevant one (which the allocation then reports as ineligible)."""
    relevant = [(o, s) for o, s in openings if not s.majors or major_code in s.majors]
    other = [(o, s) for o, s in openings if (o, s) not in relevant]
    k = rng.choice([3, 4, 4, 5])
    picks: list[int] = []
    pool = list(relevant)
    while pool and len(picks) < k:
        weights = [s.popularity for _o, s in pool]
        o, s = rng.choices(pool, weights=weights)[0]
        pool.remove((o, s))
        picks.append(o.pk)
    if other and rng.random() < 0.08:
        picks.insert(rng.randrange(len(picks) + 1), rng.choice(other)[0].pk)
    return picks[:5]


@transaction.atomic
def _round(
    orgs: dict[str, Organisation], openings: list[Opening], say: Callable[[str], None]
) -> None:
    if PlacementRound.objects.filter(name=ROUND_NAME, school=orgs["szpt"]).exists():
        say("placements: demo round already there")
        return
    coordinator = User.objects.filter(email="coordinator@szpt.demo").first()
    now = timezone.now()
    rnd = services.round_create(
        actor=None,
        school=orgs["szpt"],
        name=ROUND_NAME,
        openings=openings,
        ranking_opens=now - dt.timedelta(days=21),
        ranking_closes=now - dt.timedelta(days=7),
        respond_by=now + dt.timedelta(days=10),
        max_choices=5,
        priority_mode="scoring",
        weight_grades=Decimal(1),
        weight_skills=Decimal(0),
        weight_interview=Decimal(0),
    )
    if coordinator is not None:
        PlacementRound.objects.filter(pk=rnd.pk).update(created_by=coordinator)
        rnd.refresh_from_db()
    services.round_open(actor=None, placement_round=rnd)
    rng = random.Random(2027)
    specs = {s.title: s for s in OPENINGS}
    pairs = [(o, specs[o.title]) for o in openings]
    candidates = list(rnd.candidates.select_related("major", "person__user").order_by("pk"))
    prefs = []
    persona: RoundCandidate | None = None
    for cand in candidates:
        cand.grade_average = Decimal(rng.randint(6000, 9800)) / 100
        user = cand.person.user
        if user is not None and user.email == "student@szpt.demo":
            persona = cand
            continue
        code = cand.major.code if cand.major else None
        for i, oid in enumerate(_ranked_choices(rng, code, pairs)):
            prefs.append(Preference(candidate=cand, opening_id=oid, position=i + 1))
    if persona is not None:
        # Her first choice is the most sought-after lab, where her grades fall short; her
        # second is a large base that takes her — so her result has an explanation to read.
        persona.grade_average = Decimal("78.50")
        code = persona.major.code if persona.major else None
        mine = [o for o, s in pairs if not s.majors or code in s.majors]
        mine.sort(key=lambda o: (-specs[o.title].popularity / o.seats, o.pk))
        wide = max(mine, key=lambda o: (o.kind == "post_internship", o.seats, -o.pk))
        order = [mine[0].pk, wide.pk] if mine[0].pk != wide.pk else [wide.pk]
        for i, oid in enumerate(order):
            prefs.append(Preference(candidate=persona, opening_id=oid, position=i + 1))
    RoundCandidate.objects.bulk_update(candidates, ["grade_average"], batch_size=1000)
    Preference.objects.bulk_create(prefs, batch_size=2000)
    audit_record(
        actor=None,
        action="demo.placements.preferences",
        instance=rnd,
        organisation=rnd.school_id,
        changes={"preferences": [0, len(prefs)]},
    )
    services.round_close_ranking(actor=None, placement_round=rnd)
    run = services.run_create(actor=None, placement_round=rnd, options={"seed": 20270301})
    run = services.run_execute(run_id=run.pk, job_id=str(run.job_id or ""))
    offers = services.run_publish(actor=None, run=run)
    # Most students have answered already; the persona has not (she can try it in the demo).
    answered = [
        p.pk
        for p in rnd.placements.exclude(student__user__email="student@szpt.demo").order_by("pk")
        if rng.random() < 0.7
    ]
    declined = answered[::12]
    rnd.placements.filter(pk__in=answered).exclude(pk__in=declined).update(
        state=PlacementState.ACCEPTED, responded_at=now
    )
    rnd.placements.filter(pk__in=declined).update(state=PlacementState.DECLINED, responded_at=now)
    m = run.metrics
    say(
        f"placements: round of {m['students']} students, {m['placed']} placed, "
        f"first choice {100 * m['first_choice_share']:.0f}%, {offers} offers"
    )


def load_demo_placements(say: Callable[[str], None]) -> None:
    """The demo's part (registered with core's demo loader; idempotent)."""
    orgs = _orgs()
    missing = set(ORG_NAMES) - set(orgs)
    if missing:
        say(f"placements: skipped (organisations missing: {', '.join(sorted(missing))})")
        return
    with transaction.atomic():
        sites = _sites(orgs)
        openings = _openings(orgs, sites, say)
    _round(orgs, openings, say)
    from qiao.placements.demo.lifecycle import load_demo_lifecycle

    load_demo_lifecycle(orgs, say)

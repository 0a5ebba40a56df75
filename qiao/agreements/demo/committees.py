"""The demo's committees: the SZIIT–Tencent cooperation management committee (established at
the signing, "the highest decision-making body of the long-term cooperation") with a year of
meetings, minutes, decisions and action items — some done on time, some late, some open, one
overdue — and a smaller SZPT–ZTE committee. Every member is fictional; the demo personas
coordinator@sziit.demo, manager@tencent.demo, coordinator@szpt.demo and manager@zte.demo sit
on them and own action items, so "My action items" is not empty.

Dates count back from the day the demo is loaded, so the open items stay open and exactly one
is overdue. Idempotent: a committee is found by its name on its agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from qiao.agreements import services
from qiao.agreements.models import Agreement, Commitment, Committee
from qiao.core.models import Organisation, Person
from qiao.core.services import people as people_services


@dataclass(frozen=True)
class Member:
    email: str
    org: str
    role: str
    # For a fictional member created here: family name, given name, native name, title.
    new: tuple[str, str, str, str] | None = None


# (text, owner email, due in days after the meeting, outcome) — outcome: "on_time" (done
# before the due date), "late" (done after it), "open", "in_progress", "overdue", "cancelled".
Item = tuple[str, str, int, str]


@dataclass
class DemoMeeting:
    days_ago: int
    title: str
    place: str
    agenda: str
    minutes: str
    attendees: list[str]
    # (decision text, commitment area codes it is about, action items)
    decisions: list[tuple[str, list[str], list[Item]]] = field(default_factory=list)


@dataclass
class DemoCommittee:
    reference: str
    name: str
    charter: str
    members: list[Member]
    meetings: list[DemoMeeting]


SZIIT_CHARTER = """\
The **cooperation management committee** is the highest decision-making body of the long-term
cooperation between SZIIT and Tencent, established when the strategic cooperation agreement was
signed on 11 May 2022.

## Remit

- steer the six aspects of the agreement: party building, the talent training system, the
  teacher team and curriculum, the smart campus, school–enterprise studios and the off-campus
  training base cluster;
- approve the yearly plan and review the KPIs of every commitment;
- follow up every decision with action items, each with an owner and a due date.

## Meetings

The committee meets at least once a quarter, alternately at SZIIT and at Tencent. The secretary
keeps the minutes and circulates them within a week.
"""

SZPT_CHARTER = """\
The joint committee of the SZPT–ZTE framework agreement reviews the joint laboratory, the
certification training centre and the international programmes twice a year.
"""


def _minutes(*points: str) -> str:
    return "## Discussion\n\n" + "\n".join(f"- {p}" for p in points) + "\n"


SZ = "coordinator@sziit.demo"
TC = "manager@tencent.demo"
CHAIR = "president@sziit.demo"
VICE = "vp@tencent.demo"
DEAN = "dean.ai@sziit.demo"
LEAD = "lead.edu@tencent.demo"

COMMITTEES = [
    DemoCommittee(
        reference="SZIIT-TENCENT-2022",
        name="SZIIT–Tencent cooperation management committee",
        charter=SZIIT_CHARTER,
        members=[
            Member(CHAIR, "sziit", "chair"),
            Member(VICE, "tencent", "vice_chair"),
            Member(SZ, "sziit", "secretary"),
            Member(TC, "tencent", "member"),
            Member(DEAN, "sziit", "member", ("Tan", "Yuhang", "谭宇航", "Dean, School of AI")),
            Member(
                LEAD, "tencent", "member", ("Meng", "Qiaoyun", "孟巧云", "Education programme lead")
            ),
        ],
        meetings=[
            DemoMeeting(
                330,
                "Committee meeting: yearly plan",
                "SZIIT, administration building, room 301",
                "1. The yearly plan\n2. The Ascend class intake\n3. Studio equipment",
                _minutes(
                    "The chair presented the yearly plan for the six aspects of cooperation.",
                    "Tencent confirmed cloud credits for the smart campus for another year.",
                    "The Ascend class will admit **40** students in September.",
                ),
                [CHAIR, VICE, SZ, TC, DEAN],
                [
                    (
                        "Approve the yearly plan of the cooperation.",
                        ["talent-training"],
                        [
                            ("Publish the yearly plan to both parties", SZ, 14, "on_time"),
                            ("Confirm the Ascend class curriculum", DEAN, 30, "on_time"),
                        ],
                    ),
                    (
                        "Upgrade the school–enterprise studio with AI servers.",
                        ["studios"],
                        [("Deliver the studio AI servers", TC, 60, "late")],
                    ),
                ],
            ),
            DemoMeeting(
                240,
                "Committee meeting: teacher training and certifications",
                "Tencent Binhai building, Shenzhen",
                "1. Big-data teacher training\n2. Cloud certifications\n3. Competition",
                _minutes(
                    "Tencent engineers will train 30 teachers in big data this summer.",
                    "The cloud computing certification course opens to students in autumn.",
                    "The AI application development competition is planned for May.",
                ),
                [CHAIR, VICE, SZ, TC, LEAD],
                [
                    (
                        "Run the big-data teacher training in July.",
                        ["teacher-team"],
                        [
                            ("Nominate the 30 teachers", SZ, 21, "on_time"),
                            ("Prepare the training programme", LEAD, 45, "on_time"),
                        ],
                    ),
                    (
                        "Hold the AI application development competition.",
                        [],
                        [("Draft the competition rules", DEAN, 30, "late")],
                    ),
                ],
            ),
            DemoMeeting(
                150,
                "Committee meeting: mid-year review",
                "SZIIT, administration building, room 301",
                "1. KPI review\n2. Off-campus training bases\n3. Party-building exchange",
                _minutes(
                    "KPIs reviewed: hires on track; mentor hours behind plan.",
                    "Two ecosystem partners of Tencent join the training base cluster.",
                    "A joint party-building exchange is planned for the autumn.",
                ),
                [CHAIR, VICE, SZ, TC, DEAN, LEAD],
                [
                    (
                        "Catch up on mentor hours in the autumn semester.",
                        ["teacher-team"],
                        [("Schedule the engineers' teaching hours", TC, 40, "overdue")],
                    ),
                    (
                        "Extend the training base cluster with two partners.",
                        ["training-bases"],
                        [
                            ("Sign the training base agreements", SZ, 60, "late"),
                            (
                                "Organise a visit of the party-building exhibition",
                                DEAN,
                                50,
                                "cancelled",
                            ),
                        ],
                    ),
                ],
            ),
            DemoMeeting(
                45,
                "Committee meeting: next year's plan",
                "Tencent Binhai building, Shenzhen",
                "1. Results of the year\n2. Next year's plan\n3. College of Senior Engineers",
                _minutes(
                    "The secretary reported the results of the year against the KPIs.",
                    "The College of Senior Engineers opens a second cohort next year.",
                    "The next year's plan is to be drafted by both coordinators.",
                ),
                [CHAIR, VICE, SZ, TC],
                [
                    (
                        "Draft next year's plan of the cooperation.",
                        ["talent-training", "smart-campus"],
                        [
                            ("Draft next year's plan", SZ, 55, "in_progress"),
                            ("Collect Tencent's proposals for next year", TC, 50, "open"),
                        ],
                    ),
                    (
                        "Prepare the second cohort of the College of Senior Engineers.",
                        ["industry-colleges"],
                        [("Propose the second cohort's intake", LEAD, 75, "open")],
                    ),
                ],
            ),
        ],
    ),
    DemoCommittee(
        reference="SZPT-ZTE-2024-FW",
        name="SZPT–ZTE joint committee",
        charter=SZPT_CHARTER,
        members=[
            Member("president@szpt.demo", "szpt", "chair"),
            Member("president@zte-ict.demo", "zte", "vice_chair"),
            Member("coordinator@szpt.demo", "szpt", "secretary"),
            Member("manager@zte.demo", "zte", "member"),
        ],
        meetings=[
            DemoMeeting(
                200,
                "Joint committee: 5G laboratory",
                "SZPT, School of Telecommunications",
                "1. The 5G laboratory\n2. Certification training centre",
                _minutes(
                    "The 5G laboratory is in use by three classes.",
                    "The certification training centre passed its audit.",
                ),
                ["president@szpt.demo", "president@zte-ict.demo", "coordinator@szpt.demo"],
                [
                    (
                        "Extend the 5G laboratory with a second room.",
                        ["joint-lab"],
                        [("Plan the second laboratory room", "manager@zte.demo", 60, "on_time")],
                    )
                ],
            ),
            DemoMeeting(
                30,
                "Joint committee: international programmes",
                "ZTE headquarters, Shenzhen",
                "1. Overseas workshops\n2. Next semester",
                _minutes("Two overseas workshops are planned for next year."),
                ["president@szpt.demo", "coordinator@szpt.demo", "manager@zte.demo"],
                [
                    (
                        "Prepare the overseas workshops.",
                        ["international"],
                        [
                            (
                                "List the courses for delivery abroad",
                                "coordinator@szpt.demo",
                                40,
                                "open",
                            ),
                        ],
                    )
                ],
            ),
        ],
    ),
]


def _person(member: Member, orgs: dict[str, Organisation]) -> Person | None:
    person = Person.objects.filter(email=member.email).first() or (
        Person.objects.filter(user__email=member.email).first()
    )
    if person is None and member.new is not None:
        family, given, native, title = member.new
        person = people_services.person_create(
            actor=None,
            family_name=family,
            given_name=given,
            native_name=native,
            family_name_first=True,
            email=member.email,
            nationality="CN",
        )
        people_services.affiliation_create(
            actor=None,
            person=person,
            organisation=orgs[member.org],
            kind="staff",
            title=title,
            start=dt.date(2018, 1, 1),
        )
    return person


def _build(spec: DemoCommittee, agreement: Agreement, orgs: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    committee = services.committee_create(
        actor=None, name=spec.name, charter=spec.charter, agreements=[agreement]
    )
    people: dict[str, Person] = {}
    for m in spec.members:
        person = _person(m, orgs)
        if person is None:
            continue
        services.member_add(
            actor=None, committee=committee, person=person, organisation=orgs[m.org], role=m.role
        )
        people[m.email] = person
    commitments = list(Commitment.objects.filter(agreement=agreement).select_related("area"))
    for dm in spec.meetings:
        day = today - dt.timedelta(days=dm.days_ago)
        meeting = services.meeting_create(
            actor=None,
            committee=committee,
            title=dm.title,
            date=day,
            place=dm.place,
            agenda=dm.agenda,
            minutes=dm.minutes,
            attendees=[people[e] for e in dm.attendees if e in people],
        )
        for text, areas, items in dm.decisions:
            decision = services.decision_create(
                actor=None,
                meeting=meeting,
                text=text,
                commitments=[c for c in commitments if c.area.code in areas],
            )
            for item_text, owner, due_in, outcome in items:
                if owner not in people:
                    continue
                due = day + dt.timedelta(days=due_in)
                if outcome == "overdue":
                    due = min(due, today - dt.timedelta(days=5))
                item = services.action_item_create(
                    actor=None,
                    decision=decision,
                    text=item_text,
                    owner=people[owner],
                    due_date=due,
                    notify_owner=outcome in ("open", "in_progress", "overdue"),
                )
                _outcome(item, outcome, day, due, today)


def _outcome(item: object, outcome: str, met: dt.date, due: dt.date, today: dt.date) -> None:
    def move(status: str, on: dt.date) -> None:
        services.action_item_set_status(
            actor=None,
            item=item,  # type: ignore[arg-type]
            status=status,
            on=min(max(on, met), today),
            today=today,
        )

    if outcome in ("on_time", "late", "in_progress", "overdue"):
        move("in_progress", met + dt.timedelta(days=3))
    if outcome == "on_time":
        move("done", due - dt.timedelta(days=2))
    elif outcome == "late":
        move("done", due + dt.timedelta(days=12))
    elif outcome == "cancelled":
        move("cancelled", met + dt.timedelta(days=20))


def load_demo_committees(orgs: dict[str, Organisation], say: Callable[[str], None]) -> None:
    created = 0
    for spec in COMMITTEES:
        agreement = Agreement.objects.filter(reference=spec.reference).first()
        if agreement is None:
            continue
        if Committee.objects.filter(agreements=agreement, name=spec.name).exists():
            continue
        _build(spec, agreement, orgs)
        created += 1
    say(f"committees: {created} new")

"""What the demo agreements are: fictional signatories, and the specification of each
agreement (the two background cooperations and the fictional overseas ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

D = dt.date


@dataclass(frozen=True)
class Signer:
    """A fictional person who signs for an organisation."""

    org: str
    email: str
    family: str
    given: str
    native: str
    title: str
    country: str = "CN"


SIGNERS = [
    Signer("szpt", "president@szpt.demo", "He", "Wenyuan", "何文渊", "President"),
    Signer("zte", "president@zte-ict.demo", "Qian", "Zhiyuan", "钱致远", "President, ZTE ICT"),
    Signer("sziit", "president@sziit.demo", "Ye", "Chenxi", "叶晨曦", "President"),
    Signer(
        "tencent", "vp@tencent.demo", "Lu", "Siyuan", "陆思源", "Vice President, Tencent Education"
    ),
    Signer("xingqiao-iot", "ceo@xingqiao-iot.demo", "Deng", "Haoyu", "邓浩宇", "General Manager"),
    Signer(
        "kijani-hills", "principal@kijani-hills.demo", "Wanjiru", "Amani", "", "Principal", "KE"
    ),
    Signer("mawimbi", "ceo@mawimbi.demo", "Otieno", "Brian", "", "Managing Director", "KE"),
    Signer(
        "golden-orchid",
        "director@golden-orchid.demo",
        "Chaiyaporn",
        "Siriporn",
        "",
        "Director",
        "TH",
    ),
    Signer("papyrus-valley", "dean@papyrus-valley.demo", "Farouk", "Nadia", "", "Dean", "EG"),
    Signer("ra-horizon", "ceo@ra-horizon.demo", "Khalil", "Omar", "", "Chief Executive", "EG"),
    Signer("karang-biru", "director@karang-biru.demo", "Wulandari", "Ratna", "", "Director", "ID"),
]


@dataclass
class Clause:
    area: str
    text: str
    owner: str
    kpi: tuple[str, str, str] | None = None  # metric, target, period
    recurrence: str = "none"
    due: dt.date | None = None


@dataclass
class Spec:
    reference: str
    kind: str
    title: str
    title_en: str
    title_zh: str
    parties: list[tuple[str, str]]
    areas: list[str]
    summary: str = ""
    signed_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    status: str = "active"
    currency: str = "CNY"
    remind_days_before: int = 60
    parent: str = ""
    renews: str = ""
    termination: tuple[dt.date, str] | None = None
    clauses: list[Clause] = field(default_factory=list)
    # (party, kind, value, date, description, currency or "")
    ledger: list[tuple[str, str, str, dt.date, str]] = field(default_factory=list)
    # (kind, date, title, location, description, participant emails, photo colour or None)
    events: list[tuple[str, dt.date, str, str, str, list[str], tuple[int, int, int] | None]] = (
        field(default_factory=list)
    )
    annex: list[list[Any]] | None = None


SZPT_ZTE_SUMMARY = """\
Strategic partnership for in-depth **industry–university–research cooperation** in discipline
construction, talent cultivation, scientific research, technical development, certification
training and international cooperation.

- Joint discipline construction in computer software and hardware, network communication,
  4G/5G, micro-electronics, cloud computing, the Internet of Things, VR/AR/MR and electrical
  engineering, and smart-city applications (smart education, smart health care, intelligent
  building, intelligent automobile, intelligent manufacturing, intelligent terminals).
- A joint laboratory (practical training), a collaborative innovation centre and certification
  training centres — a model for similar higher vocational colleges nationwide.
- Along the Belt and Road: vocational education institutions in Africa, the Middle East and
  Southeast Asia, targeted teacher training, and an international talent pool.

Source: the signing ceremony news item of Shenzhen Polytechnic (see `background/`).
"""

SZIIT_TENCENT_SUMMARY = """\
Strategic cooperation agreement on **six major aspects**: party building in schools, the
talent training system, the teacher team and curriculum, smart campus construction,
school–enterprise studios, and a cluster of off-campus student training bases.

A **cooperation management committee** is the highest decision-making body of the long-term
cooperation. Flagships: the *Tencent College of Senior Engineers*, the Ascend (Tengfei) class,
the mobile teacher–enterprise workstation and the Tencent school–enterprise studio.
"""


def specs(today: dt.date) -> list[Spec]:
    """The demo agreements. `today` places the one that must be ending soon."""
    lead = ["coordinator@szpt.demo", "manager@zte.demo"]
    sz = ["coordinator@sziit.demo", "manager@tencent.demo"]
    return [
        Spec(
            reference="SZPT-ZTE-2024-FW",
            kind="framework",
            title="深圳职业技术学院与中兴通讯股份有限公司全面合作框架协议",
            title_en="Shenzhen Polytechnic – ZTE strategic cooperation framework agreement",
            title_zh="深圳职业技术学院与中兴通讯股份有限公司全面合作框架协议",
            parties=[("szpt", "school"), ("zte", "enterprise")],
            areas=[
                "discipline-construction",
                "talent-training",
                "curriculum",
                "teacher-team",
                "joint-lab",
                "innovation-rd",
                "certification",
                "international",
            ],
            summary=SZPT_ZTE_SUMMARY,
            signed_on=D(2024, 1, 9),
            valid_from=D(2024, 1, 9),
            valid_to=D(2028, 12, 31),
            remind_days_before=120,
            clauses=[
                Clause(
                    "discipline-construction",
                    "Jointly build the disciplines of computer software and hardware, network "
                    "communication, 4G/5G communication, micro-electronics, cloud computing, IoT, "
                    "VR/AR/MR and electrical engineering, and smart-city applications; each "
                    "programme is set out in a specific agreement under this framework.",
                    "szpt",
                    ("agreements.signed_under", "3", "whole"),
                ),
                Clause(
                    "curriculum",
                    "Joint talent cultivation and course development: co-develop professional "
                    "courses and output the best of them to partner colleges at home and abroad.",
                    "szpt",
                    ("contributions.courses", "6", "year"),
                    "yearly",
                ),
                Clause(
                    "teacher-team",
                    "Jointly build a double-qualified teaching staff: ZTE engineers teach and "
                    "mentor; SZPT teachers practise in ZTE's R&D and service departments.",
                    "zte",
                    ("contributions.mentor_hours", "400", "year"),
                    "quarterly",
                ),
                Clause(
                    "joint-lab",
                    "Build a joint laboratory (practical training room) and a collaborative "
                    "innovation centre, a model to be popularised in similar colleges.",
                    "zte",
                    ("contributions.equipment", "3000000", "whole"),
                    due=D(2026, 12, 31),
                ),
                Clause(
                    "innovation-rd",
                    "Jointly conduct scientific research and technical development in the "
                    "relevant fields, and share logistics and other resources.",
                    "zte",
                    ("contributions.patents", "4", "whole"),
                ),
                Clause(
                    "certification",
                    "Build certification training centres for the related technologies (5G, "
                    "cloud, IoT), with ZTE courseware and examination licences.",
                    "zte",
                    ("contributions.software_licences", "500000", "whole"),
                    due=D(2025, 12, 31),
                ),
                Clause(
                    "international",
                    "Along the Belt and Road: jointly build vocational education institutions in "
                    "Africa, the Middle East and Southeast Asia, provide targeted teacher training "
                    "or send senior teachers abroad, and develop an international human-resource "
                    "service platform and talent pool.",
                    "szpt",
                ),
                Clause(
                    "talent-training",
                    "ZTE recruits graduates of the joint programmes each year.",
                    "zte",
                    ("contributions.hires", "30", "year"),
                    "yearly",
                ),
            ],
            ledger=[
                (
                    "szpt",
                    "facilities",
                    "600000",
                    D(2024, 5, 1),
                    "800 m² of laboratory space in the School of Computer Engineering",
                ),
                (
                    "zte",
                    "equipment",
                    "1200000",
                    D(2024, 6, 15),
                    "5G base-station training kits and core-network simulators",
                ),
                (
                    "zte",
                    "software_licences",
                    "320000",
                    D(2025, 3, 1),
                    "Certification courseware and examination licences",
                ),
                ("zte", "equipment", "900000", D(2025, 9, 1), "Cloud and IoT training room"),
                ("zte", "mentor_hours", "380", D(2025, 12, 31), "Engineers teaching in 2025"),
                ("zte", "scholarships", "200000", D(2025, 10, 10), "ZTE scholarships, 40 students"),
                ("zte", "mentor_hours", "120", D(2026, 3, 31), "Engineers teaching, Q1 2026"),
                ("zte", "mentor_hours", "110", D(2026, 6, 30), "Engineers teaching, Q2 2026"),
                ("zte", "mentor_hours", "60", D(2026, 9, 30), "Engineers teaching, Q3 2026"),
                ("zte", "hires", "26", D(2025, 7, 15), "Graduates hired by ZTE, class of 2025"),
                ("zte", "hires", "18", D(2026, 7, 15), "Graduates hired by ZTE, class of 2026"),
                ("szpt", "courses", "4", D(2025, 8, 30), "5G network optimisation and 3 more"),
                ("szpt", "courses", "2", D(2026, 2, 28), "Cloud native operations; IoT gateways"),
                ("zte", "patents", "1", D(2026, 5, 20), "Utility model: portable 5G test rig"),
            ],
            events=[
                (
                    "signing",
                    D(2024, 1, 9),
                    "Signing ceremony at ZTE headquarters",
                    "ZTE headquarters, 4th-floor meeting room, Shenzhen",
                    "Both presidents spoke; the agreement was signed and a group photo taken.",
                    lead,
                    (11, 83, 148),
                ),
                (
                    "visit",
                    D(2024, 1, 9),
                    "Visit to ZTE's exhibition hall",
                    "ZTE, Shenzhen",
                    "The SZPT delegation toured the exhibition hall after the ceremony.",
                    lead,
                    (69, 129, 142),
                ),
                (
                    "training",
                    D(2025, 7, 10),
                    "5G teacher training in the joint laboratory",
                    "SZPT joint laboratory",
                    "Two weeks of hands-on training for 24 teachers.",
                    ["teacher@szpt.demo", "mentor@zte.demo"],
                    (106, 168, 79),
                ),
                (
                    "exchange",
                    D(2026, 12, 8),
                    "Belt and Road teacher-training mission",
                    "Nakuru, Kenya",
                    "Senior teachers deliver the 5G course to partner colleges.",
                    ["teacher@szpt.demo"],
                    None,
                ),
            ],
            annex=[
                ["Item", "Quantity", "Value (CNY)"],
                ["5G base-station training kit", 6, 720000],
                ["Core-network simulator", 2, 480000],
                ["Cloud training servers", 20, 900000],
            ],
        ),
        Spec(
            reference="SZPT-ZTE-2024-5GLAB",
            kind="specific",
            parent="SZPT-ZTE-2024-FW",
            title="5G联合实验室共建协议",
            title_en="5G joint laboratory construction agreement",
            title_zh="5G联合实验室共建协议",
            parties=[("szpt", "school"), ("zte", "enterprise")],
            areas=["joint-lab", "certification"],
            summary="Under the framework agreement: the joint 5G laboratory and its "
            "certification training centre.",
            signed_on=D(2024, 5, 20),
            valid_from=D(2024, 6, 1),
            valid_to=D(2027, 5, 31),
            clauses=[
                Clause(
                    "joint-lab",
                    "ZTE supplies the 5G training equipment; SZPT provides the space and runs "
                    "the laboratory for students and partner colleges.",
                    "zte",
                    ("contributions.equipment", "1500000", "whole"),
                ),
            ],
            ledger=[
                ("zte", "equipment", "1200000", D(2024, 6, 20), "5G lab equipment, first batch"),
            ],
        ),
        Spec(
            reference="SZIIT-TENCENT-2022",
            kind="framework",
            title="深圳信息职业技术学院与腾讯科技（深圳）有限公司战略合作协议",
            title_en="SZIIT – Tencent strategic cooperation agreement",
            title_zh="深圳信息职业技术学院与腾讯科技（深圳）有限公司战略合作协议",
            parties=[("sziit", "school"), ("tencent", "enterprise")],
            areas=[
                "party-building",
                "talent-training",
                "teacher-team",
                "curriculum",
                "smart-campus",
                "studios",
                "training-bases",
                "industry-colleges",
                "certification",
                "competitions",
            ],
            summary=SZIIT_TENCENT_SUMMARY,
            signed_on=D(2022, 5, 11),
            valid_from=D(2022, 5, 11),
            valid_to=D(2027, 5, 10),
            remind_days_before=180,
            clauses=[
                Clause(
                    "party-building",
                    "Party building in schools: share party-building and ideological and "
                    "political education resources, and party-history learning experience.",
                    "sziit",
                ),
                Clause(
                    "talent-training",
                    "Talent training system: build the Tencent College of Senior Engineers and "
                    "programmes in artificial intelligence and cloud software development "
                    "(including the Ascend class), with Tencent recruiting their graduates.",
                    "tencent",
                    ("contributions.hires", "15", "year"),
                    "yearly",
                ),
                Clause(
                    "teacher-team",
                    "Teacher team and curriculum: a flexible, collaborative curriculum in cloud "
                    "development and AI; cloud computing certifications and big-data teacher "
                    "training given by Tencent engineers.",
                    "tencent",
                    ("contributions.mentor_hours", "300", "year"),
                    "quarterly",
                ),
                Clause(
                    "smart-campus",
                    "Smart campus construction on Tencent Cloud and Tencent Education products.",
                    "tencent",
                    ("contributions.software_licences", "1500000", "whole"),
                ),
                Clause(
                    "studios",
                    "Jointly build school–enterprise studios, including the Tencent "
                    "school–enterprise cooperation studio and the mobile teacher–enterprise "
                    "workstation.",
                    "tencent",
                    ("contributions.equipment", "800000", "whole"),
                ),
                Clause(
                    "training-bases",
                    "A cluster of off-campus student training bases with Tencent and its "
                    "ecosystem partners.",
                    "tencent",
                ),
            ],
            ledger=[
                (
                    "tencent",
                    "software_licences",
                    "600000",
                    D(2023, 3, 1),
                    "Tencent Cloud credits for the smart campus",
                ),
                ("tencent", "equipment", "350000", D(2023, 9, 1), "Studio workstations"),
                ("tencent", "software_licences", "500000", D(2024, 3, 1), "Cloud credits, 2024"),
                ("tencent", "software_licences", "300000", D(2025, 3, 1), "Cloud credits, 2025"),
                ("tencent", "equipment", "300000", D(2025, 9, 1), "Studio upgrade: AI servers"),
                ("sziit", "facilities", "400000", D(2023, 9, 1), "Studio space"),
                ("tencent", "scholarships", "100000", D(2025, 10, 20), "Tencent scholarships"),
                ("tencent", "mentor_hours", "80", D(2026, 3, 31), "Engineers teaching, Q1 2026"),
                ("tencent", "mentor_hours", "70", D(2026, 6, 30), "Engineers teaching, Q2 2026"),
                ("tencent", "mentor_hours", "25", D(2026, 9, 30), "Engineers teaching, Q3 2026"),
                ("tencent", "mentor_hours", "40", D(2026, 11, 15), "Cloud certification course"),
                ("tencent", "hires", "12", D(2024, 7, 10), "Ascend class graduates hired"),
                ("tencent", "hires", "14", D(2025, 7, 10), "Ascend class graduates hired"),
                ("tencent", "hires", "9", D(2026, 7, 10), "Ascend class graduates hired"),
                ("sziit", "courses", "3", D(2024, 6, 30), "Cloud development course series"),
            ],
            events=[
                (
                    "signing",
                    D(2022, 5, 11),
                    "Signing of the strategic cooperation agreement",
                    "Tencent, Shenzhen",
                    "Six aspects of cooperation signed; the cooperation "
                    "management committee established.",
                    sz,
                    (7, 55, 99),
                ),
                (
                    "visit",
                    D(2022, 5, 11),
                    "Study and research visit to Tencent",
                    "Tencent, Shenzhen",
                    "In-depth exchanges on deepening school–enterprise cooperation.",
                    sz,
                    (166, 77, 121),
                ),
                (
                    "training",
                    D(2025, 7, 15),
                    "Big-data teacher training",
                    "SZIIT",
                    "Tencent engineers train 30 teachers.",
                    ["manager@tencent.demo"],
                    None,
                ),
                (
                    "competition",
                    D(2026, 5, 20),
                    "AI application software development competition",
                    "SZIIT",
                    "The annual competition of the cooperation.",
                    sz,
                    (191, 144, 0),
                ),
            ],
        ),
        Spec(
            reference="SZIIT-GOC-2023",
            kind="framework",
            title="SZIIT – Golden Orchid Technical College framework agreement",
            title_en="SZIIT – Golden Orchid Technical College framework agreement",
            title_zh="深圳信息职业技术学院与金兰技术学院合作框架协议",
            parties=[("sziit", "school"), ("golden-orchid", "partner")],
            areas=["international", "curriculum", "teacher-team"],
            summary="Teacher exchanges and jointly delivered cloud courses in Thailand.",
            signed_on=D(2023, 12, 20),
            valid_from=D(2024, 1, 1),
            valid_to=today + dt.timedelta(days=21),
            remind_days_before=90,
            clauses=[
                Clause(
                    "international",
                    "Deliver two co-developed cloud courses at Golden Orchid each year.",
                    "sziit",
                    ("contributions.courses", "2", "year"),
                ),
            ],
            ledger=[("sziit", "courses", "2", D(2025, 6, 30), "Cloud courses in Thai and English")],
        ),
        Spec(
            reference="SZPT-KH-MAWIMBI-2025",
            kind="project",
            title="Kijani Hills ICT vocational workshop",
            title_en="Kijani Hills ICT vocational workshop",
            title_zh="基贾尼山信息通信职业工坊",
            parties=[("szpt", "school"), ("kijani-hills", "partner"), ("mawimbi", "host")],
            areas=["international", "joint-lab", "teacher-team", "training-bases"],
            summary="An overseas vocational workshop in Nakuru: SZPT courses and trained "
            "teachers, Mawimbi's equipment and internship places. Money is counted in Kenyan "
            "shillings.",
            currency="KES",
            signed_on=D(2025, 8, 20),
            valid_from=D(2025, 9, 1),
            valid_to=D(2028, 8, 31),
            clauses=[
                Clause(
                    "international",
                    "SZPT trains Kijani Hills teachers in Shenzhen and on site.",
                    "szpt",
                    ("contributions.mentor_hours", "200", "year"),
                ),
                Clause(
                    "joint-lab",
                    "Mawimbi equips the workshop's network laboratory.",
                    "mawimbi",
                    ("contributions.equipment", "4000000", "whole"),
                ),
            ],
            ledger=[
                ("szpt", "funding", "9000000", D(2025, 10, 1), "Workshop set-up grant"),
                ("mawimbi", "equipment", "2400000", D(2025, 11, 15), "Routers and switches"),
                ("szpt", "mentor_hours", "90", D(2026, 6, 30), "Teacher training, first half"),
            ],
            events=[
                (
                    "signing",
                    D(2025, 8, 20),
                    "Workshop agreement signed",
                    "Nakuru, Kenya",
                    "Signed during the SZPT delegation's visit.",
                    ["coordinator@szpt.demo"],
                    (56, 118, 29),
                ),
            ],
        ),
        Spec(
            reference="SZPT-PV-RAH-2024",
            kind="project",
            title="Cloud services training programme in Egypt",
            title_en="Cloud services training programme in Egypt",
            title_zh="埃及云服务人才培养项目",
            parties=[("szpt", "school"), ("papyrus-valley", "partner"), ("ra-horizon", "host")],
            areas=["international", "certification"],
            signed_on=D(2024, 3, 1),
            valid_from=D(2024, 3, 15),
            valid_to=D(2027, 3, 14),
            termination=(
                D(2025, 11, 30),
                "Ra Horizon Cloud Services withdrew after its acquisition; the parties agreed to "
                "end the programme early. Enrolled students completed their courses online.",
            ),
            ledger=[("szpt", "funding", "150000", D(2024, 4, 1), "Programme launch")],
        ),
        Spec(
            reference="SZPT-XQ-2023",
            kind="project",
            title="IoT practical training base agreement",
            title_en="IoT practical training base agreement",
            title_zh="物联网校外实训基地协议",
            parties=[("szpt", "school"), ("xingqiao-iot", "host")],
            areas=["training-bases", "joint-lab"],
            signed_on=D(2023, 8, 25),
            valid_from=D(2023, 9, 1),
            valid_to=D(2025, 8, 31),
            status="expired",
            clauses=[
                Clause(
                    "training-bases",
                    "Xingqiao hosts IoT interns and provides mentors.",
                    "xingqiao-iot",
                    ("contributions.mentor_hours", "150", "year"),
                ),
            ],
            ledger=[("xingqiao-iot", "mentor_hours", "140", D(2024, 12, 31), "Mentors, 2024")],
        ),
        Spec(
            reference="SZPT-XQ-2025",
            kind="project",
            renews="SZPT-XQ-2023",
            title="IoT practical training base agreement",
            title_en="IoT practical training base agreement (renewed)",
            title_zh="物联网校外实训基地协议（续签）",
            parties=[("szpt", "school"), ("xingqiao-iot", "host")],
            areas=["training-bases", "joint-lab"],
            signed_on=D(2025, 8, 28),
            valid_from=D(2025, 9, 1),
            valid_to=D(2028, 8, 31),
            ledger=[("xingqiao-iot", "mentor_hours", "60", D(2026, 6, 30), "Mentors, 2026 H1")],
        ),
        Spec(
            reference="SZIIT-KB-2026",
            kind="framework",
            title="SZIIT – Karang Biru Polytechnic framework agreement",
            title_en="SZIIT – Karang Biru Polytechnic framework agreement",
            title_zh="深圳信息职业技术学院与卡朗比鲁理工学院合作框架协议",
            parties=[("sziit", "school"), ("karang-biru", "partner")],
            areas=["international", "curriculum"],
            summary="Under negotiation: a joint software technology programme in Indonesia.",
            valid_from=D(2027, 1, 1),
            valid_to=D(2029, 12, 31),
            status="negotiating",
        ),
        Spec(
            reference="SZPT-KINNAREE-DRAFT",
            kind="project",
            title="Smart manufacturing apprenticeship (draft)",
            title_en="Smart manufacturing apprenticeship (draft)",
            title_zh="智能制造学徒制项目（草案）",
            parties=[("szpt", "school"), ("kinnaree", "host")],
            areas=["talent-training", "training-bases"],
            status="draft",
        ),
    ]

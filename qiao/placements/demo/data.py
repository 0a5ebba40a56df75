"""The demo's sites and openings: ZTE's bases and labs with Shenzhen Polytechnic, Tencent's
studio and base with the Shenzhen Institute of Information Technology (from the background
documents: joint labs and practical training rooms, a collaborative innovation centre and
certification training centres with ZTE; school–enterprise studios and an off-campus training
base cluster with Tencent)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteSpec:
    key: str
    host: str
    school: str
    kind: str
    name: str
    name_en: str
    city: str
    address: str
    capacity: int
    facilities: str


@dataclass(frozen=True)
class OpeningSpec:
    title: str
    site: str
    kind: str
    seats: int
    majors: tuple[str, ...]  # major codes of the school; empty = any
    popularity: float = 1.0
    hours: str = "8"
    days: int = 5
    pay: int = 4200
    probation: int = 5000
    description: str = ""
    extra: dict[str, object] = field(default_factory=dict)


SITES = [
    SiteSpec(
        "zte-5g-lab",
        "zte",
        "szpt",
        "joint_lab",
        "中兴通讯—深职院5G联合实验室",
        "ZTE–SZPT 5G Joint Laboratory",
        "Shenzhen",
        "ZTE Industrial Park, Xili, Nanshan District",
        200,
        "5G base stations (NR), core network test bed, 40 workstations.",
    ),
    SiteSpec(
        "zte-ict-base",
        "zte",
        "szpt",
        "training_base",
        "中兴通讯ICT校外实训基地",
        "ZTE ICT Off-campus Training Base",
        "Shenzhen",
        "ZTE Headquarters, Hi-tech Park South, Nanshan District",
        2000,
        "Network operations centre, data-centre racks, dormitory for 600 interns.",
    ),
    SiteSpec(
        "zte-cert-centre",
        "zte",
        "szpt",
        "certification_centre",
        "中兴通讯认证培训中心（深职院）",
        "ZTE Certification Training Centre at SZPT",
        "Shenzhen",
        "Shenzhen Polytechnic, Xili Lake campus, Building T4",
        150,
        "Exam room for ZTE ICT certifications, 60 seats.",
    ),
    SiteSpec(
        "zte-innovation",
        "zte",
        "szpt",
        "innovation_centre",
        "中兴通讯—深职院协同创新中心",
        "ZTE–SZPT Collaborative Innovation Centre",
        "Shenzhen",
        "ZTE Industrial Park, Xili, Nanshan District",
        200,
        "Smart-city and IoT prototyping lab.",
    ),
    SiteSpec(
        "tencent-studio",
        "tencent",
        "sziit",
        "studio",
        "腾讯校企合作工作室",
        "Tencent School–Enterprise Cooperation Studio",
        "Shenzhen",
        "Shenzhen Institute of Information Technology, Longgang campus",
        40,
        "Cloud development and AI studio, 40 seats, Tencent Cloud credits.",
    ),
    SiteSpec(
        "tencent-base",
        "tencent",
        "sziit",
        "training_base",
        "腾讯云校外实训基地",
        "Tencent Cloud Off-campus Training Base",
        "Shenzhen",
        "Tencent Binhai Building, Nanshan District",
        120,
        "Cloud operations floor and mentoring rooms.",
    ),
]

# SZPT majors (demo codes): 510202 computer network, 510203 software, 510206 cloud computing,
# 510208 AI, 510302 telecommunications, 510102 IoT, 510402 big data, 460306 electrical automation.
OPENINGS = [
    OpeningSpec(
        "5G RAN commissioning intern",
        "zte-5g-lab",
        "post_internship",
        100,
        ("510302", "510102"),
        3.0,
        description="Base-station commissioning on rooftops and towers: work at heights, "
        "so not open to students under 18.",
        extra={"forbidden_for_minors": True},
    ),
    OpeningSpec(
        "Core network test intern", "zte-5g-lab", "post_internship", 70, ("510302", "510202"), 2.0
    ),
    OpeningSpec(
        "Network operations intern",
        "zte-ict-base",
        "post_internship",
        420,
        ("510202", "510302", "510206"),
        1.4,
    ),
    OpeningSpec(
        "Data-centre operations intern",
        "zte-ict-base",
        "post_internship",
        320,
        ("510206", "510202", "460306"),
        1.2,
    ),
    OpeningSpec(
        "Cloud platform support intern",
        "zte-ict-base",
        "post_internship",
        280,
        ("510206", "510203", "510402"),
        1.6,
    ),
    OpeningSpec(
        "Software testing intern",
        "zte-ict-base",
        "follow_up_internship",
        280,
        ("510203", "510208", "510402"),
        1.3,
    ),
    OpeningSpec(
        "Big data engineering intern",
        "zte-ict-base",
        "post_internship",
        180,
        ("510402", "510208", "510203"),
        1.8,
    ),
    OpeningSpec(
        "Certification lab assistant", "zte-cert-centre", "follow_up_internship", 120, (), 0.8
    ),
    OpeningSpec(
        "AI application intern", "zte-innovation", "post_internship", 80, ("510208", "510203"), 2.5
    ),
    OpeningSpec(
        "Smart-city IoT intern",
        "zte-innovation",
        "post_internship",
        90,
        ("510102", "460306", "510302"),
        1.5,
    ),
    OpeningSpec(
        "Electrical systems apprentice", "zte-ict-base", "apprenticeship", 160, ("460306",), 0.9
    ),
    OpeningSpec(
        "Cognitive internship: a week at ZTE",
        "zte-ict-base",
        "cognitive_internship",
        700,
        (),
        0.6,
        hours="6",
        pay=0,
        probation=0,
    ),
]

BLOCKED = OpeningSpec(
    "Night-shift network monitoring intern",
    "zte-ict-base",
    "post_internship",
    12,
    ("510202",),
    hours="10",
    days=6,
    extra={"night_work": True, "overtime": True},
    description="24/7 network operations centre, night rota.",
)

TENCENT_OPENINGS = [
    OpeningSpec(
        "Cloud development studio intern", "tencent-studio", "follow_up_internship", 30, ()
    ),
    OpeningSpec(
        "Tencent Cloud operations intern",
        "tencent-base",
        "post_internship",
        40,
        (),
        pay=4500,
        probation=5500,
    ),
]

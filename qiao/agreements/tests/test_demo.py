"""The demo's agreements load on top of the core demo, twice without duplicates, with the
statuses, KPIs and files the pages need — and no real person's name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qiao.agreements import kpi
from qiao.agreements.demo import load_demo_agreements
from qiao.agreements.models import Agreement, Contribution, DocumentVersion, EventPhoto
from qiao.agreements.selectors import commitments_with_kpis
from qiao.core.demo import load_core
from qiao.core.models import Person

pytestmark = pytest.mark.django_db

# People named in the background news items: the demo must not make them signatories.
REAL_NAMES = (
    "Renjun",
    "Qiuming",
    "Xingdong",
    "Ligong",
    "Shuihua",
    "Liu Jin",
    "Wang Hui",
    "Shen Dan",
    "Manqing",
    "Tang Lie",
    "Zhiliang",
)


def test_demo_agreements(django_capture_on_commit_callbacks):
    messages: list[str] = []
    load_core(messages.append)
    load_demo_agreements(messages.append)
    assert messages[-1] == "agreements: 10 new (0 already there)"
    load_demo_agreements(messages.append)
    assert messages[-1] == "agreements: 0 new (10 already there)"

    zte = Agreement.objects.get(reference="SZPT-ZTE-2024-FW")
    assert zte.status == "active" and zte.signed_on == dt.date(2024, 1, 9)
    assert zte.commitments.filter(kpi_metric__gt="").count() == 7
    assert set(zte.areas.values_list("code", flat=True)) >= {
        "joint-lab",
        "certification",
        "international",
        "discipline-construction",
    }
    assert zte.children.get().reference == "SZPT-ZTE-2024-5GLAB"
    statuses = {r.kpi.status for r in commitments_with_kpis(agreement=zte) if r.kpi}
    assert statuses >= {kpi.ON_TRACK, kpi.BEHIND}

    tencent = Agreement.objects.get(reference="SZIIT-TENCENT-2022")
    assert tencent.commitments.count() == 6  # the six aspects
    assert tencent.signed_on == dt.date(2022, 5, 11)

    today = timezone.localdate()
    expiring = Agreement.objects.get(reference="SZIIT-GOC-2023")
    assert expiring.valid_to is not None and 0 < (expiring.valid_to - today).days <= 30
    terminated = Agreement.objects.get(reference="SZPT-PV-RAH-2024")
    assert terminated.status == "terminated" and "withdrew" in terminated.termination_reason
    renewal = Agreement.objects.get(reference="SZPT-XQ-2025")
    assert renewal.renews is not None and renewal.renews.status == "expired"
    assert Agreement.objects.get(reference="SZIIT-KB-2026").status == "negotiating"

    assert Contribution.objects.filter(agreement=zte).count() == 14
    assert DocumentVersion.objects.filter(document__agreement=zte).count() == 2
    assert EventPhoto.objects.filter(event__agreement=zte).count() == 3
    for given, family in Person.objects.filter(signatures__isnull=False).values_list(
        "given_name", "family_name"
    ):
        for full in (f"{given} {family}", f"{family} {given}"):
            assert not any(real in full for real in REAL_NAMES), full


def test_demo_committees(django_capture_on_commit_callbacks):
    """The SZIIT–Tencent committee with a year of meetings; items done on time, late, open and
    exactly one overdue; the demo personas on it with items of their own; loaded once."""
    from qiao.agreements.models import ActionItem, Committee, Meeting
    from qiao.agreements.selectors.committees import committee_list, my_action_items
    from qiao.core.models import User

    messages: list[str] = []
    load_core(messages.append)
    load_demo_agreements(messages.append)
    assert "committees: 2 new" in messages
    counts = (Committee.objects.count(), Meeting.objects.count(), ActionItem.objects.count())
    load_demo_agreements(messages.append)
    assert messages[-2] == "committees: 0 new"
    assert (Committee.objects.count(), Meeting.objects.count(), ActionItem.objects.count()) == (
        counts
    )

    tencent = Agreement.objects.get(reference="SZIIT-TENCENT-2022")
    committee = Committee.objects.get(agreements=tencent)
    assert set(committee.members.values_list("role", flat=True)) == {
        "chair",
        "vice_chair",
        "secretary",
        "member",
    }
    assert committee.meetings.count() >= 4
    items = list(ActionItem.objects.filter(decision__meeting__committee=committee))
    assert sum(1 for i in items if i.is_overdue()) == 1
    assert any(i.on_time is True for i in items) and any(i.on_time is False for i in items)
    assert any(i.status == "open" and not i.is_overdue() for i in items)
    for email in ("coordinator@sziit.demo", "manager@tencent.demo"):
        user = User.objects.get(email=email)
        assert committee_list(viewer=user).filter(pk=committee.pk).exists()
        assert my_action_items(viewer=user).exists()
    for given, family in committee.members.values_list("person__given_name", "person__family_name"):
        for full in (f"{given} {family}", f"{family} {given}"):
            assert not any(real in full for real in REAL_NAMES), full

"""The KPI metric registry, the built-in metrics and the KPI status (actual against a target
pro-rated by elapsed time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from qiao.agreements import kpi, services
from qiao.agreements.metrics import (
    MONEY,
    Period,
    all_metrics,
    compute,
    get_metric,
    register_metric,
    unregister_metric,
)
from qiao.agreements.models import Commitment
from qiao.agreements.services import PartySpec
from qiao.agreements.tests import factories as f


def test_registry_lists_the_builtin_metrics():
    keys = {m.key for m in all_metrics()}
    assert {
        "agreements.in_force",
        "agreements.signed_under",
        "documents.versions",
        "contributions.funding",
        "contributions.equipment",
        "contributions.mentor_hours",
        "contributions.hires",
        "contributions.courses",
    } <= keys
    assert "contributions.other_input" not in keys  # mixed units are no target
    funding, hours = get_metric("contributions.funding"), get_metric("contributions.mentor_hours")
    assert funding is not None and funding.unit == MONEY
    assert hours is not None and str(hours.unit) == "hours"
    assert get_metric("nope") is None


def test_registering_a_metric_the_way_other_apps_do():
    def placements_completed(agreement, start, end):
        return 7

    try:
        metric = register_metric(
            key="placements.completed",
            label="Placements completed",
            unit="students",
            compute=placements_completed,
        )
        assert get_metric("placements.completed") is metric
        with pytest.raises(ValueError, match="already registered"):
            register_metric(
                key="placements.completed", label="x", unit="x", compute=lambda a, s, e: 0
            )
        with pytest.raises(ValueError, match="dotted lower case"):
            register_metric(key="Bad Key", label="x", unit="x", compute=placements_completed)
        nobody: Any = None
        year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        assert compute(nobody, "placements.completed", year) == Decimal(7)
        with pytest.raises(KeyError):
            compute(nobody, "no.such", year)
    finally:
        unregister_metric("placements.completed")


# --- Periods and status -----------------------------------------------------------------------


class _Agreement:
    def __init__(self, valid_from, valid_to, signed_on=None):
        self.valid_from, self.valid_to, self.signed_on = valid_from, valid_to, signed_on


def period_of(a: _Agreement, kind: str, day: dt.date) -> Period:
    period = kpi.kpi_period(a, kind, day)  # type: ignore[arg-type]
    assert period is not None
    return period


def test_kpi_periods():
    a = _Agreement(dt.date(2025, 3, 15), dt.date(2027, 3, 14))
    whole = period_of(a, "whole", dt.date(2026, 11, 23))
    assert (whole.start, whole.end) == (dt.date(2025, 3, 15), dt.date(2027, 3, 14))
    year = period_of(a, "year", dt.date(2026, 11, 23))
    assert (year.start, year.end, year.label) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "2026",
    )
    first_year = period_of(a, "year", dt.date(2025, 4, 1))
    assert first_year.start == dt.date(2025, 3, 15)  # cut to the validity
    autumn = period_of(a, "semester", dt.date(2026, 11, 23))
    assert (autumn.start, autumn.end) == (dt.date(2026, 9, 1), dt.date(2027, 2, 28))
    assert "2026" in autumn.label
    january = period_of(a, "semester", dt.date(2027, 1, 10))
    assert january.start == dt.date(2026, 9, 1)
    spring = period_of(a, "semester", dt.date(2026, 4, 1))
    assert (spring.start, spring.end) == (dt.date(2026, 3, 1), dt.date(2026, 8, 31))
    after = period_of(a, "year", dt.date(2030, 1, 1))
    assert (after.start, after.end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 14))
    assert kpi.kpi_period(_Agreement(None, None), "year") is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (Decimal(60), kpi.ON_TRACK),  # half-way through, 50 expected
        (Decimal(50), kpi.ON_TRACK),
        (Decimal(40), kpi.AT_RISK),  # ≥ 75 % of expected
        (Decimal(30), kpi.BEHIND),
    ],
)
def test_status_pro_rates_the_target(actual, status):
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 10))
    got, expected = kpi.kpi_status(
        actual=actual, target=Decimal(100), period=period, today=dt.date(2026, 1, 5)
    )
    assert expected == Decimal(50)
    assert got == status


def test_status_before_and_after_the_period():
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert kpi.kpi_status(
        actual=Decimal(0), target=Decimal(10), period=period, today=dt.date(2025, 12, 1)
    ) == (kpi.NOT_STARTED, Decimal(0))
    assert (
        kpi.kpi_status(
            actual=Decimal(9), target=Decimal(10), period=period, today=dt.date(2027, 2, 1)
        )[0]
        == kpi.AT_RISK
    )


# --- Built-in metrics on real records ---------------------------------------------------------


@pytest.mark.django_db
def test_contribution_metrics_sum_the_ledger_in_the_agreement_currency(world):
    a = f.active(world, valid_from=f.today() - dt.timedelta(days=100))
    f.contribution(a, world.enterprise, "funding", "1000")
    f.contribution(a, world.school, "funding", "500")
    f.contribution(a, world.enterprise, "funding", "9999", currency="USD")  # not counted
    f.contribution(a, world.enterprise, "funding", "7", date=f.today() - dt.timedelta(days=99))
    f.contribution(a, world.enterprise, "mentor_hours", "12")
    period = (f.today() - dt.timedelta(days=10), f.today())
    assert compute(a, "contributions.funding", period) == Decimal(1500)
    assert compute(a, "contributions.mentor_hours", period) == Decimal(12)
    assert compute(a, "contributions.hires", period) == Decimal(0)


@pytest.mark.django_db
def test_agreement_and_document_metrics(world):
    framework = f.active(world, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2028, 12, 31))
    other = f.signed(world, valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2026, 5, 31))
    f.agreement(world)  # a draft: not in force
    f.active(
        world,
        parties=[PartySpec("school", world.school), PartySpec("partner", world.other_enterprise)],
        valid_from=dt.date(2025, 1, 1),
    )
    period_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert compute(framework, "agreements.in_force", period_2026) == Decimal(2)
    assert (
        compute(framework, "agreements.in_force", (dt.date(2027, 1, 1), dt.date(2027, 12, 31))) == 1
    )
    specific = f.ready_to_sign(f.agreement(world, kind="specific", parent=framework))
    services.agreement_transition(actor=None, agreement=specific, to="signed")
    assert compute(framework, "agreements.signed_under", (f.today(), f.today())) == 1
    # each active agreement here has one signed copy uploaded today
    assert compute(other, "documents.versions", (f.today(), f.today())) == 1


@pytest.mark.django_db
def test_evaluate_a_commitment(world):
    a = f.active(world, valid_from=f.today() - dt.timedelta(days=30))
    c = services.commitment_create(
        actor=None,
        agreement=a,
        area=f.area(),
        text="Two versions of the plan",
        owner=f.party(a, world.school),
        kpi_metric="documents.versions",
        kpi_target=Decimal(2),
        kpi_period="whole",
    )
    result = kpi.evaluate(c)
    assert result is not None
    assert result.actual == Decimal(1) and result.target == Decimal(2)
    assert result.status == kpi.ON_TRACK  # 1 of 2 with a small share of the period elapsed
    assert result.percent == 50 and result.bar_step == 50
    assert result.as_json()["status_label"] == "On track"
    plain = services.commitment_create(
        actor=None, agreement=a, area=f.area(), text="No KPI", owner=f.party(a, world.school)
    )
    assert kpi.evaluate(plain) is None
    Commitment.objects.filter(pk=c.pk).update(kpi_metric="gone.metric")
    c.refresh_from_db()
    unknown = kpi.evaluate(c)
    assert unknown is not None and unknown.status == kpi.UNKNOWN_METRIC

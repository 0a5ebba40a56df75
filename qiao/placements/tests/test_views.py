from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from qiao.conftest import World
from qiao.placements import services
from qiao.placements.models import (
    AllocationRun,
    HostScore,
    Opening,
    OpeningStatus,
    Placement,
    PlacementRound,
    PlacementState,
    Preference,
    RoundStatus,
    RunState,
)
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def test_index_and_lists_render_for_coordinator(world: World) -> None:
    site = f.site(world)
    f.opening(world, site=site)
    c = world.client("coordinator")
    for name in ("index", "site_list", "opening_list", "round_list", "compliance"):
        r = c.get(reverse(f"placements:{name}"))
        assert r.status_code == 200, name
    assert c.get(reverse("placements:site_detail", args=[site.pk])).status_code == 200


def test_lists_export_csv_and_xlsx(world: World) -> None:
    f.site(world)
    f.opening(world)
    c = world.client("coordinator")
    for name in ("site_list", "opening_list"):
        csv = c.get(reverse(f"placements:{name}") + "?export=csv")
        assert csv.status_code == 200 and "text/csv" in csv["Content-Type"]
        body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
        assert body.count("\n") >= 2
        xlsx = c.get(reverse(f"placements:{name}") + "?export=xlsx")
        assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


def test_list_filter_and_sort(world: World) -> None:
    f.opening(world, title="Cloud ops")
    f.opening(world, title="Radio lab", publish=False)
    c = world.client("coordinator")
    r = c.get(reverse("placements:opening_list") + "?q=radio&sort=-title")
    assert b"Radio lab" in r.content and b"Cloud ops" not in r.content
    r = c.get(reverse("placements:opening_list") + "?status=published")
    assert b"Cloud ops" in r.content and b"Radio lab" not in r.content


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_bounded(world: World) -> None:
    for _ in range(2):
        f.opening(world, site=f.site(world))
    c = world.client("coordinator")
    urls = [reverse(f"placements:{n}") for n in ("opening_list", "site_list", "compliance")]
    for url in urls:
        c.get(url)  # warm the session
    before = [_queries(c, url) for url in urls]
    for _ in range(10):
        f.opening(world, site=f.site(world), publish=False, night_work=True)
    after = [_queries(c, url) for url in urls]
    assert after == before, (before, after)
    assert max(after) <= 15


def test_create_site_and_opening_through_forms(world: World) -> None:
    c = world.client("coordinator")
    r = c.post(
        reverse("placements:site_create"),
        {
            "name": "ZTE 5G base",
            "kind": "training_base",
            "school": world.school.pk,
            "host": world.enterprise.pk,
            "country": "CN",
            "capacity": 30,
            "is_active": "on",
        },
    )
    assert r.status_code == 302, r.content
    fields = f.compliant(world)
    data = {
        k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items() if not isinstance(v, bool)
    }
    data.update(pay_currency="CNY", fee_charged="0")
    r = c.post(reverse("placements:opening_create"), data)
    assert r.status_code == 302, r.context["form"].errors
    o = Opening.objects.get(title=fields["title"])
    assert o.status == OpeningStatus.DRAFT
    r = c.post(reverse("placements:opening_publish", args=[o.pk]), follow=True)
    o.refresh_from_db()
    assert o.status == OpeningStatus.PUBLISHED


def test_publish_blocked_shows_explanation(world: World) -> None:
    o = f.opening(world, publish=False, fee_charged=Decimal(300))
    c = world.client("coordinator")
    r = c.post(reverse("placements:opening_publish", args=[o.pk]), follow=True)
    text = r.content.decode()
    assert "cannot be published" in text and "No fee" in text and "Art. 18" in text
    o.refresh_from_db()
    assert o.status == OpeningStatus.DRAFT
    r = c.get(reverse("placements:compliance"))
    assert "CN2021-NO-FEES" in r.content.decode()
    csv = c.get(reverse("placements:compliance") + "?export=csv")
    assert "CN2021-NO-FEES" in b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]


def _open_round(world: World) -> tuple[PlacementRound, list[Opening]]:
    openings = [f.opening(world, seats=1), f.opening(world, seats=1)]
    return f.round_(world, openings), openings


def test_student_ranks_without_javascript(world: World) -> None:
    rnd, (a, b) = _open_round(world)
    c = world.client("student")
    url = reverse("placements:ranking_change", args=[rnd.pk])
    assert c.post(url, {"opening": a.pk, "action": "add"}).status_code == 302
    assert c.post(url, {"opening": b.pk, "action": "add"}).status_code == 302
    assert c.post(url, {"opening": b.pk, "action": "up"}).status_code == 302
    cand = f.candidate(rnd, world.people["student"])
    assert list(cand.preferences.values_list("opening_id", flat=True)) == [b.pk, a.pk]
    page = c.get(reverse("placements:ranking", args=[rnd.pk])).content.decode()
    assert page.index(b.title) < page.index(a.title)
    # htmx gets the page back (it swaps the list in place)
    r = c.post(url, {"opening": a.pk, "action": "remove"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'id="ranking"' in r.content.decode()
    r = c.post(url, {"opening": b.pk, "action": "add"}, headers={"HX-Request": "true"})
    assert "already ranked" in r.content.decode()
    # Bad input: a message, nothing changed.
    r = c.post(url, {"opening": 999999, "action": "add"}, follow=True)
    assert "not part of the round" in r.content.decode()
    r = c.post(url, {"opening": b.pk, "action": "add"}, follow=True)
    assert "already ranked" in r.content.decode()
    r = c.post(url, {"opening": b.pk, "action": "sideways"}, follow=True)
    assert list(cand.preferences.values_list("opening_id", flat=True)) == [b.pk]


def test_ranking_page_queries_bounded(world: World) -> None:
    openings = [f.opening(world, seats=1) for _ in range(12)]
    rnd = f.round_(world, openings[:4], max_choices=8)
    cand = f.candidate(rnd, world.people["student"])
    c = world.client("student")
    url = reverse("placements:ranking", args=[rnd.pk])
    c.get(url)
    services.preference_add(actor=None, candidate=cand, opening=openings[0])
    before = _queries(c, url)
    rnd.openings.add(*openings[4:])
    for o in openings[1:6]:
        services.preference_add(actor=None, candidate=cand, opening=o)
    assert _queries(c, url) == before <= 15


def test_host_scores_and_coordinator_allocates_and_publishes(world: World) -> None:
    rnd, (a, b) = _open_round(world)
    cand = f.candidate(rnd, world.people["student"])
    services.preference_add(actor=None, candidate=cand, opening=a)
    host = world.client("enterprise")
    r = host.get(reverse("placements:applicants", args=[rnd.pk]))
    assert r.status_code == 200 and "S0001" in r.content.decode()
    r = host.post(
        reverse("placements:score", args=[rnd.pk]),
        {"candidate": cand.pk, "opening": a.pk, "score": "77.5"},
    )
    assert r.status_code == 302
    assert HostScore.objects.get().score == Decimal("77.5")
    # Scoring a student who did not apply to b: refused, nothing stored.
    r = host.post(
        reverse("placements:score", args=[rnd.pk]),
        {"candidate": cand.pk, "opening": b.pk, "score": "50"},
        follow=True,
    )
    assert "did not apply" in r.content.decode()
    assert HostScore.objects.count() == 1
    # A score out of range: the message names the field by its label, in the reader's
    # language; nothing stored.
    for language, label in (("en", "Score: "), ("zh-hans", "评分: ")):
        host.cookies["django_language"] = language
        r = host.post(
            reverse("placements:score", args=[rnd.pk]),
            {"candidate": cand.pk, "opening": a.pk, "score": "101"},
            follow=True,
        )
        assert label in r.content.decode() and "score: " not in r.content.decode()
    host.cookies["django_language"] = "en"
    assert HostScore.objects.get().score == Decimal("77.5")
    export = host.get(reverse("placements:applicants", args=[rnd.pk]) + "?export=csv")
    body = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "S0001" in body and "date_of_birth" not in body and "email" not in body
    coord = world.client("coordinator")
    assert coord.post(reverse("placements:round_close", args=[rnd.pk])).status_code == 302
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        r = coord.post(
            reverse("placements:run_start", args=[rnd.pk]),
            {"objective": "stable", "proposing": "students", "tie_breaking": "single", "seed": 5},
        )
    run = AllocationRun.objects.get()
    assert r.status_code == 302 and run.state == RunState.DONE and run.seed == 5
    page = coord.get(reverse("placements:run_detail", args=[rnd.pk, run.pk])).content.decode()
    assert "Rank distribution" in page and run.input_sha256 in page
    page = coord.get(reverse("placements:run_students", args=[rnd.pk, run.pk])).content.decode()
    # The school reads about the student, not to her.
    assert "Placed at" in page and "You were" not in page
    r = coord.post(reverse("placements:run_publish", args=[rnd.pk, run.pk]))
    assert r.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
    me = world.client("student")
    page = me.get(reverse("placements:result", args=[rnd.pk])).content.decode()
    assert "You were placed at" in page and a.title in page
    r = me.post(reverse("placements:respond", args=[rnd.pk]), {"answer": "accept"})
    assert Placement.objects.get().state == PlacementState.ACCEPTED
    # Chinese
    zh = me.get(reverse("placements:result", args=[rnd.pk]), headers={"Accept-Language": "zh-hans"})
    assert "您被分配到" in zh.content.decode()


def test_run_bad_options_message(world: World) -> None:
    rnd, _ = _open_round(world)
    f.close(rnd)
    coord = world.client("coordinator")
    r = coord.post(
        reverse("placements:run_start", args=[rnd.pk]),
        {"objective": "greedy", "proposing": "students", "tie_breaking": "single"},
        follow=True,
    )
    assert r.status_code == 200 and not AllocationRun.objects.exists()


def test_round_create_form(world: World) -> None:
    a = f.opening(world)
    c = world.client("coordinator")
    r = c.post(
        reverse("placements:round_create"),
        {
            "school": world.school.pk,
            "name": "Spring 2027",
            "openings": [a.pk],
            "cohort_years": "2024, 2023",
            "ranking_opens": "2027-01-01T08:00",
            "ranking_closes": "2027-01-10T08:00",
            "respond_by": "2027-01-20T08:00",
            "max_choices": 3,
            "priority_mode": "hosts",
            "weight_grades": 1,
            "weight_skills": 0,
            "weight_interview": 0,
        },
    )
    assert r.status_code == 302
    rnd = PlacementRound.objects.get(name="Spring 2027")
    assert rnd.cohort_years == [2023, 2024]
    r = c.post(reverse("placements:round_open", args=[rnd.pk]))
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN
    page = c.get(reverse("placements:round_detail", args=[rnd.pk]))
    assert page.status_code == 200


def test_round_create_bad_window(world: World) -> None:
    a = f.opening(world)
    c = world.client("coordinator")
    r = c.post(
        reverse("placements:round_create"),
        {
            "school": world.school.pk,
            "name": "Backwards",
            "openings": [a.pk],
            "ranking_opens": "2027-01-10T08:00",
            "ranking_closes": "2027-01-01T08:00",
            "respond_by": "2027-01-20T08:00",
            "max_choices": 3,
            "priority_mode": "hosts",
            "weight_grades": 1,
            "weight_skills": 0,
            "weight_interview": 0,
        },
    )
    assert r.status_code == 200 and "must close after it opens" in r.content.decode()
    assert not PlacementRound.objects.exists()


def test_preference_unique_positions_after_many_moves(world: World) -> None:
    rnd, (a, b) = _open_round(world)
    cand = f.candidate(rnd, world.people["student"])
    me = world.users["student"]
    services.preference_add(actor=me, candidate=cand, opening=a)
    services.preference_add(actor=me, candidate=cand, opening=b)
    for _ in range(5):
        services.preference_move(actor=me, candidate=cand, opening=a, direction="down")
        services.preference_move(actor=me, candidate=cand, opening=a, direction="up")
    assert list(Preference.objects.filter(candidate=cand).values_list("position", flat=True)) == [
        1,
        2,
    ]


def test_opening_form_skills_and_languages(world: World) -> None:
    from qiao.skills.models import Skill

    Skill.objects.create(code="SW-PY", label_en="Python programming")
    c = world.client("coordinator")
    fields = f.compliant(world)
    data = {
        k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items() if not isinstance(v, bool)
    }
    data.update(pay_currency="CNY", fee_charged="0", skills="NOPE 3", languages="zh B2")
    r = c.post(reverse("placements:opening_create"), data)
    assert r.status_code == 200 and "no skill has the code NOPE" in r.content.decode()
    data.update(skills="SW-PY 4", languages="zh Z9")
    r = c.post(reverse("placements:opening_create"), data)
    assert r.status_code == 200 and "from A1 to C2" in r.content.decode()
    assert not Opening.objects.exists()
    data.update(languages="zh B2\nen b1")
    r = c.post(reverse("placements:opening_create"), data)
    assert r.status_code == 302
    o = Opening.objects.get()
    assert [(n.skill.code, n.level) for n in o.skill_needs.all()] == [("SW-PY", 4)]
    assert sorted((n.language, n.level) for n in o.languages.all()) == [("en", "B1"), ("zh", "B2")]
    page = c.get(reverse("placements:opening_edit", args=[o.pk])).content.decode()
    assert "SW-PY 4" in page


def _round_with_students(world: World, n: int) -> tuple[PlacementRound, AllocationRun]:
    openings = [f.opening(world, seats=2) for _ in range(3)]
    for i in range(n):
        f.student(world, f"S{i}")
    rnd = f.round_(world, openings)
    for cand in rnd.candidates.all():
        for o in openings[: 1 + cand.pk % 3]:
            services.preference_add(actor=None, candidate=cand, opening=o)
    f.close(rnd)
    return rnd, f.run(rnd, seed=3)


def test_review_page_queries_do_not_grow(world: World) -> None:
    small, run_small = _round_with_students(world, 2)
    big, run_big = _round_with_students(world, 12)
    c = world.client("coordinator")
    c.get(reverse("placements:round_list"))
    for tab in ("run_detail", "run_openings", "run_sites", "run_students"):
        a = _queries(c, reverse(f"placements:{tab}", args=[small.pk, run_small.pk]))
        b = _queries(c, reverse(f"placements:{tab}", args=[big.pk, run_big.pk]))
        assert a == b <= 15, (tab, a, b)
    a = _queries(c, reverse("placements:round_detail", args=[small.pk]))
    b = _queries(c, reverse("placements:round_detail", args=[big.pk]))
    assert a == b <= 15, (a, b)


def test_ranking_page_says_why_not_eligible(world: World) -> None:
    other_major = f.majors(world)[0]
    from qiao.core.services import organisations

    second = organisations.major_create(
        actor=None, organisation=world.school, code="510999", name="Other major"
    )
    ok = f.opening(world, title="Open to my major", majors=[other_major])
    closed = f.opening(world, title="Another major only", majors=[second])
    rnd = f.round_(world, [ok, closed])
    page = world.client("student").get(reverse("placements:ranking", args=[rnd.pk]))
    text = page.content.decode()
    assert "You are not eligible:" in text and "does not list the student" in text
    assert text.count("Add to my list") == 1


def test_ranking_page_pages_and_searches_the_openings(world: World) -> None:
    from qiao.placements.views.students import OPENINGS_PER_PAGE

    openings = [
        f.opening(world, seats=1, title=f"Opening {i:03d}") for i in range(OPENINGS_PER_PAGE + 3)
    ]
    openings.append(f.opening(world, seats=1, title="Smart-city IoT intern"))
    rnd = f.round_(world, openings)
    c = world.client("student")
    url = reverse("placements:ranking", args=[rnd.pk])
    first = c.get(url).content.decode()
    assert "Opening 000" in first and "Opening 049" in first
    assert "Opening 050" not in first and "Smart-city" not in first
    second = c.get(url, {"page": 2}).content.decode()
    assert "Opening 050" in second and "Smart-city IoT intern" in second
    assert "Opening 000" not in second
    found = c.get(url, {"q": "iot"}).content.decode()
    assert "Smart-city IoT intern" in found and "Opening 000" not in found
    # Hostile or silly input: no error, a clear empty answer.
    nothing = c.get(url, {"q": "<script>" + "x" * 500, "page": "-3"})
    assert nothing.status_code == 200
    assert "No opening matches your search." in nothing.content.decode()
    assert "<script>x" not in nothing.content.decode()


def test_coordinator_chooses_the_schools_rule_set(world: World) -> None:
    from qiao.core.models import AuditEntry
    from qiao.placements import facts
    from qiao.placements.compliance import default_ruleset_data
    from qiao.placements.models import ComplianceRuleSet, SchoolRuleSet

    document = default_ruleset_data()
    document["title_en"] = "Stricter school rules"
    chosen = services.ruleset_create(actor=world.users["admin"], document=document)
    assert isinstance(chosen, ComplianceRuleSet)
    assert facts.ruleset_row_for_school(world.school.pk) != chosen
    url = reverse("placements:compliance_ruleset")
    page = world.client("coordinator").get(reverse("placements:compliance")).content.decode()
    assert "Use this rule set" in page and f'value="{chosen.pk}"' in page

    # Nobody but the school's coordinators (and admins) may choose: nothing changes.
    for persona in ("teacher", "student", "enterprise", "outsider"):
        r = world.client(persona).post(url, {"school": world.school.pk, "ruleset": chosen.pk})
        assert r.status_code in (403, 404), persona
    assert not SchoolRuleSet.objects.exists()

    # Wrong or hostile input: a message, nothing changed.
    c = world.client("coordinator")
    for bad in ("999999", "", "'; drop table", "1e9"):
        r = c.post(url, {"school": world.school.pk, "ruleset": bad}, follow=True)
        assert "Choose one of the stored rule sets." in r.content.decode()
    assert c.post(url, {"school": "x", "ruleset": chosen.pk}).status_code == 404
    assert not SchoolRuleSet.objects.exists()

    r = c.post(url, {"school": world.school.pk, "ruleset": chosen.pk}, follow=True)
    assert "now checks its openings and placements against" in r.content.decode()
    assert facts.ruleset_row_for_school(world.school.pk) == chosen
    assert AuditEntry.objects.filter(action="placements.ruleset.choose").count() == 1
    assert c.get(url).status_code == 405


def test_choosing_a_stricter_rule_set_rechecks_the_current_openings(world: World) -> None:
    """A published 8 h/day opening meets v3; a version allowing 7 h makes it break a blocking
    rule the moment the school chooses it: it is listed (and stays published), and choosing
    the old version again resolves it."""
    from qiao.placements.compliance import default_ruleset_data
    from qiao.placements.facts import ruleset_row_for_school
    from qiao.placements.models import ComplianceViolation

    old = ruleset_row_for_school(world.school.pk)
    o = f.opening(world, hours_per_day=Decimal(8))
    assert o.status == OpeningStatus.PUBLISHED
    document = default_ruleset_data()
    for rule in document["rules"]:
        if rule["id"] == "CN2021-HOURS-DAY":
            rule["params"]["hours"] = 7
    stricter = services.ruleset_create(actor=world.users["admin"], document=document)
    c = world.client("coordinator")
    url = reverse("placements:compliance_ruleset")
    r = c.post(url, {"school": world.school.pk, "ruleset": stricter.pk}, follow=True)
    assert "1 current opening breaks a blocking rule" in r.content.decode()
    found = ComplianceViolation.objects.get(opening=o, resolved_at=None)
    assert found.rule_id == "CN2021-HOURS-DAY" and found.ruleset == stricter
    o.refresh_from_db()
    assert o.status == OpeningStatus.PUBLISHED
    c.post(url, {"school": world.school.pk, "ruleset": old.pk})
    assert not ComplianceViolation.objects.filter(opening=o, resolved_at=None).exists()

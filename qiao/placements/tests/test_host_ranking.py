"""Hosts rank their applicants strictly (priority mode `host_ranking`): the services, the
adapter and the allocation, the explanations, the page without JavaScript, the API, who may
do it, and bad input refused with nothing changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from qiao.allocation import read_document
from qiao.conftest import World, make_user
from qiao.core.models import AuditEntry
from qiao.core.services import accounts
from qiao.placements import allocation_adapter as adapter
from qiao.placements import explain, services
from qiao.placements import host_ranking_selectors as hrs
from qiao.placements.forms import RoundForm
from qiao.placements.models import (
    HostRanking,
    Opening,
    PlacementRound,
    PriorityMode,
    RoundCandidate,
    RunOutcome,
)
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/placements"


def _order(rnd: PlacementRound, o: Opening) -> list[int]:
    return hrs.host_ranking_order(placement_round=rnd, opening=o)


def _kw(rnd: PlacementRound, o: Opening, actor: Any = None) -> dict[str, Any]:
    return {"actor": actor, "placement_round": rnd, "opening": o}


def _audits() -> int:
    return AuditEntry.objects.filter(action__startswith="placements.host_ranking.").count()


def _other_host_manager(world: World) -> Client:
    user = make_user("manager@other.example")
    accounts.membership_set(
        actor=None, user=user, organisation=world.other_enterprise, role="coordinator"
    )
    client = Client()
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


# --- Services ----------------------------------------------------------------------------------


def test_add_move_place_remove(world: World) -> None:
    rnd, o, (me, b, c) = f.host_ranking_round(world)
    host = world.users["enterprise"]
    kw = _kw(rnd, o, host)
    assert services.host_ranking_add(**kw, candidate=me) == [me.pk]
    services.host_ranking_add(**kw, candidate=b)
    assert services.host_ranking_add(**kw, candidate=c) == [me.pk, b.pk, c.pk]
    assert services.host_ranking_move(**kw, candidate=c, direction="up") == [me.pk, c.pk, b.pk]
    # At either end a move changes nothing.
    assert services.host_ranking_move(**kw, candidate=me, direction="up") == [me.pk, c.pk, b.pk]
    assert services.host_ranking_place(**kw, candidate=b, position=1) == [b.pk, me.pk, c.pk]
    assert services.host_ranking_place(**kw, candidate=b, position="3") == [me.pk, c.pk, b.pk]
    assert services.host_ranking_remove(**kw, candidate=c) == [me.pk, b.pk]
    # An unranked applicant put at a position joins the order there.
    assert services.host_ranking_place(**kw, candidate=c, position=1) == [c.pk, me.pk, b.pk]
    rows = list(HostRanking.objects.filter(round=rnd, opening=o).order_by("rank"))
    assert [(r.candidate_id, r.rank) for r in rows] == [(c.pk, 1), (me.pk, 2), (b.pk, 3)]
    assert all(r.ranked_by == host for r in rows)
    entry = AuditEntry.objects.filter(action="placements.host_ranking.place").order_by("pk").last()
    assert entry is not None and entry.organisation_id == world.enterprise.pk
    assert entry.changes["ranking"] == [[me.pk, b.pk], [c.pk, me.pk, b.pk]]


def test_set_the_whole_order(world: World) -> None:
    rnd, o, (me, b, c) = f.host_ranking_round(world)
    kw = _kw(rnd, o, world.users["enterprise"])
    assert services.host_ranking_set(**kw, candidate_ids=[c.pk, me.pk]) == [c.pk, me.pk]
    assert _order(rnd, o) == [c.pk, me.pk]
    assert services.host_ranking_set(**kw, candidate_ids=[str(b.pk)]) == [b.pk]
    assert services.host_ranking_set(**kw, candidate_ids=[]) == []
    assert not HostRanking.objects.exists()


def test_a_student_who_withdraws_leaves_the_order(world: World) -> None:
    rnd, o, (me, b, c) = f.host_ranking_round(world)
    kw = _kw(rnd, o)
    services.host_ranking_set(**kw, candidate_ids=[me.pk, b.pk, c.pk])
    services.preference_remove(actor=None, candidate=b, opening=o)
    assert _order(rnd, o) == [me.pk, c.pk]
    services.host_ranking_move(**kw, candidate=c, direction="up")
    ranks = list(HostRanking.objects.order_by("rank").values_list("candidate_id", "rank"))
    assert ranks == [(c.pk, 1), (me.pk, 2)]


def _refused(rnd: PlacementRound, o: Opening, call: Any, text: str) -> None:
    """The call is refused with `text` in its message, and nothing changed."""
    before, audits = _order(rnd, o), _audits()
    with pytest.raises(ValidationError) as exc:
        call()
    assert text in " ".join(exc.value.messages), exc.value.messages
    assert _order(rnd, o) == before and _audits() == audits


def test_bad_input_is_refused_and_nothing_changes(world: World) -> None:
    rnd, o, (me, b, c) = f.host_ranking_round(world)
    other = f.opening(world)
    outsider_round, _o2, (theirs, *_rest) = f.host_ranking_round(world, applicants=1)
    kw = _kw(rnd, o, world.users["enterprise"])
    services.host_ranking_set(**kw, candidate_ids=[me.pk, b.pk])

    # Ranking a candidate who did not apply (to this opening, or in this round).
    services.preference_remove(actor=None, candidate=c, opening=o)
    did_not_apply = "did not apply to this opening"
    _refused(rnd, o, lambda: services.host_ranking_add(**kw, candidate=c), did_not_apply)
    _refused(rnd, o, lambda: services.host_ranking_add(**kw, candidate=theirs), did_not_apply)
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_set(**kw, candidate_ids=[me.pk, c.pk]),
        did_not_apply,
    )
    # Ranking twice.
    _refused(rnd, o, lambda: services.host_ranking_add(**kw, candidate=me), "already in")
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_set(**kw, candidate_ids=[me.pk, b.pk, me.pk]),
        "more than once",
    )
    # Moving or removing someone not ranked; a direction that is not one.
    services.preference_add(actor=None, candidate=c, opening=o)
    _refused(rnd, o, lambda: services.host_ranking_remove(**kw, candidate=c), "not in your")
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_move(**kw, candidate=me, direction="sideways"),
        "up or down",
    )
    # Hostile values.
    for hostile in (["abc"], [1.5], [True], [2**70], [0], [-3], "123", None, {"a": 1}, [[1]]):
        _refused(
            rnd,
            o,
            lambda h=hostile: services.host_ranking_set(**kw, candidate_ids=h),
            "",
        )
    for position in ("abc", 0, -1, 10**30, "9" * 40, 4, 2.5, True, "١"):
        _refused(
            rnd,
            o,
            lambda p=position: services.host_ranking_place(**kw, candidate=c, position=p),
            "Choose a position from 1 to 3",
        )
    # An opening outside the round.
    _refused(
        rnd,
        other,
        lambda: services.host_ranking_add(**_kw(rnd, other), candidate=me),
        "not part of the round",
    )
    assert outsider_round.pk != rnd.pk


def test_an_ineligible_applicant_cannot_be_ranked(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    young = f.student(
        world, "Young", date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15)
    )
    o = f.opening(world)
    rnd = f.round_(world, [o], priority_mode="host_ranking")
    kid = f.candidate(rnd, young)
    kid.preferences.create(opening=o, position=1)  # on the list before a rule changed
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_add(**_kw(rnd, o), candidate=kid),
        "not eligible",
    )
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_set(**_kw(rnd, o), candidate_ids=[kid.pk]),
        "under 16",
    )
    board = hrs.host_ranking_board(placement_round=rnd, opening=o)
    assert board["ineligible"][0]["pref"].candidate_id == kid.pk and not board["unranked"]


def test_not_after_publication_nor_in_another_mode(world: World) -> None:
    rnd, o, (me, b, _c) = f.host_ranking_round(world)
    services.host_ranking_set(**_kw(rnd, o), candidate_ids=[b.pk])
    f.close(rnd)
    services.host_ranking_set(**_kw(rnd, o), candidate_ids=[b.pk, me.pk])  # closed: still fine
    services.run_publish(actor=None, run=f.run(rnd, seed=1))
    rnd.refresh_from_db()
    _refused(
        rnd,
        o,
        lambda: services.host_ranking_set(**_kw(rnd, o), candidate_ids=[me.pk]),
        "can no longer change",
    )
    _refused(rnd, o, lambda: services.host_ranking_remove(**_kw(rnd, o), candidate=me), "no longer")
    scored = f.opening(world)
    hosts_round = f.round_(world, [scored])
    cand = f.candidate(hosts_round, world.people["student"])
    services.preference_add(actor=None, candidate=cand, opening=scored)
    _refused(
        hosts_round,
        scored,
        lambda: services.host_ranking_add(**_kw(hosts_round, scored), candidate=cand),
        "do not rank",
    )


def test_only_the_hosts_managers(world: World) -> None:
    rnd, o, (me, _b, _c) = f.host_ranking_round(world)
    other = _other_host_manager(world)
    for actor in (
        world.users["student"],
        world.users["mentor"],
        world.users["coordinator"],
        world.users["outsider"],
        other.user,  # type: ignore[attr-defined]
    ):
        with pytest.raises(PermissionDenied):
            services.host_ranking_add(**_kw(rnd, o, actor), candidate=me)
        with pytest.raises(PermissionDenied):
            services.host_ranking_set(**_kw(rnd, o, actor), candidate_ids=["not even an id"])
    assert not HostRanking.objects.exists()
    services.host_ranking_add(**_kw(rnd, o, world.users["admin"]), candidate=me)
    assert _order(rnd, o) == [me.pk]


# --- Adapter, allocation, explanations ---------------------------------------------------------


def test_adapter_puts_the_hosts_order_first_then_the_lottery(world: World) -> None:
    rnd, o, (me, b, c, d) = f.host_ranking_round(world, applicants=4)
    services.host_ranking_set(**_kw(rnd, o), candidate_ids=[c.pk, me.pk])
    inp = adapter.build_input(rnd, options={"seed": 4})
    scores = {x["id"]: x["scores"] for x in inp.document["openings"]}[adapter.opening_key(o.pk)]
    key = adapter.student_key
    assert scores == {key(c.pk): 2.0, key(me.pk): 1.0, key(b.pk): 0.0, key(d.pk): 0.0}
    # Canonical: the same ranks give the same bytes and hash; the engine reads the same problem.
    assert adapter.build_input(rnd, options={"seed": 4}).sha256 == inp.sha256
    again = read_document(adapter.canonical_bytes(inp.document).decode())
    assert again.problem.student_ids == inp.problem.student_ids
    assert list(again.problem.prio_scores) == list(inp.problem.prio_scores)
    # Another order, another document.
    services.host_ranking_set(**_kw(rnd, o), candidate_ids=[me.pk, c.pk])
    assert adapter.build_input(rnd, options={"seed": 4}).sha256 != inp.sha256


def _explained(rnd: PlacementRound, candidate: RoundCandidate, language: str) -> list[str]:
    outcome = RunOutcome.objects.get(run=rnd.runs.get(), candidate=candidate)
    return explain.sentences(outcome.explanation, outcome.ineligible, {}, language)


def test_the_higher_ranked_applicant_gets_the_seat(world: World) -> None:
    # The host ranks another applicant above the persona: the one seat goes to that applicant.
    rnd, o, (me, b, c) = f.host_ranking_round(world, seats=1)
    services.host_ranking_set(**_kw(rnd, o), candidate_ids=[c.pk, me.pk, b.pk])
    f.close(rnd)
    run = f.run(rnd, seed=7)
    placed = dict(RunOutcome.objects.filter(run=run).values_list("candidate_id", "opening_id"))
    assert placed == {c.pk: o.pk, me.pk: None, b.pk: None}
    outcome = RunOutcome.objects.get(run=run, candidate=me)
    assert outcome.explanation["priority_mode"] == "host_ranking"
    en = _explained(rnd, me, "en")
    assert "had rank 1 in the host's order, yours was 2." in en[1]
    zh = _explained(rnd, me, "zh-hans")
    assert "在接收单位排序中位列第1，您位列第2。" in zh[1]
    # The same round with the other order seats the persona.
    rnd2, o2, (me2, b2, c2) = f.host_ranking_round(world, seats=1)
    services.host_ranking_set(**_kw(rnd2, o2), candidate_ids=[me2.pk, c2.pk])
    f.close(rnd2)
    run2 = f.run(rnd2, seed=7)
    assert RunOutcome.objects.get(run=run2, candidate=me2).opening_id == o2.pk
    # b2 was not ranked: the sentence says so.
    assert "and the host did not rank you" in _explained(rnd2, b2, "en")[1]
    assert "接收单位未将您列入排序" in _explained(rnd2, b2, "zh-hans")[1]


def test_unranked_applicants_are_decided_by_the_lottery(world: World) -> None:
    rnd, _o, cands = f.host_ranking_round(world, seats=1)
    f.close(rnd)
    run = f.run(rnd, seed=3)
    losers = [c for c in cands if RunOutcome.objects.get(run=run, candidate=c).opening_id is None]
    assert len(losers) == 2
    text = _explained(rnd, losers[0], "en")[1]
    assert "the host ranked neither you nor the last student admitted there" in text
    assert "recorded lottery decided" in text
    assert "由已记录的抽签决定" in _explained(rnd, losers[0], "zh-hans")[1]


HOST_ORDER = {
    "assigned": None,
    "choice": None,
    "priority_mode": "host_ranking",
    "above": [
        {
            "opening": 1,
            "choice": 1,
            "code": "below_cutoff",
            "seats_left": 0,
            "your_rank": 7,
            "cutoff_rank": 3,
            "your_score": 2.0,
            "cutoff_score": 6.0,
        },
        {
            "opening": 2,
            "choice": 2,
            "code": "quota_full",
            "seats_left": 1,
            "your_rank": 5,
            "cutoff_rank": 4,
            "your_score": 0.0,
            "cutoff_score": 1.0,
            "group": "g",
            "quota": 1,
        },
    ],
}


def test_explanation_sentences_in_the_hosts_order() -> None:
    names = {1: "5G lab", 2: "ICT base"}
    en = explain.sentences(HOST_ORDER, [], names, "en")
    assert en[1] == (
        "Not admitted at 5G lab (choice 1): it was full; the last student admitted there had "
        "rank 3 in the host's order, yours was 7."
    )
    assert "last student of your group admitted had rank 4 in the host's order" in en[2]
    assert "the host did not rank you" in en[2] and "score" not in " ".join(en)
    zh = explain.sentences(HOST_ORDER, [], names, "zh-hans")
    assert "最后一名被录取学生在接收单位排序中位列第3，您位列第7。" in zh[1]
    assert "该组最后一名被录取学生在接收单位排序中位列第4" in zh[2]
    # Without the mode the same numbers read as priorities and scores, as before.
    plain = {k: v for k, v in HOST_ORDER.items() if k != "priority_mode"}
    assert "priority 3 (score 6), yours was 7 (score 2)" in explain.sentences(plain, [], names)[1]


# --- Pages -------------------------------------------------------------------------------------


def _change(client: Client, rnd: PlacementRound, data: dict[str, Any], **headers: Any) -> Any:
    return client.post(reverse("placements:host_ranking_change", args=[rnd.pk]), data, **headers)


def test_the_page_works_without_javascript(world: World) -> None:
    rnd, o, (me, b, c) = f.host_ranking_round(world)
    host = world.client("enterprise")
    url = reverse("placements:applicants", args=[rnd.pk])
    page = host.get(url).content.decode()
    assert "Add to ranking" in page and str(me.person) in page and "Not ranked yet" in page
    back = f"{url}?opening={o.pk}"
    for cand in (me, b, c):
        r = _change(host, rnd, {"opening": o.pk, "candidate": cand.pk, "action": "add"})
        assert r.status_code == 302 and r.url == back
    r = _change(host, rnd, {"opening": o.pk, "candidate": c.pk, "action": "up"})
    assert r.status_code == 302 and _order(rnd, o) == [me.pk, c.pk, b.pk]
    _change(host, rnd, {"opening": o.pk, "candidate": me.pk, "action": "down"})
    assert _order(rnd, o) == [c.pk, me.pk, b.pk]
    _change(host, rnd, {"opening": o.pk, "candidate": b.pk, "action": "place", "position": "1"})
    assert _order(rnd, o) == [b.pk, c.pk, me.pk]
    _change(host, rnd, {"opening": o.pk, "candidate": c.pk, "action": "remove"})
    assert _order(rnd, o) == [b.pk, me.pk]
    page = host.get(back).content.decode()
    assert page.index(str(b.person)) < page.index(str(me.person)) < page.index(str(c.person))
    # A refusal comes back as a message on the page, nothing changed.
    r = _change(host, rnd, {"opening": o.pk, "candidate": me.pk, "action": "add"}, follow=True)
    assert "already in your ranking" in r.content.decode()
    assert _order(rnd, o) == [b.pk, me.pk]


def test_htmx_swaps_the_list_in_place(world: World) -> None:
    rnd, o, (me, _b, _c) = f.host_ranking_round(world)
    host = world.client("enterprise")
    r = _change(
        host, rnd, {"opening": o.pk, "candidate": me.pk, "action": "add"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and 'id="host-ranking"' in r.content.decode()
    r = _change(
        host, rnd, {"opening": o.pk, "candidate": me.pk, "action": "add"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and "already in your ranking" in r.content.decode()
    assert _order(rnd, o) == [me.pk]


def test_hostile_form_values(world: World) -> None:
    rnd, o, (me, _b, _c) = f.host_ranking_round(world)
    host = world.client("enterprise")
    services.host_ranking_add(**_kw(rnd, o), candidate=me)
    for data in (
        {"opening": o.pk, "candidate": "abc", "action": "add"},
        {"opening": o.pk, "candidate": "9" * 30, "action": "add"},
        {"opening": "9" * 30, "candidate": me.pk, "action": "add"},
        {"opening": o.pk, "candidate": me.pk, "action": "jump"},
        {"opening": o.pk, "candidate": me.pk, "action": "place", "position": "9" * 30},
        {"opening": o.pk, "candidate": me.pk, "action": "place", "position": "7"},
        {"opening": o.pk, "candidate": me.pk, "action": "place"},
        {"opening": o.pk, "candidate": 2**62, "action": "add"},
        {"opening": 2**62, "candidate": me.pk, "action": "add"},
    ):
        r = _change(host, rnd, data, follow=True)
        assert r.status_code == 200, data
        assert r.redirect_chain and r.redirect_chain[-1][1] == 302
        assert any(m.level_tag == "error" for m in r.context["messages"]), data
    assert _order(rnd, o) == [me.pk]
    assert _audits() == 1


PERSONAS = [
    "admin",
    "coordinator",
    "org_admin",
    "enterprise",
    "teacher",
    "mentor",
    "student",
    "outsider",
    "other_coordinator",
]


def test_who_may_rank(world: World) -> None:
    rnd, o, (me, _b, _c) = f.host_ranking_round(world)
    # Another host has an opening in the round too: its manager sees the round, not this list.
    theirs = f.opening(world, host=world.other_enterprise)
    rnd.openings.add(theirs)
    other = _other_host_manager(world)
    data = {"opening": o.pk, "candidate": me.pk, "action": "add"}
    got = {p: _change(world.client(p), rnd, data).status_code for p in PERSONAS}
    # The admin's post succeeded (302); every other persona was refused.
    assert got == dict.fromkeys(PERSONAS, 404) | {"admin": 302, "enterprise": 302}
    HostRanking.objects.all().delete()
    assert _change(other, rnd, data).status_code == 403
    assert not HostRanking.objects.exists()
    # The page: the host and the school's staff see it; students, mentors and others do not.
    url = reverse("placements:applicants", args=[rnd.pk])
    pages = {p: world.client(p).get(url).status_code for p in PERSONAS}
    assert pages == dict.fromkeys(PERSONAS, 404) | {
        "admin": 200,
        "coordinator": 200,
        "org_admin": 200,
        "enterprise": 200,
    }
    page = other.get(url).content.decode()
    assert theirs.title in page and str(me.person) not in page
    # The school's coordinator sees the order but has no buttons to change it.
    page = world.client("coordinator").get(f"{url}?opening={o.pk}").content.decode()
    assert str(me.person) in page and "Add to ranking" not in page


def test_round_form_offers_the_mode(world: World) -> None:
    form = RoundForm(viewer=world.users["coordinator"])
    choices = dict(form.fields["priority_mode"].choices)  # type: ignore[attr-defined]
    assert choices[PriorityMode.HOST_RANKING] == "Hosts rank their applicants"


# --- API ---------------------------------------------------------------------------------------


def _put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_api_puts_the_whole_order(world: World) -> None:
    rnd, o, (me, _b, c) = f.host_ranking_round(world)
    url = f"{BASE}/rounds/{rnd.pk}/host-rankings/{o.pk}"
    host = world.client("enterprise")
    r = _put(host, url, {"candidate_ids": [c.pk, me.pk]})
    assert r.status_code == 200, r.content
    assert r.json() == {"round_id": rnd.pk, "opening_id": o.pk, "candidate_ids": [c.pk, me.pk]}
    assert host.get(url).json()["candidate_ids"] == [c.pk, me.pk]
    assert world.client("coordinator").get(url).json()["candidate_ids"] == [c.pk, me.pk]
    for body in (
        {"candidate_ids": [me.pk, me.pk]},  # twice
        {"candidate_ids": [me.pk, 999_999]},  # did not apply
        {"candidate_ids": ["1"]},  # not an integer
        {"candidate_ids": [1.5]},
        {"candidate_ids": [2**80]},  # huge
        {"candidate_ids": [0]},
        {"candidate_ids": "1,2"},
        {"candidate_ids": [me.pk], "extra": 1},
        {},
    ):
        r = _put(host, url, body)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "invalid_input"
    r = _put(host, url, {"candidate_ids": [me.pk, me.pk]})
    assert "candidate_ids" in r.json()["error"]["details"]
    assert "more than once" in json.dumps(r.json())
    assert _order(rnd, o) == [c.pk, me.pk]
    # Who may: a student and a mentor do not see it; another host's manager may not change it.
    assert _put(world.client("student"), url, {"candidate_ids": []}).status_code == 404
    assert _put(world.client("mentor"), url, {"candidate_ids": []}).status_code == 404
    assert world.client("student").get(url).status_code == 404
    rnd.openings.add(f.opening(world, host=world.other_enterprise))
    other = _other_host_manager(world)
    assert _put(other, url, {"candidate_ids": []}).status_code == 403
    assert other.get(url).status_code == 404
    assert (
        _put(
            host, f"{BASE}/rounds/{rnd.pk}/host-rankings/999999", {"candidate_ids": []}
        ).status_code
        == 404
    )
    # After publication: refused, nothing changed.
    f.close(rnd)
    services.run_publish(actor=None, run=f.run(rnd, seed=2))
    r = _put(host, url, {"candidate_ids": [me.pk]})
    assert r.status_code == 422 and "can no longer change" in json.dumps(r.json())
    assert _order(rnd, o) == [c.pk, me.pk]

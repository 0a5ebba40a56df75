"""The rule-set pages: the stored versions, one version with its diff and JSON, a new version
edited from a stored one or uploaded as JSON — who may, and what bad input gets."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qiao.conftest import World
from qiao.core.models import AuditEntry
from qiao.placements import facts, services
from qiao.placements.compliance import (
    CHECKS_BY_SCOPE,
    PLACEHOLDERS,
    RuleSetError,
    default_ruleset_data,
    evaluate_opening,
    message_problem,
    parse_ruleset,
)
from qiao.placements.compliance_selectors import document_diff
from qiao.placements.forms_compliance import MAX_UPLOAD_BYTES, RuleSetEditForm
from qiao.placements.models import ComplianceRuleSet, OpeningStatus
from qiao.placements.services.openings import BlockedByCompliance
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db


def _default() -> ComplianceRuleSet:
    return facts.ruleset_row_for_school(0)


def _index(form: RuleSetEditForm, rule_id: str) -> int:
    return next(i for i, r in enumerate(form.source_rules) if r["id"] == rule_id)


def _form_data(source: ComplianceRuleSet) -> tuple[RuleSetEditForm, dict[str, Any]]:
    """What the page posts back when nothing is changed (and the confirmation ticked)."""
    form = RuleSetEditForm(source=source)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        else:
            data[name] = "" if value is None else str(value)
    data["confirm"] = "on"
    return form, data


def _new_url(row: ComplianceRuleSet) -> str:
    return reverse("placements:ruleset_new", args=[row.pk])


def _upload(client: Client, content: bytes, *, name: str = "rules.json", confirm: bool = True):
    data: dict[str, Any] = {"file": SimpleUploadedFile(name, content, "application/json")}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("placements:ruleset_upload"), data)


def _doc(**rule_changes: Any) -> dict[str, Any]:
    """The default document with rule CN2021-HOURS-DAY changed."""
    doc = default_ruleset_data()
    for rule in doc["rules"]:
        if rule["id"] == "CN2021-HOURS-DAY":
            rule.update(rule_changes)
    return doc


# --- Reading -------------------------------------------------------------------------------------


def test_list_filter_export_and_detail(world: World) -> None:
    row = _default()
    services.school_ruleset_set(actor=None, school=world.school, ruleset=row)
    services.ruleset_create(
        actor=None,
        document={**default_ruleset_data(), "code": "school-extra", "title_en": "Extra rules"},
    )
    c = world.client("coordinator")
    page = c.get(reverse("placements:ruleset_list")).content.decode()
    assert row.code in page and "school-extra" in page and "Extra rules" in page
    # Newest first: the version stored last comes first.
    assert page.index(">school-extra</a>") < page.index(f">{row.code}</a>")
    rules = len(default_ruleset_data()["rules"])
    assert f"<td>{rules}</td>" in page

    filtered = c.get(reverse("placements:ruleset_list"), {"code": "school-extra"}).content.decode()
    assert "Extra rules" in filtered and f">{row.code}</a>" not in filtered
    nothing = c.get(reverse("placements:ruleset_list"), {"code": "<script>x"}).content.decode()
    assert "No rule set matches these filters." in nothing and "<script>x" not in nothing

    csv = c.get(reverse("placements:ruleset_list") + "?export=csv")
    body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("id,code,version") and len(lines) == 3
    assert any(row.code in line and f",{rules},1," in line for line in lines)
    xlsx = c.get(reverse("placements:ruleset_list") + "?export=xlsx")
    assert "spreadsheetml" in xlsx["Content-Type"]

    detail = c.get(reverse("placements:ruleset_detail", args=[row.pk])).content.decode()
    for text in ("CN2021-HOURS-DAY", "max_hours_per_day", "hours = 8", "Regulation 2021, Art. 17"):
        assert text in detail
    assert "每天工作时间不得超过" in detail and "Download JSON" in detail
    assert str(world.school) in detail  # the coordinator's own school, by name
    assert "New version from this one" not in detail  # coordinators read, admins write
    assert (
        "New version from this one"
        in (
            world.client("admin").get(reverse("placements:ruleset_detail", args=[row.pk])).content
        ).decode()
    )
    # Another school's coordinator reads the version but not which schools chose it.
    theirs = world.client("other_coordinator").get(
        reverse("placements:ruleset_detail", args=[row.pk])
    )
    assert theirs.status_code == 200
    assert str(world.school) not in theirs.content.decode()
    assert "and 1 other school" in theirs.content.decode()

    # The compliance page links here.
    compliance = c.get(reverse("placements:compliance")).content.decode()
    assert reverse("placements:ruleset_list") in compliance
    assert reverse("placements:ruleset_detail", args=[row.pk]) in compliance


def test_download_json_round_trips(world: World) -> None:
    row = _default()
    r = world.client("coordinator").get(reverse("placements:ruleset_download", args=[row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert r["Content-Disposition"] == f'attachment; filename="{row.code}-v{row.version}.json"'
    document = json.loads(r.content)
    assert document["format"] == "qiao-compliance/1" and document["version"] == row.version
    assert parse_ruleset(document).rules == parse_ruleset(row.document).rules
    # Uploading it back stores the same rules as the next version.
    _upload(world.client("admin"), r.content)
    latest = ComplianceRuleSet.objects.get(code=row.code, version=row.version + 1)
    assert latest.document["rules"] == row.document["rules"]
    detail = world.client("admin").get(reverse("placements:ruleset_detail", args=[latest.pk]))
    assert f"No rule changed since version {row.version}." in detail.content.decode()


def test_list_queries_do_not_grow_with_versions(
    world: World, django_assert_max_num_queries
) -> None:
    c = world.client("admin")
    c.get(reverse("placements:ruleset_list"))
    for n in range(6):
        services.ruleset_create(actor=None, document={**default_ruleset_data(), "code": f"c{n}"})
    with django_assert_max_num_queries(8):
        r = c.get(reverse("placements:ruleset_list"))
    assert r.status_code == 200 and "c5" in r.content.decode()


def test_diff_names_added_removed_and_changed_fields() -> None:
    old = default_ruleset_data()
    new = copy.deepcopy(old)
    new["rules"][3]["params"] = {"hours": 6}
    new["rules"][3]["severity"] = "warns"
    new["rules"][4]["kinds"] = list(reversed(new["rules"][4]["kinds"]))  # same set: no change
    new["rules"][5]["params"] = {}  # was already {}
    new["rules"][4]["params"] = {"hours": 40.0}  # 40 and 40.0: the same limit
    removed = new["rules"].pop(0)
    new["rules"].append({**old["rules"][5], "id": "NEW-RULE"})
    new["title_en"] = "Changed title"
    diff = document_diff(old, new)
    assert [r.id for r in diff.removed] == [removed["id"]]
    assert [r.id for r in diff.added] == ["NEW-RULE"]
    assert [(c.rule_id, c.field_names) for c in diff.changed] == [
        ("CN2021-HOURS-DAY", ["severity", "params"])
    ]
    assert diff.changed[0].fields[1].new_shown == "hours = 6"
    assert [t.name for t in diff.titles] == ["title_en"] and not diff.empty
    assert document_diff(old, copy.deepcopy(old)).empty


# --- A new version from a stored one ---------------------------------------------------------


def test_lower_daily_limit_blocks_an_opening_once_the_school_chooses_it(world: World) -> None:
    source = _default()
    c = world.client("admin")
    assert c.get(_new_url(source)).status_code == 200
    form, data = _form_data(source)
    i = _index(form, "CN2021-HOURS-DAY")
    assert data[f"r{i}_p0"] == "8"
    data[f"r{i}_p0"] = "6"

    # Without the confirmation nothing is stored.
    unconfirmed = {k: v for k, v in data.items() if k != "confirm"}
    r = c.post(_new_url(source), unconfirmed)
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    assert ComplianceRuleSet.objects.count() == 1

    r = c.post(_new_url(source), data, follow=True)
    new = ComplianceRuleSet.objects.get(code=source.code, version=source.version + 1)
    assert r.redirect_chain[-1][0] == reverse("placements:ruleset_detail", args=[new.pk])
    page = r.content.decode()
    assert f"Version {new.version} of" in page and "is stored" in page
    # The diff names the rule and the field; nothing else changed.
    assert "Changed rules" in page and "hours = 6" in page and "Added rules" not in page
    rule = next(r for r in new.document["rules"] if r["id"] == "CN2021-HOURS-DAY")
    assert rule["params"] == {"hours": 6} and isinstance(rule["params"]["hours"], int)
    assert parse_ruleset(new.document).rules[i].params == {"hours": 6}
    assert AuditEntry.objects.filter(action="placements.ruleset.create").count() == 1

    # Schools keep their version until they choose the new one.
    seven = f.opening(world, publish=False, hours_per_day=Decimal(7))
    services.school_ruleset_set(actor=world.users["coordinator"], school=world.school, ruleset=new)
    with pytest.raises(BlockedByCompliance) as blocked:
        services.opening_publish(actor=world.users["coordinator"], opening=seven)
    assert any(
        v.rule_id == "CN2021-HOURS-DAY" and "at most 6 hours" in v.message_en
        for v in blocked.value.violations
    )
    seven.refresh_from_db()
    assert seven.status == OpeningStatus.DRAFT
    # The version the school used before allows 7 hours a day.
    before = evaluate_opening(parse_ruleset(source.document), facts.opening_facts(seven))
    assert not [v for v in before if v.rule_id == "CN2021-HOURS-DAY"]


def test_disabling_a_rule_leaves_it_out(world: World) -> None:
    source = _default()
    form, data = _form_data(source)
    i = _index(form, "CN2021-NO-FEES")
    del data[f"r{i}_enabled"]
    # A disabled rule is not checked, even with a message that would be refused.
    data[f"r{i}_message_en"] = "{nonsense}"
    data[f"r{i}_severity"] = ""
    j = _index(form, "CN2021-NO-NIGHT")
    data[f"r{j}_severity"] = "warns"
    data[f"r{j}_kinds"] = ["post_internship"]
    r = world.client("admin").post(_new_url(source), data, follow=True)
    assert r.status_code == 200
    new = ComplianceRuleSet.objects.get(version=source.version + 1)
    ids = [rule["id"] for rule in new.document["rules"]]
    assert "CN2021-NO-FEES" not in ids and len(ids) == len(source.document["rules"]) - 1
    night = next(r for r in new.document["rules"] if r["id"] == "CN2021-NO-NIGHT")
    assert night["severity"] == "warns" and night["kinds"] == ["post_internship"]
    page = r.content.decode()
    assert "Removed rules" in page and "CN2021-NO-FEES" in page

    # Every rule left out: refused.
    form, data = _form_data(new)
    for key in [k for k in data if k.endswith("_enabled")]:
        del data[key]
    r = world.client("admin").post(_new_url(new), data)
    assert "Keep at least one rule" in r.content.decode()
    assert ComplianceRuleSet.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("severity", "", "This field is required."),
        ("severity", "sometimes", "Select a valid choice."),
        ("p0", "-1", "Ensure this value is greater than or equal to 0."),
        ("p0", "eight", "Enter a number."),
        ("p0", "", "This field is required."),
        ("message_en", "At most {hours} hours a day.", "Unknown placeholder {hours}."),
        ("message_zh", "每天不超过{limit.__class__}小时", "Unknown placeholder {limit.__class__}."),
        ("message_en", "{value:d} hours", "Unknown placeholder {value:d}."),
        ("message_en", "At most {limit hours", "A brace is not closed"),
        ("message_en", "   ", "This field is required."),
        ("clause", "x" * 201, "Ensure this value has at most 200 characters"),
        ("kinds", ["post_internship", "space_walk"], "Select a valid choice."),
    ],
)
def test_bad_edits_are_refused_by_field(world: World, field: str, value: Any, error: str) -> None:
    source = _default()
    form, data = _form_data(source)
    i = _index(form, "CN2021-HOURS-DAY")
    data[f"r{i}_{field}"] = value
    r = world.client("admin").post(_new_url(source), data)
    page = r.content.decode()
    assert r.status_code == 200
    assert "The new version was not stored" in page
    assert error in page.replace("&#x27;", "'")
    assert f'id="id_r{i}_{field}_errors"' in page  # shown at the field it is about
    assert ComplianceRuleSet.objects.count() == 1


def test_message_placeholders_say_which_are_allowed(world: World) -> None:
    source = _default()
    form, data = _form_data(source)
    i = _index(form, "CN2021-NO-OVERTIME")
    data[f"r{i}_message_en"] = "No overtime ({value})."
    page = world.client("admin").post(_new_url(source), data).content.decode()
    assert "Unknown placeholder {value}. This check fills no placeholders." in page
    # Without the confirmation too: both problems are named at once.
    unconfirmed = {k: v for k, v in data.items() if k != "confirm"}
    page = world.client("admin").post(_new_url(source), unconfirmed).content.decode()
    assert "Unknown placeholder {value}." in page and 'id="id_confirm_errors"' in page
    j = _index(form, "CN2021-HOURS-DAY")
    data[f"r{i}_message_en"] = "No overtime."
    data[f"r{j}_message_en"] = "Today: {day}"
    page = world.client("admin").post(_new_url(source), data).content.decode()
    assert "This check fills only: {limit}, {value}." in page
    assert ComplianceRuleSet.objects.count() == 1


def test_script_in_messages_is_stored_as_text_and_shown_escaped(world: World) -> None:
    source = _default()
    form, data = _form_data(source)
    i = _index(form, "CN2021-HOURS-DAY")
    data["title_en"] = "<script>alert('title')</script>"
    data[f"r{i}_message_en"] = "<script>alert(1)</script> at most {limit} hours"
    data[f"r{i}_clause"] = "<img src=x onerror=alert(2)>"
    c = world.client("admin")
    page = c.post(_new_url(source), data, follow=True).content.decode()
    new = ComplianceRuleSet.objects.get(version=source.version + 1)
    assert new.document["rules"][i]["message_en"].startswith("<script>")
    for url in (
        reverse("placements:ruleset_detail", args=[new.pk]),
        reverse("placements:ruleset_list"),
        _new_url(new),
    ):
        page = c.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
        in c.get(reverse("placements:ruleset_detail", args=[new.pk])).content.decode()
    )


# --- An uploaded document -------------------------------------------------------------------------


def test_upload_stores_the_next_version(world: World) -> None:
    doc = _doc(params={"hours": 6.5})
    doc["version"] = 99  # ignored: the next free version is used
    r = _upload(world.client("admin"), json.dumps(doc, ensure_ascii=False).encode())
    new = ComplianceRuleSet.objects.get(version=4)
    assert r.status_code == 302 and r["Location"] == reverse(
        "placements:ruleset_detail", args=[new.pk]
    )
    assert new.document["version"] == 4
    assert next(r for r in new.document["rules"] if r["id"] == "CN2021-HOURS-DAY")["params"] == {
        "hours": 6.5
    }
    assert AuditEntry.objects.filter(action="placements.ruleset.create").count() == 1
    # A byte-order mark is accepted.
    _upload(world.client("admin"), b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert ComplianceRuleSet.objects.filter(version=5).exists()


def _deep(levels: int) -> bytes:
    return ('{"code": ' + "[" * levels + "]" * levels + "}").encode()


def _with_rule(**changes: Any) -> bytes:
    return json.dumps(_doc(**changes)).encode()


def _without_severity() -> bytes:
    doc = default_ruleset_data()
    del doc["rules"][3]["severity"]
    return json.dumps(doc).encode()


def _unknown_check() -> bytes:
    doc = default_ruleset_data()
    doc["rules"][3]["check"] = "max_hours_per_fortnight"
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (_unknown_check(), "rules[3].check: unknown check"),
        (_without_severity(), "rules[3].severity: must be a non-empty string"),
        (_with_rule(severity="sometimes"), "rules[3].severity: must be"),
        (
            _with_rule(message_en="At most {hours} h"),
            'rules[3].message_en: unknown placeholder "{hours}"',
        ),
        (
            _with_rule(message_zh="{value.__class__.__init__}"),
            "rules[3].message_zh: unknown placeholder",
        ),
        (_with_rule(params={"hours": -8}), "rules[3].params.hours: must be a non-negative number"),
        (_with_rule(params={"hours": "8"}), "rules[3].params.hours: must be a non-negative number"),
        (_with_rule(kinds=["space_walk"]), "rules[3].kinds: unknown opening kind"),
        (_with_rule(clause="x" * 201), "rules[3].clause: at most 200 characters"),
        (b"this is not json", "The file is not valid JSON (line 1, column 1"),
        (b'{"code": "x",}', "The file is not valid JSON"),
        (b"\xff\xfe{}", "The file is not UTF-8 text."),
        (b"", "The submitted file is empty."),
        (json.dumps(default_ruleset_data()["rules"]).encode(), "must be a JSON object"),
        (b'"just a string"', "must be a JSON object"),
        (_deep(50), "nests more than 8 levels deep"),
        (_deep(100_000), "nests more than 8 levels deep"),
        (b'{"code": "a", "code": "b"}', "appears twice in one object"),
        (_with_rule(params={"hours": float("nan")}), "NaN is not a number a rule set may hold"),
        (b'{"code": "x", "rules": [], "extra": 1}', "extra: unknown field"),
        (json.dumps({**default_ruleset_data(), "rules": []}).encode(), "needs at least one rule"),
        (json.dumps({**default_ruleset_data(), "title_en": ""}).encode(), "title_en: must be"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_error(
    world: World, content: bytes, error: str
) -> None:
    r = _upload(world.client("admin"), content)
    page = r.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert r.status_code == 200
    assert "Nothing was stored" in page
    assert error in page
    assert ComplianceRuleSet.objects.count() == 1


def test_oversized_upload_is_refused_unread(world: World) -> None:
    doc = json.dumps(default_ruleset_data()).encode()
    padded = doc[:-1] + b" " * (MAX_UPLOAD_BYTES + 1 - len(doc)) + b"}"
    assert len(padded) == MAX_UPLOAD_BYTES + 1
    r = _upload(world.client("admin"), padded)
    assert "The file is larger than 256" in r.content.decode()
    assert ComplianceRuleSet.objects.count() == 1
    # Far too large: refused by its size, never parsed.
    r = _upload(world.client("admin"), b"[" * (2 * MAX_UPLOAD_BYTES))
    assert "The file is larger than 256" in r.content.decode()
    assert "nests more than" not in r.content.decode()
    assert ComplianceRuleSet.objects.count() == 1
    # Without the confirmation a valid document is not stored either.
    r = _upload(world.client("admin"), doc, confirm=False)
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    assert ComplianceRuleSet.objects.count() == 1


def test_script_in_an_uploaded_document_is_shown_escaped(world: World) -> None:
    doc = _doc(message_en="<script>alert('x')</script>{limit}")
    doc["title_zh"] = "<script>alert('zh')</script>"
    _upload(world.client("admin"), json.dumps(doc).encode())
    new = ComplianceRuleSet.objects.get(version=4)
    c = world.client("coordinator")
    for url in (
        reverse("placements:ruleset_list"),
        reverse("placements:ruleset_detail", args=[new.pk]),
    ):
        page = c.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page, url


# --- Who may ------------------------------------------------------------------------------------


def test_only_platform_admins_create_versions(world: World) -> None:
    row = _default()
    _form, data = _form_data(row)
    content = json.dumps(default_ruleset_data()).encode()
    for persona in ("coordinator", "org_admin", "enterprise", "student", "teacher", "outsider"):
        c = world.client(persona)
        assert c.get(_new_url(row)).status_code == 403, persona
        assert c.post(_new_url(row), data).status_code == 403, persona
        assert c.get(reverse("placements:ruleset_upload")).status_code == 403, persona
        assert _upload(c, content).status_code == 403, persona
    assert ComplianceRuleSet.objects.count() == 1
    assert not AuditEntry.objects.filter(action="placements.ruleset.create").exists()
    admin = world.client("admin")
    assert admin.get(reverse("placements:ruleset_upload")).status_code == 200
    assert admin.get(reverse("placements:ruleset_new", args=[999_999])).status_code == 404


def test_who_reads_the_rule_sets(world: World) -> None:
    row = _default()
    urls = [
        reverse("placements:ruleset_list"),
        reverse("placements:ruleset_detail", args=[row.pk]),
        reverse("placements:ruleset_download", args=[row.pk]),
    ]
    for persona in ("admin", "coordinator", "org_admin", "other_coordinator"):
        for url in urls:
            assert world.client(persona).get(url).status_code == 200, (persona, url)
    # Those without a compliance page: a host manager, a mentor, a teacher, a student.
    for persona in ("enterprise", "mentor", "teacher", "student", "outsider"):
        for url in urls:
            assert world.client(persona).get(url).status_code == 403, (persona, url)
    assert (
        world.client("coordinator")
        .get(reverse("placements:ruleset_detail", args=[999_999]))
        .status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    row = _default()
    anonymous = world.client("anonymous")
    login = reverse("core:login")
    for url in (
        reverse("placements:ruleset_list"),
        reverse("placements:ruleset_detail", args=[row.pk]),
        reverse("placements:ruleset_download", args=[row.pk]),
        reverse("placements:ruleset_new", args=[row.pk]),
        reverse("placements:ruleset_upload"),
    ):
        for r in (anonymous.get(url), anonymous.post(url, {"confirm": "on"})):
            assert r.status_code == 302 and r["Location"].startswith(login), url
    assert ComplianceRuleSet.objects.count() == 1


# --- The engine's placeholder check ----------------------------------------------------------


def test_every_check_declares_its_placeholders() -> None:
    assert set(PLACEHOLDERS) == {(s, c) for s, checks in CHECKS_BY_SCOPE.items() for c in checks}
    # The default messages use only what their checks fill.
    for rule in default_ruleset_data()["rules"]:
        allowed = PLACEHOLDERS[(rule["scope"], rule["check"])]
        assert message_problem(rule["message_en"], allowed) is None
        assert message_problem(rule["message_zh"], allowed) is None


@pytest.mark.parametrize(
    ("message", "ok"),
    [
        ("At most {limit} hours; {value} asked. {{literal}}", True),
        ("{unknown}", False),
        ("{}", False),
        ("{0}", False),
        ("{limit.__class__}", False),
        ("{limit[0]}", False),
        ("{limit!r}", False),
        ("{limit:>10}", False),
        ("{", False),
        ("}", False),
    ],
)
def test_parse_ruleset_refuses_unknown_placeholders(message: str, ok: bool) -> None:
    data = _doc(message_en=message)
    if ok:
        parse_ruleset(data)
        return
    with pytest.raises(RuleSetError) as exc:
        parse_ruleset(data)
    assert exc.value.place == "rules[3].message_en"


def test_a_check_without_declared_placeholders_still_refuses_expressions() -> None:
    # A check added to the engine before its placeholders are declared keeps bare names
    # working, but never an attribute, an index or a format spec.
    assert message_problem("{anything} {else_}", None) is None
    assert message_problem("{value.__class__}", None) is not None
    assert message_problem("{value:d}", None) is not None

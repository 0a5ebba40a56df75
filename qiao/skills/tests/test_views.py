from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qiao.core.models import AuditEntry
from qiao.skills.imports import read_skills_csv
from qiao.skills.models import Skill

pytestmark = pytest.mark.django_db

LIST = reverse("skills:skill_list")
NEW = reverse("skills:skill_create")
MATCH = reverse("skills:skill_match")
MEMBERS = ("coordinator", "org_admin", "enterprise", "teacher", "mentor", "student")
NON_ADMINS = (*MEMBERS, "outsider")


def detail(code: str) -> str:
    return reverse("skills:skill_detail", args=[code])


def edit(code: str) -> str:
    return reverse("skills:skill_edit", args=[code])


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": "SW-RUST",
        "label_en": "Rust programming",
        "label_zh": "Rust 程序设计",
        "broader": "SW-PROG",
        "aliases": "rustlang\nrust lang\n\n",
        "description": "Safe systems programming.",
        "description_zh": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def codes(response) -> list[str]:
    return [s.code for s in response.context["object_list"]]


# --- Who sees what -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


@pytest.mark.parametrize("persona", ["admin", *MEMBERS])
def test_members_see_the_list_detail_and_match_page(world, catalogue, persona):
    client = world.client(persona)
    response = client.get(LIST, {"q": "k8s"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kubernetes container orchestration" in page
    assert f'href="{LIST}"' in page  # the nav item
    assert client.get(detail("CLD-K8S")).status_code == 200
    assert client.get(MATCH, {"text": "k8s"}).status_code == 200


def test_outsiders_see_nothing(world, catalogue):
    client = world.client("outsider")
    for url in (LIST, detail("CLD-K8S"), MATCH, f"{LIST}?export=csv", NEW, edit("CLD-K8S")):
        assert client.get(url).status_code == 403, url
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{LIST}"' not in home


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_non_admins_cannot_create_or_edit(world, catalogue, persona):
    client = world.client(persona)
    before = Skill.objects.get(code="CLD-K8S").label_en
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert client.get(edit("CLD-K8S")).status_code == 403
    assert client.post(edit("CLD-K8S"), form_data(label_en="Hijacked")).status_code == 403
    assert not Skill.objects.filter(code="SW-RUST").exists()
    assert Skill.objects.get(code="CLD-K8S").label_en == before
    page = client.get(LIST).content.decode() if persona != "outsider" else ""
    assert NEW not in page
    assert reverse("core:import_start", args=["skills"]) not in page


def test_admin_sees_create_and_import_links(world, catalogue):
    page = world.client("admin").get(LIST).content.decode()
    assert f'href="{NEW}"' in page
    assert f'href="{reverse("core:import_start", args=["skills"])}"' in page


# --- List: filter, sort, paginate, export --------------------------------------------------------


def test_search_covers_codes_labels_and_aliases_in_both_languages(world, catalogue):
    client = world.client("teacher")
    assert "CLD-K8S" in codes(client.get(LIST, {"q": "k8s"}))  # alias
    assert "CLD-K8S" in codes(client.get(LIST, {"q": "容器编排"}))  # Chinese label
    assert "CLD-K8S" in codes(client.get(LIST, {"q": "cld-k8"}))  # code
    assert "SW-PY" in codes(client.get(LIST, {"q": "Python 编程"}))  # Chinese alias
    assert codes(client.get(LIST, {"q": "no such skill at all"})) == []


def test_domain_and_alias_filters(world, catalogue):
    client = world.client("teacher")
    cloud = codes(client.get(LIST, {"domain": "CLD", "per_page": 100}))
    assert {"CLD", "CLD-K8S", "CLD-SEC"} <= set(cloud)
    assert all(c.startswith("CLD") for c in cloud)
    assert codes(client.get(LIST, {"domain": "NOPE"})) == []
    Skill.objects.filter(code="CLD-SEC").first().aliases.all().delete()  # type: ignore[union-attr]
    without = codes(client.get(LIST, {"has_aliases": "no", "per_page": 100}))
    assert "CLD-SEC" in without and "CLD-K8S" not in without
    assert "CLD-SEC" not in codes(client.get(LIST, {"has_aliases": "yes", "per_page": 100}))


def test_sort_and_pagination(world, catalogue):
    client = world.client("teacher")
    # Compare with the database's own order: collations differ between SQLite and PostgreSQL.
    ordered = list(Skill.objects.order_by("code", "pk").values_list("code", flat=True))
    first = codes(client.get(LIST))
    assert first == ordered[:25]
    assert codes(client.get(LIST, {"sort": "-code"})) == ordered[::-1][:25]
    by_label = list(Skill.objects.order_by("label_en", "pk").values_list("code", flat=True))
    assert codes(client.get(LIST, {"sort": "label"})) == by_label[:25]
    zh = client.get(LIST, {"sort": "label"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "云计算" in zh.content.decode()
    page2 = client.get(LIST, {"page": 2})
    assert page2.context["page_obj"].number == 2
    assert set(codes(page2)).isdisjoint(first)


def test_export_csv_round_trips_and_xlsx_opens(world, catalogue):
    client = world.client("teacher")
    response = client.get(LIST, {"domain": "CLD", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffcode,broader,label_en,label_zh,aliases_en,aliases_zh")
    assert "CLD-K8S,CLD-CNT,Kubernetes container orchestration" in text
    assert "SW-PY" not in text
    items, errors = read_skills_csv(text)
    assert errors == [] and {i.code for i in items} >= {"CLD", "CLD-K8S"}

    response = client.get(LIST, {"q": "k8s", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "code"
    assert any(row[0] == "CLD-K8S" for row in rows[1:])


def test_list_query_count_does_not_grow_with_rows(world, catalogue, django_assert_max_num_queries):
    client = world.client("teacher")
    client.get(LIST)  # warm the session and per-process caches
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"per_page": 100, "sort": "label"})
    assert len(response.context["object_list"]) == 100


# --- Detail -----------------------------------------------------------------------------------


def test_detail_shows_labels_aliases_breadcrumb_and_narrower(world, catalogue):
    page = world.client("teacher").get(detail("CLD-CNT")).content.decode()
    assert 'class="breadcrumb-item"><a href="' + detail("CLD") + '"' in page
    assert detail("CLD-K8S") in page  # a narrower skill
    page = world.client("teacher").get(detail("CLD-K8S")).content.decode()
    assert "k8s" in page and "容器编排" in page
    chain = [detail("CLD"), detail("CLD-CNT")]
    assert page.index(chain[0]) < page.index(chain[1])
    assert world.client("teacher").get(detail("NO-SUCH")).status_code == 404


def test_detail_in_chinese(world, catalogue):
    page = (
        world.client("teacher")
        .get(detail("CLD-K8S"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "<h1" in page and "Kubernetes 容器编排" in page.split("<h1", 1)[1].split("</h1>")[0]


# --- Create and edit ----------------------------------------------------------------------------


def test_admin_creates_a_skill(world, catalogue):
    response = world.client("admin").post(NEW, form_data())
    assert response.status_code == 302
    assert response["Location"] == detail("SW-RUST")
    skill = Skill.objects.get(code="SW-RUST")
    assert skill.broader is not None and skill.broader.code == "SW-PROG"
    assert skill.domain is not None and skill.domain.code == "SW"
    assert sorted(skill.aliases.values_list("text", flat=True)) == ["rust lang", "rustlang"]
    assert AuditEntry.objects.filter(action="skill.create", object_id=str(skill.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "CLD-K8S"}, "code"),  # taken
        ({"code": "bad code!"}, "code"),
        ({"label_en": ""}, "label_en"),
        ({"label_en": "x" * 10_000}, "label_en"),
        ({"aliases": "ok\n" + "a" * 300}, "aliases"),
        ({"broader": "NOPE"}, "broader"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(world, catalogue, overrides, field):
    count = Skill.objects.count()
    response = world.client("admin").post(NEW, form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Skill.objects.count() == count


def test_script_tags_are_stored_as_text_and_escaped(world, catalogue):
    admin = world.client("admin")
    script = "<script>alert('x')</script>"
    admin.post(NEW, form_data(code="XSS", label_en=script, aliases=script))
    assert Skill.objects.get(code="XSS").label_en == script
    for url in (detail("XSS"), f"{LIST}?q=script"):
        page = admin.get(url).content.decode()
        assert script not in page
        assert "&lt;script&gt;" in page


def test_admin_edits_a_skill(world, catalogue):
    admin = world.client("admin")
    form = admin.get(edit("CLD-K8S")).context["form"]
    assert form.initial["aliases"].splitlines()  # aliases one per line
    response = admin.post(
        edit("CLD-K8S"),
        form_data(
            code="IGNORED",
            label_en="Kubernetes",
            label_zh="Kubernetes 容器编排",
            broader="CLD",
            aliases="k8s\nkube",
        ),
    )
    assert response.status_code == 302
    skill = Skill.objects.get(code="CLD-K8S")  # the code did not change
    assert skill.label_en == "Kubernetes"
    assert skill.broader is not None and skill.broader.code == "CLD"
    assert sorted(skill.aliases.values_list("text", flat=True)) == ["k8s", "kube"]
    assert AuditEntry.objects.filter(action="skill.update", object_id=str(skill.pk)).exists()


def test_edit_refuses_a_cycle(world, catalogue):
    response = world.client("admin").post(
        edit("CLD"), form_data(code="CLD", label_en="Cloud computing", broader="CLD-K8S")
    )
    assert response.status_code == 200
    assert "broader" in response.context["form"].errors
    assert Skill.objects.get(code="CLD").broader_id is None


# --- Match page ---------------------------------------------------------------------------------


def test_match_page_shows_candidates_with_confidence(world, catalogue):
    response = world.client("student").get(MATCH, {"text": "python, k8s, 云计算"})
    groups = response.context["groups"]
    assert [g["text"] for g in groups] == ["python", "k8s", "云计算"]
    assert groups[1]["candidates"][0]["code"] == "CLD-K8S"
    assert groups[1]["candidates"][0]["percent"] == 100
    page = response.content.decode()
    assert detail("CLD-K8S") in page and "100%" in page and "<meter" in page
    assert "style=" not in page  # CSP: no inline style


def test_match_page_without_text(world, catalogue):
    response = world.client("student").get(MATCH)
    assert response.status_code == 200 and response.context["groups"] == []
    response = world.client("student").get(MATCH, {"text": ""})
    assert response.context["form"].errors.get("text")

"""The placements journey in Simplified Chinese, for every role: the same steps as
test_placements.py (ranking → scores → allocation → publication → acceptance) and
test_placement_lifecycle.py (agreement → insurance → activation → timesheet → sign-off →
evaluations → completion), but each persona picks 简体中文 with the language selector on the
login page before signing in, and every button, link and field is found by its Chinese label
(the msgstr in qiao/locale/zh_Hans/LC_MESSAGES/django.po), so the test proves the pages are
translated and usable in Chinese. Confirmation dialogs must be in Chinese too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from qiao.browser_tests.conftest import shot
from qiao.conftest import PASSWORD
from qiao.placements.models import AllocationRun, Evaluation, Placement, Preference, Timesheet
from qiao.placements.services.timesheets import week_of
from qiao.placements.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

HAN = re.compile(r"[\u4e00-\u9fff]")


def _as_zh(page, world, persona: str) -> None:
    """A fresh browser for `persona`: choose Simplified Chinese on the login page, then sign in
    with the Chinese labels; the first page after login is in Chinese."""
    page.context.clear_cookies()
    page.goto("/login/")
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    _field(page, "邮箱").fill(world.users[persona].email)
    _field(page, "密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def _field(page, label: str):
    """The form field labelled `label`; required fields add "*（必填）" to their label."""
    return page.get_by_label(re.compile("^" + re.escape(label) + "(?![\u4e00-\u9fff])"))


def _accept_dialogs(page) -> list[str]:
    """Accept every confirmation dialog and keep its message (checked to be Chinese)."""
    messages: list[str] = []

    def handle(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", handle)
    return messages


def _score(page, labels: list[str], value: str) -> None:
    for label in labels:
        _field(page, label).select_option(value)


def test_round_from_ranking_to_acceptance_in_chinese(page, world):
    lab = f.opening(world, title="5G实验室实习生", seats=1)
    base = f.opening(world, title="ICT基站实习生", seats=3)
    rnd = f.round_(world, [lab, base])
    dialogs = _accept_dialogs(page)

    # The student ranks both openings (加入我的志愿), puts the base first (上移), then back (下移).
    _as_zh(page, world, "student")
    page.goto(f"/placements/rounds/{rnd.pk}/ranking/")
    expect(page.get_by_role("heading", name="我的志愿", exact=True)).to_be_visible()
    page.get_by_role("button", name="加入我的志愿 5G实验室实习生").click()
    expect(page.get_by_role("button", name="移除 5G实验室实习生")).to_be_visible()
    page.get_by_role("button", name="加入我的志愿 ICT基站实习生").click()
    expect(page.get_by_role("button", name="移除 ICT基站实习生")).to_be_visible()
    page.get_by_role("button", name="上移 ICT基站实习生").click()
    expect(page.get_by_role("button", name="上移 ICT基站实习生")).to_be_disabled()
    shot(page, "zh-placements-ranking")
    cand = f.candidate(rnd, world.people["student"])
    order = list(cand.preferences.order_by("position").values_list("opening_id", flat=True))
    assert order == [base.pk, lab.pk]
    page.get_by_role("button", name="下移 ICT基站实习生").click()
    expect(page.get_by_role("button", name="下移 ICT基站实习生")).to_be_disabled()
    assert list(
        Preference.objects.filter(candidate=cand)
        .order_by("position")
        .values_list("opening_id", flat=True)
    ) == [lab.pk, base.pk]

    # The host scores its applicant (保存 → 评分已保存。).
    _as_zh(page, world, "enterprise")
    page.goto(f"/placements/rounds/{rnd.pk}/applicants/")
    page.locator("input[name=score]").first.fill("82")
    page.get_by_role("button", name="保存", exact=True).first.click()
    page.get_by_text("评分已保存。").wait_for()

    # The coordinator closes ranking, allocates, reviews and publishes.
    _as_zh(page, world, "coordinator")
    page.goto(f"/placements/rounds/{rnd.pk}/")
    page.get_by_role("button", name="截止志愿排序", exact=True).click()
    _field(page, "随机种子").fill("11")
    page.get_by_role("button", name="运行分配", exact=True).click()
    page.get_by_role("heading", name="志愿位次分布").wait_for()
    shot(page, "zh-placements-run-review")
    run = AllocationRun.objects.get()
    assert run.state == "done" and run.seed == 11
    page.get_by_role("button", name="发布本次分配运行", exact=True).click()
    page.get_by_text("已发布：1 名学生获得录用。").wait_for()

    # The student reads her result and its explanation in Chinese, and accepts.
    _as_zh(page, world, "student")
    page.goto(f"/placements/rounds/{rnd.pk}/result/")
    expect(page.get_by_role("heading", name="原因", exact=True)).to_be_visible()
    page.get_by_text("您被分配到5G实验室实习生（您的第1志愿）。").wait_for()
    shot(page, "zh-placements-result")
    page.get_by_role("button", name="接受", exact=True).click()
    page.get_by_text("已接受录用。").wait_for()
    assert Placement.objects.get().state == "accepted"
    # Publishing asked for confirmation, in Chinese.
    assert dialogs and all(HAN.search(m) for m in dialogs), f"Dialogs: {dialogs}"


def test_placement_from_agreement_to_completion_in_chinese(page, world):
    today = f.today()
    # A cognitive internship that started four weeks ago and ends today (so it can be
    # completed at the end of the journey).
    p = f.accepted(
        world,
        title="基站实习生",
        kind="cognitive_internship",
        start=today - dt.timedelta(days=28),
        end=today,
    )
    url = f"/placements/placements/{p.pk}/"
    dialogs = _accept_dialogs(page)

    # The coordinator assigns the supervising teacher and the mentor: the agreement is made.
    _as_zh(page, world, "coordinator")
    page.goto(url)
    _field(page, "指导教师").select_option(str(world.people["teacher"].pk))
    _field(page, "企业导师").select_option(str(world.people["mentor"].pk))
    page.get_by_role("button", name="指定", exact=True).click()
    expect(page.locator("#mentor")).to_contain_text(str(world.people["mentor"]))
    expect(page.get_by_role("link", name="协议（PDF，第 1 版）")).to_be_visible()

    # The student accepts the agreement.
    _as_zh(page, world, "student")
    page.goto(url)
    page.get_by_role("button", name="我接受本协议", exact=True).click()
    page.get_by_text("已记录您的接受。").wait_for()
    shot(page, "zh-placement-agreement-student")

    # The host accepts and records the insurance.
    _as_zh(page, world, "enterprise")
    page.goto(url)
    page.get_by_role("button", name="代表接收单位接受", exact=True).click()
    page.get_by_text("已记录您的接受。").wait_for()
    _field(page, "保险公司").fill("中国人保")
    _field(page, "保单号").fill("PICC-2026-001")
    page.get_by_role("button", name="保存保单", exact=True).click()
    page.get_by_text("保单已保存。").wait_for()

    # The school accepts (signed) and activates.
    _as_zh(page, world, "coordinator")
    page.goto(url)
    page.get_by_role("button", name="代表院校接受", exact=True).click()
    page.get_by_text("三方均已接受，协议已签署。").wait_for()
    page.get_by_role("button", name="生效", exact=True).click()
    page.get_by_text("实习已开始。").wait_for()
    expect(page.locator("#placement-state")).to_have_text("生效中")

    # The student records this week and submits it.
    _as_zh(page, world, "student")
    page.goto(url)
    page.get_by_role("link", name="填写本周工时").click()
    day = max(week_of(today), p.opening.start)
    page.locator(f"input[name=hours_{day.isoformat()}]").fill("7.5")
    page.locator(f"input[name=activities_{day.isoformat()}]").fill("与企业导师一起进行现场勘察")
    page.get_by_role("button", name="提交给企业导师", exact=True).click()
    page.get_by_text("工时表已提交给企业导师。").wait_for()
    sheet = Timesheet.objects.get(placement=p)
    assert sheet.state == "submitted" and str(sheet.total_hours) == "7.50"

    # The mentor finds it on her page and signs it off, then evaluates the student.
    _as_zh(page, world, "mentor")
    page.goto("/placements/mine/")
    page.get_by_role("link", name="当周").first.click()
    page.get_by_label("审核结果").select_option(label="签核")
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("工时表已签核。").wait_for()
    page.goto(url)
    rubric = ["专业技能", "工作态度与纪律", "团队合作与沟通", "安全意识"]
    _score(page, rubric, "4")
    page.get_by_role("button", name="提交评价", exact=True).click()
    page.get_by_text("评价已提交。").wait_for()

    # The supervising teacher evaluates the student; the student evaluates the site.
    _as_zh(page, world, "teacher")
    page.goto(url)
    _score(page, rubric, "5")
    page.get_by_role("button", name="提交评价", exact=True).click()
    page.get_by_text("评价已提交。").wait_for()
    _as_zh(page, world, "student")
    page.goto(url)
    _score(page, ["我的收获", "企业导师的指导", "工作条件与安全"], "5")
    _score(page, ["与所学专业的相关性"], "4")
    page.get_by_role("button", name="提交评价", exact=True).click()
    page.get_by_text("评价已提交。").wait_for()
    assert Evaluation.objects.filter(placement=p).count() == 3

    # The coordinator completes the placement.
    _as_zh(page, world, "coordinator")
    page.goto(url)
    page.get_by_role("button", name="结业", exact=True).click()
    page.get_by_text("实习安排已结业。").wait_for()
    shot(page, "zh-placement-completed")
    assert Placement.objects.get(pk=p.pk).state == "completed"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert all(HAN.search(m) for m in dialogs), f"Dialogs not in Chinese: {dialogs}"

"""Certification in the browser: the coordinator issues a session's credentials in batch (a job
with a progress page), the student finds the certificate in the wallet and downloads it, and
anyone can verify it on the public page — and sees a tampered copy fail, with the failed check."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from qiao.browser_tests.conftest import login, shot
from qiao.conftest import PASSWORD
from qiao.credentials.models import Credential
from qiao.credentials.services import assessment
from qiao.credentials.tests.conftest import centre  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_batch_issuance_wallet_download_and_public_verification(page, world, centre, tmp_path):  # noqa: F811
    student = world.people["student"]
    assessment.results_record(
        actor=None,
        session=centre.session,
        results=[assessment.ResultInput(student, Decimal("87.5"))],
    )

    # The coordinator issues the passed candidates' credentials as a background job.
    login(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/credentials/manage/sessions/{centre.session.pk}/")
    page.get_by_text("1 passed candidate has no credential yet.").wait_for()
    page.get_by_role("button", name="Issue their credentials").click()
    page.get_by_role("progressbar").wait_for()
    page.get_by_text("1 of 1").wait_for()
    shot(page, "credentials-batch-job")
    assert Credential.objects.filter(person=student, achievement=centre.achievement).count() == 1

    # The student downloads the certificate from the wallet.
    page.context.clear_cookies()
    login(page, world.users["student"].email, PASSWORD)
    page.goto("/credentials/wallet/")
    page.get_by_role("link", name="Cloud Computing Associate").click()
    shot(page, "credentials-wallet-detail")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the credential (JSON)").click()
    saved = tmp_path / "certificate.json"
    download.value.save_as(str(saved))
    credential = json.loads(saved.read_text(encoding="utf-8"))
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    # Anyone verifies it on the public page, without logging in.
    page.context.clear_cookies()
    page.goto("/verify/")
    page.locator("input[type=file]").set_input_files(str(saved))
    page.get_by_role("button", name="Verify", exact=True).click()
    verdict = page.locator(".verify-outcome .verdict")
    verdict.wait_for()
    assert verdict.inner_text().startswith("✔")
    assert "Cloud Computing Associate" in page.locator("main").inner_text()
    shot(page, "credentials-verify-valid")

    # One character changed: not valid, and the page says which check failed.
    tampered = tmp_path / "tampered.json"
    text = saved.read_text(encoding="utf-8").replace("Associate", "Associatf", 1)
    tampered.write_text(text, encoding="utf-8")
    assert text != saved.read_text(encoding="utf-8")
    page.goto("/verify/")
    page.locator("input[type=file]").set_input_files(str(tampered))
    page.get_by_role("button", name="Verify", exact=True).click()
    verdict.wait_for()
    assert verdict.inner_text().startswith("✘")
    assert "The signature does not match" in page.locator(".check-failed").first.inner_text()
    shot(page, "credentials-verify-tampered")

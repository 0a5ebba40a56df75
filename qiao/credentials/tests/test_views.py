"""Pages: who reaches what (per persona), management, wallet, PDF, share links, the public
verification page (paste, upload, link) in both languages, and hostile input."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qiao.core.models import JobProgress
from qiao.credentials.models import Credential, ShareLink
from qiao.credentials.services import assessment, sharing, status

pytestmark = pytest.mark.django_db

MANAGERS = ("admin", "coordinator", "org_admin")
NOT_MANAGERS = ("enterprise", "teacher", "mentor", "student", "outsider", "other_coordinator")


def management_urls(centre, credential):
    return [
        reverse("credentials:home"),
        reverse("credentials:achievement_list"),
        reverse("credentials:achievement_edit", args=[centre.achievement.pk]),
        reverse("credentials:scheme_list"),
        reverse("credentials:session_list"),
        reverse("credentials:session_detail", args=[centre.session.pk]),
        reverse("credentials:credential_list"),
        reverse("credentials:credential_detail", args=[credential.pk]),
    ]


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_reach_the_management_pages(centre, persona):
    credential = centre.issue()
    client = centre.world.client(persona)
    for url in management_urls(centre, credential):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_do_not(centre, persona):
    """Coordinators of other organisations (an enterprise may issue its own credentials) reach
    the management pages, but nothing of the school's; the others are sent to their wallet."""
    credential = centre.issue()
    client = centre.world.client(persona)
    for url in management_urls(centre, credential):
        response = client.get(url)
        if response.status_code == 200:
            assert persona in ("enterprise", "other_coordinator"), url
            html = response.content.decode()
            assert "Cloud Computing Associate" not in html, url
            assert "CLOUD-2026-01" not in html, url
        else:
            assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert response.url == reverse("credentials:wallet")
    # Nor the writes.
    post = client.post(
        reverse("credentials:credential_status", args=[credential.pk]),
        {"action": "revoke", "reason": "x"},
    )
    assert post.status_code in (403, 404)
    rotate = client.post(reverse("credentials:key_rotate"))
    assert rotate.status_code in (403, 404)
    credential.refresh_from_db()
    assert credential.status == "active"
    assert credential.issuer.keys.count() == 1


def test_anonymous_is_sent_to_log_in(centre):
    credential = centre.issue()
    client = centre.world.client("anonymous")
    urls = [
        *management_urls(centre, credential),
        reverse("credentials:wallet"),
        reverse("credentials:credential_json", args=[credential.pk]),
        reverse("credentials:credential_pdf", args=[credential.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


def test_wallet_shows_only_the_students_own_credentials(centre):
    mine = centre.issue()
    from qiao.credentials.tests.conftest import student

    other = centre.issue(person=student(centre.world, "S0009"))
    client = centre.world.client("student")
    page = client.get(reverse("credentials:wallet"))
    assert page.status_code == 200
    assert reverse("credentials:wallet_detail", args=[mine.pk]).encode() in page.content
    assert str(other.pk).encode() not in page.content
    assert client.get(reverse("credentials:wallet_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("credentials:credential_json", args=[other.pk])).status_code == 404


def test_enterprise_and_teacher_see_no_students_credentials(centre):
    credential = centre.issue()
    for persona in ("enterprise", "mentor", "teacher", "other_coordinator"):
        client = centre.world.client(persona)
        assert not client.get(reverse("credentials:wallet")).context["credentials"]
        for name in ("credential_json", "credential_pdf", "wallet_detail"):
            url = reverse(f"credentials:{name}", args=[credential.pk])
            assert client.get(url).status_code == 404, (persona, name)


def test_json_download_is_the_stored_document_byte_for_byte(centre):
    credential = centre.issue()
    response = centre.world.client("student").get(
        reverse("credentials:credential_json", args=[credential.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == credential.document.encode("utf-8")


def test_pdf_download_is_a_pdf(centre):
    credential = centre.issue()
    response = centre.world.client("student").get(
        reverse("credentials:credential_pdf", args=[credential.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_certificate_is_bilingual_with_a_qr_code_to_the_verification_page(centre):
    from qiao.credentials import pdf

    credential = centre.issue()
    html = pdf.certificate_html(credential)
    assert "Cloud Computing Associate" in html and "云计算工程师（初级）" in html
    assert "data:image/svg+xml;base64," in html
    assert f"/verify/c/{credential.pk}/" in html


def test_share_link_create_open_and_revoke(centre):
    credential = centre.issue()
    client = centre.world.client("student")
    response = client.post(
        reverse("credentials:share_create", args=[credential.pk]), {"label": "Acme Cloud"}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get(credential=credential)
    public = centre.world.client("anonymous")
    page = public.get(reverse("credentials_public:share", args=[link.token]))
    assert page.status_code == 200
    assert "Hua Li" in page.content.decode() or "李华" in page.content.decode()
    assert page.context["outcome"].verdict == "valid"
    assert page["Referrer-Policy"] == "no-referrer"
    client.post(reverse("credentials:share_revoke", args=[credential.pk, link.pk]))
    assert public.get(reverse("credentials_public:share", args=[link.token])).status_code == 404


def test_a_guessed_share_token_is_a_404(centre):
    centre.issue()
    client = centre.world.client("anonymous")
    for token in ("guess", "a" * 43, "x" * 500):
        assert client.get(f"/verify/s/{token}/").status_code == 404


def test_another_student_cannot_share_or_revoke_my_link(centre):
    credential = centre.issue()
    link = sharing.share_link_create(actor=None, credential=credential)
    intruder = centre.world.client("other_coordinator")
    assert (
        intruder.post(reverse("credentials:share_create", args=[credential.pk])).status_code == 404
    )
    url = reverse("credentials:share_revoke", args=[credential.pk, link.pk])
    assert intruder.post(url).status_code == 404
    link.refresh_from_db()
    assert link.is_active


def test_public_credential_page_masks_the_holder(centre):
    credential = centre.issue()
    page = centre.world.client("anonymous").get(
        reverse("credentials_public:credential", args=[credential.pk])
    )
    assert page.status_code == 200
    assert "Hua" not in page.content.decode()
    assert page.context["outcome"].verdict == "valid"


# --- The public verification page ---------------------------------------------------------------


def test_verify_page_paste_valid(centre):
    credential = centre.issue()
    client = centre.world.client("anonymous")
    assert client.get(reverse("credentials_public:verify")).status_code == 200
    response = client.post(reverse("credentials_public:verify"), {"document": credential.document})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome.verdict == "valid"
    assert [g.state for g in outcome.groups] == ["ok"] * 6
    html = response.content.decode()
    assert "Valid: this credential is genuine" in html


def test_verify_page_upload_of_a_tampered_file(centre):
    credential = centre.issue()
    tampered = credential.document.replace("Cloud Computing Associate", "Cloud Computing Expert")
    upload = SimpleUploadedFile("c.json", tampered.encode(), content_type="application/json")
    response = centre.world.client("anonymous").post(
        reverse("credentials_public:verify"), {"file": upload}
    )
    outcome = response.context["outcome"]
    assert outcome.verdict == "invalid"
    states = {g.key: g.state for g in outcome.groups}
    assert states["signature"] == "failed"
    assert "changed after it was signed" in response.content.decode()


def test_verify_page_revoked(centre):
    credential = centre.issue()
    status.credential_revoke(actor=None, credential=credential, reason="x")
    response = centre.world.client("anonymous").post(
        reverse("credentials_public:verify"), {"document": credential.document}
    )
    states = {g.key: g.state for g in response.context["outcome"].groups}
    assert states["status"] == "failed"
    assert "revoked" in response.content.decode()


def _signed_with_foreign_status(centre):
    """A credential signed by our issuer whose status list lives elsewhere."""
    from qiao.credentials.services import issuance, issuers
    from qiao.vc import CredentialStatus, build_open_badge, sign

    issuer = centre.achievement.organisation.credential_issuer
    document = build_open_badge(
        id="urn:uuid:00000000-0000-4000-8000-000000000001",
        issuer=issuance.issuer_profile(issuer),
        achievement=issuance.ob_achievement(centre.achievement),
        valid_from="2026-01-01T00:00:00Z",
        recipient_email="someone@example.org",
        credential_status=CredentialStatus("https://elsewhere.example/status/1", 7),
    )
    return sign(document, issuers.keypair(issuers.active_key(issuer)))


def test_verify_page_says_plainly_when_status_could_not_be_checked(centre):
    from qiao.credentials import verification

    outcome = verification.verify_credential(json.dumps(_signed_with_foreign_status(centre)))
    states = {g.key: g.state for g in outcome.groups}
    assert states["status"] == "unknown"
    assert outcome.verdict == "valid_unchecked"
    text = next(g for g in outcome.groups if g.key == "status").text.en
    assert "could not be checked" in text


def test_status_is_not_claimed_when_the_signature_failed(centre):
    from qiao.credentials import verification

    document = centre.issue().as_json()
    document["name"] = "Changed"
    outcome = verification.verify_credential(json.dumps(document))
    states = {g.key: g.state for g in outcome.groups}
    assert states["signature"] == "failed"
    assert states["status"] == "skipped"


def test_verify_page_in_chinese(centre):
    credential = centre.issue()
    client = centre.world.client("anonymous")
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("credentials_public:verify"), {"document": credential.document})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    # Both languages are on the page whatever the reader's language.
    assert "Valid: this credential is genuine" in html


@pytest.mark.parametrize(
    "payload",
    [
        "not json at all",
        "[1, 2, 3]",
        '{"proof": 5}',
        '{"a": ' * 200 + "1" + "}" * 200,
        json.dumps({"@context": "https://evil.example/ctx", "proof": {}}),
        "\x00\x01\x02",
        '{"a": 1, "a": 2}',
    ],
)
def test_hostile_pastes_get_a_clear_answer_not_an_error(centre, payload):
    response = centre.world.client("anonymous").post(
        reverse("credentials_public:verify"), {"document": payload}
    )
    if response.status_code == 400:  # refused by the form itself (NUL characters)
        assert response.context["form"].errors
    else:
        assert response.status_code == 200
        assert response.context["outcome"].verdict == "invalid"


def test_oversized_paste_and_upload_are_refused_before_parsing(centre, settings):
    from qiao.credentials import conf

    big = "x" * (conf.VERIFY_MAX_BYTES + 1)
    client = centre.world.client("anonymous")
    response = client.post(reverse("credentials_public:verify"), {"document": big})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    upload = SimpleUploadedFile("big.json", big.encode(), content_type="application/json")
    response = client.post(reverse("credentials_public:verify"), {"file": upload})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_empty_verify_form_says_what_to_do(centre):
    response = centre.world.client("anonymous").post(reverse("credentials_public:verify"), {})
    assert response.status_code == 400
    assert "Paste a credential or choose a file." in response.content.decode()


def test_verify_form_needs_csrf(centre):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("credentials_public:verify"), {"document": "{}"})
    assert response.status_code == 403


# --- Published documents ------------------------------------------------------------------------


def test_published_documents_are_public_json(centre):
    credential = centre.issue()
    client = centre.world.client("anonymous")
    issuer = credential.issuer
    did = client.get(reverse("credentials_public:issuer_did", args=[issuer.slug]))
    assert did.status_code == 200 and did.json()["id"] == issuer.did
    assert client.get("/.well-known/did.json").json()["id"].startswith("did:web:")
    trust = client.get(reverse("credentials:trust_list"))
    assert trust.json()["type"] == "QiaoTrustList"
    assert "max-age" in trust["Cache-Control"]
    entry = credential.as_json()["credentialStatus"][0]
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    listing = client.get("/" + path)
    assert listing.status_code == 200
    assert listing.json()["type"][1] == "BitstringStatusListCredential"
    assert client.get("/credentials/status/nobody/revocation/1.json").status_code == 404
    assert client.get(f"/credentials/status/{issuer.slug}/other/1.json").status_code == 404
    assert client.get("/issuers/nobody/did.json").status_code == 404


# --- Management writes --------------------------------------------------------------------------


def test_coordinator_issues_revokes_and_cannot_revoke_twice(centre):
    client = centre.world.client("coordinator")
    response = client.post(
        reverse("credentials:credential_issue"),
        {"achievement": centre.achievement.pk, "who": "S0001"},
    )
    assert response.status_code == 302, response.content
    credential = Credential.objects.get()
    url = reverse("credentials:credential_status", args=[credential.pk])
    client.post(url, {"action": "revoke", "reason": "error"})
    credential.refresh_from_db()
    assert credential.status == "revoked"
    response = client.post(url, {"action": "revoke", "reason": "again"}, follow=True)
    assert "cannot change any more" in response.content.decode()


def test_issuing_to_someone_of_another_organisation_from_the_page(centre):
    response = centre.world.client("coordinator").post(
        reverse("credentials:credential_issue"),
        {"achievement": centre.achievement.pk, "who": "K0001"},
    )
    assert response.status_code == 200
    assert "No one of your organisation" in response.content.decode()
    assert not Credential.objects.exists()


def test_session_page_records_results_and_starts_the_batch(
    centre, django_capture_on_commit_callbacks
):
    client = centre.world.client("coordinator")
    url = reverse("credentials:session_result", args=[centre.session.pk])
    assert client.post(url, {"res-who": "S0001", "res-score": "77"}).status_code == 302
    bad = client.post(url, {"res-who": "S0001", "res-score": "700"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credentials:session_issue", args=[centre.session.pk]))
    job = JobProgress.objects.get(kind="credentials:issue")
    assert response.url == reverse("core:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == "done"
    assert Credential.objects.filter(result__session=centre.session).count() == 1


def test_achievement_and_scheme_forms(centre):
    client = centre.world.client("coordinator")
    response = client.post(
        reverse("credentials:achievement_create"),
        {
            "kind": "course",
            "name_en": "Kubernetes basics",
            "description_en": "Runs workloads on Kubernetes.",
            "criteria_en": "Completed the course.",
            "languages": "en",
            "skills": [centre.skills[0].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    response = client.post(
        reverse("credentials:scheme_create"),
        {
            "achievement": centre.achievement.pk,
            "code": "cloud-a",
            "pass_mark": "50",
            "max_score": "100",
        },
    )
    assert response.status_code == 200
    assert "already used" in response.content.decode()


def test_key_rotation_from_the_page(centre):
    response = centre.world.client("coordinator").post(reverse("credentials:key_rotate"))
    assert response.status_code == 302
    assert centre.achievement.organisation.credential_issuer.keys.count() == 2


def test_results_of_the_session_show_up(centre):
    assessment.result_record(
        actor=None, session=centre.session, person=centre.world.people["student"], score=Decimal(61)
    )
    page = centre.world.client("coordinator").get(
        reverse("credentials:session_detail", args=[centre.session.pk])
    )
    assert page.context["to_issue"] == 1


def test_list_pages_do_not_grow_queries_with_rows(centre, django_assert_max_num_queries):
    from qiao.credentials.tests.conftest import student

    for i in range(4):
        centre.issue(person=student(centre.world, f"S7{i:03d}"))
    centre.issue()
    coordinator = centre.world.client("coordinator")
    holder = centre.world.client("student")
    with django_assert_max_num_queries(25):
        assert coordinator.get(reverse("credentials:credential_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert holder.get(reverse("credentials:wallet")).status_code == 200
    with django_assert_max_num_queries(20):
        assert coordinator.get(reverse("credentials:achievement_list")).status_code == 200


def test_back_office_is_read_only(centre):
    credential = centre.issue()
    admin = centre.world.client("admin")
    assert admin.get("/back-office/credentials/credential/").status_code == 200
    page = admin.get(f"/back-office/credentials/credential/{credential.pk}/change/")
    assert page.status_code == 200
    assert b'name="document"' not in page.content
    issuer = admin.get(f"/back-office/credentials/issuer/{credential.issuer.pk}/change/")
    assert b"secret" not in issuer.content.lower()

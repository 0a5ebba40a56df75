"""Production safety of the settings: start-up refuses to run without its secrets, and with
DEBUG off every secure default is on.

The settings module is imported in a fresh interpreter with a clean environment: it detects a
test run by "pytest" being imported, so the child must never import pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path

REPO = Path(__file__).resolve().parents[3]
DEV_SECRET = "qiao-development-only-secret-key-do-not-use-in-production-0123456789"
PROD_SECRET = "a-long-random-production-secret-key-for-the-settings-test-0123456789"

PROBE = """
import json, sys
import qiao.settings
import django
django.setup()
from django.conf import settings as s
assert "pytest" not in sys.modules
from django.contrib.auth.hashers import make_password
print(json.dumps({
    "DEBUG": s.DEBUG,
    "TESTING": qiao.settings.TESTING,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "PASSWORD_HASHERS": s.PASSWORD_HASHERS,
    "hash": make_password("x").split("$")[0],
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "TASKS": s.TASKS["default"]["BACKEND"],
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "AXES_FAILURE_LIMIT": s.AXES_FAILURE_LIMIT,
}))
"""


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QIAO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "qiao.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "qiao.example.org"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": PROD_SECRET}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": PROD_SECRET, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
        (
            {
                "SECRET_KEY": DEV_SECRET,
                "ALLOWED_HOSTS": "qiao.example.org",
            },
            "SECRET_KEY must be set",
        ),
    ],
    ids=["nothing set", "no secret", "no hosts", "blank hosts", "the development secret"],
)
def test_production_refuses_to_start_without_its_secrets(
    tmp_path: Path, env: dict[str, str], complaint: str
) -> None:
    result = run_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_settings_are_secure(tmp_path: Path) -> None:
    s = probe(tmp_path, SECRET_KEY=PROD_SECRET, ALLOWED_HOSTS="qiao.example.org")
    assert s["DEBUG"] is False
    assert s["TESTING"] is False
    assert s["ALLOWED_HOSTS"] == ["qiao.example.org"]
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["AXES_FAILURE_LIMIT"] == 5
    # Passwords: Argon2 first (tests use MD5 for speed; production never does).
    assert s["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in h for h in s["PASSWORD_HASHERS"])
    assert s["hash"] == "argon2"
    assert s["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["TASKS"] == "django_tasks_db.DatabaseBackend"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    for directive, sources in s["CSP"].items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive


def test_development_runs_without_secrets(tmp_path: Path) -> None:
    s = probe(tmp_path, DEBUG="1")
    assert s["DEBUG"] is True
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "localhost" in s["ALLOWED_HOSTS"]


def test_the_test_run_hashes_fast_and_never_in_production(settings: Any) -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")


# --- Responses with DEBUG off -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(settings: Any) -> None:
    settings.DEBUG = False
    client = Client()
    for url in ("/login/", "/api/v1/me", "/no-such-page/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_https_gets_hsts_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_http_is_redirected_to_https_when_asked(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


@pytest.mark.django_db
def test_a_404_is_our_page_not_the_debug_page(settings: Any) -> None:
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Using the URLconf" not in html
    assert "Django tried these URL patterns" not in html


def _boom(request: Any) -> Any:
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_500_is_our_page_without_the_traceback() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret detail" not in html
    assert "Traceback" not in html

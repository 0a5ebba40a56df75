"""The printable certificate: an HTML template rendered to PDF with WeasyPrint.

Bilingual (English and Chinese on one page, whatever the reader's language), with a QR code to
the credential's public verification page, embedded as an SVG data URI (nothing is fetched while
rendering: WeasyPrint's URL fetcher refuses everything but data: URIs).
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from qiao.credentials.models import Credential
from qiao.credentials.services import publishing


def qr_data_uri(url: str) -> str:
    """A QR code for `url` as an SVG data URI."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def certificate_context(credential: Credential) -> dict[str, Any]:
    url = publishing.verify_url(credential.pk)
    achievement = credential.achievement
    person = credential.person
    with override("en"):
        issued_en = timezone.localdate(credential.issued_at).strftime("%d %B %Y")
    local_issued = timezone.localdate(credential.issued_at)
    issued_zh = f"{local_issued.year}年{local_issued.month}月{local_issued.day}日"
    until = timezone.localdate(credential.valid_until) if credential.valid_until else None
    skills = list(achievement.skills.order_by("code"))
    return {
        "credential": credential,
        "achievement": achievement,
        "person": person,
        "issuer": credential.issuer,
        "organisation": credential.organisation,
        "issued_en": issued_en,
        "issued_zh": issued_zh,
        "until_en": until.strftime("%d %B %Y") if until else "",
        "until_zh": f"{until.year}年{until.month}月{until.day}日" if until else "",
        "skills": skills,
        "verify_url": url,
        "qr": qr_data_uri(url),
    }


def certificate_html(credential: Credential) -> str:
    return render_to_string("credentials/certificate.html", certificate_context(credential))


def certificate_pdf(credential: Credential) -> bytes:
    """The certificate as PDF bytes."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])  # the QR code; nothing from the network
    stylesheet = finders.find("credentials/certificate.css")
    html = HTML(string=certificate_html(credential), url_fetcher=fetcher)
    data: bytes = html.write_pdf(stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher)])
    return data

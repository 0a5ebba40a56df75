"""Markdown summaries render to sanitised HTML: no scripts, no javascript: links, no on*
attributes — on the page too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qiao.agreements.markdown import render_markdown
from qiao.agreements.tests import factories as f

EVIL = """# Heading

**Bold** and [a link](https://example.org) and [bad](javascript:alert(1)).

<script>alert("x")</script>
<img src="x" onerror="alert(1)">
<a href="#" onclick="steal()">click</a>
<p style="color:red" onmouseover="x()">styled</p>
<iframe src="https://evil.example"></iframe>
[data](data:text/html;base64,PHNjcmlwdD4=)

| a | b |
|---|---|
| 1 | 2 |
"""


def test_markdown_keeps_formatting_and_strips_everything_dangerous():
    html = str(render_markdown(EVIL))
    assert "<h2>Heading</h2>" in html  # h1 belongs to the page
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html and "noopener" in html
    assert "<table>" in html
    lowered = html.lower()
    for bad in (
        "<script",
        "alert(",
        "javascript:",
        "onerror",
        "onclick",
        "onmouseover",
        "style=",
        "<iframe",
        "<img",
        "data:text",
    ):
        assert bad not in lowered, bad


def test_empty_summary_renders_nothing():
    assert str(render_markdown("")) == ""


@pytest.mark.django_db
def test_the_agreement_page_shows_the_sanitised_summary(world):
    a = f.agreement(world, summary=EVIL)
    page = world.client("teacher").get(reverse("agreements:agreement_detail", args=[a.pk]))
    content = page.content.decode()
    assert "<strong>Bold</strong>" in content
    assert 'alert("x")' not in content and "onerror" not in content
    assert "javascript:alert" not in content

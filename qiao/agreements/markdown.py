"""Markdown that people write (agreement summaries, later minutes) rendered to safe HTML.

Markdown passes raw HTML through, so its output is never trusted: nh3 (the Rust `ammonia`
sanitiser) keeps only the tags and attributes below, drops <script>/<style> with their
content, every on* attribute, and any link whose scheme is not http, https or mailto
(`javascript:` and `data:` links lose their href).
"""

from __future__ import annotations

import markdown as md  # type: ignore[import-untyped]
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LENGTH = 50_000


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML for `text`. Headings start at h2: the page's own title is the h1."""
    if not text:
        return mark_safe("")
    html = md.markdown(
        text[:MAX_LENGTH],
        extensions=["tables", "sane_lists", "fenced_code"],
        output_format="html",
    )
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above

"""The one way user-written Markdown becomes HTML: rendered, then cleaned with an allow-list.

Markdown lets raw HTML through, so the rendered HTML is cleaned by nh3 (ammonia): only the
tags and attributes below survive, links keep only http(s) and mailto schemes (so no
``javascript:``), every event attribute (``onclick=``…) and ``<script>``/``<style>`` goes, and
links get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set(), "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


def render_markdown(text: str) -> SafeString:
    """Safe HTML for ``text`` written in Markdown (headings start at level 2: the page
    has its own ``<h1>``)."""
    html = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308  # cleaned by nh3 with the allow-list above


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body, for e-mails, feeds' summaries and search snippets."""
    return nh3.clean(md.markdown(text or ""), tags=set()).strip()

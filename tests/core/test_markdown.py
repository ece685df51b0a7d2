"""User Markdown renders without scripts, ``javascript:`` links or event attributes."""

import pytest
from django.template import Context, Template

from portal.core.markdown import markdown_to_text, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "Hello <script>alert('x')</script> world",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">para</p>',
        '<div onmouseover="alert(1)">hover</div>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>',
    ],
)
def test_dangerous_markup_is_removed(source):
    html = render_markdown(source).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html and "onmouseover" not in html
    assert "<style" not in html and "<iframe" not in html
    assert "data:text/html" not in html


def test_ordinary_markdown_survives():
    html = render_markdown(
        "# Title\n\nSome **bold** and *em*, a [link](https://ec.europa.eu/x).\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h2>Title</h2>" in html  # the page has its own h1
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert 'href="https://ec.europa.eu/x"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


def test_template_filter_renders_clean_html():
    html = Template("{% load markdown %}{{ body|markdown }}").render(
        Context({"body": "**hi** <script>x()</script>"})
    )
    assert "<strong>hi</strong>" in html and "<script" not in html


def test_plain_text_drops_all_markup():
    assert markdown_to_text("**Bold** [link](https://x.eu) <b>raw</b>") == "Bold link raw"

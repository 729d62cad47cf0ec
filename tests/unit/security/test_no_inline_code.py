"""The Content-Security-Policy allows no inline script or style, so no template may carry one.

Every HTML template in the repository (email templates aside: mail clients need inline style and
no CSP applies to them) is scanned for `style="…"` attributes, `<style>` blocks, `<script>`
without `src` (JSON data blocks are fine), `on…=` event handlers, `hx-on` attributes (htmx
evaluates them as code) and `javascript:` URLs. Put CSS in a static .css file and behaviour in a
static .js file; see SECURITY.md.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git", "htmlcov"}
EMAIL_DIRS = {"email", "emails"}

RULES = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.S),
    "<style> block": re.compile(r"<style[\s>]", re.I),
    "inline <script>": re.compile(
        r"<script(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json)[^>]*>",
        re.I,
    ),
    "event handler attribute": re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S | re.I),
    "hx-on attribute": re.compile(r"<[a-zA-Z][^>]*?\s(?:hx|data-hx)-on", re.S | re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I),
}


def inline_code(text: str) -> list[str]:
    return [name for name, rule in RULES.items() if rule.search(text)]


def project_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.html"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP_DIRS or parts & EMAIL_DIRS or "templates" not in parts:
            continue
        found.append(path)
    return sorted(found)


def test_templates_are_found():
    names = {p.name for p in project_templates()}
    assert {"base.html", "500.html", "player.html"} <= names


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_or_style(path):
    problems = inline_code(path.read_text(encoding="utf-8"))
    assert not problems, (
        f"{path.relative_to(ROOT)} has {', '.join(problems)}: the CSP blocks it. Move CSS to a "
        "static .css file and JS to a static .js file (classes and data- attributes carry values)."
    )


@pytest.mark.parametrize(
    "snippet",
    [
        '<span style="width: 3%">',
        "<div\n  class='x'\n  style='color:red'>",
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<script type="module">import x</script>',
        '<button onclick="go()">',
        '<a href="javascript:void(0)">',
        '<div hx-on:click="x()">',
    ],
)
def test_the_scanner_catches_inline_code(snippet):
    assert inline_code(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/a.js" defer></script>',
        '<script id="d" type="application/json">{"a": 1}</script>',
        '<link rel="stylesheet" href="/static/site.css">',
        '<span class="pct-30" data-style="x">',
        "{% block style %}",
        '<p>Say "onward" = forward</p>',
    ],
)
def test_the_scanner_allows_static_files_and_data(snippet):
    assert not inline_code(snippet)

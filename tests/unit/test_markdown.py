"""Markdown cleaning: what members type can never run script or load remote content."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcore.markdown import LINK_REL, mention_handles, quote, render

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<iframe src=//evil.example></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![tracker](https://evil.example/pixel.gif)",
    '[x](https://example.org "title" onmouseover="alert(1)")',
    '[x](https://example.org" onmouseover="alert(1))',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<object data=javascript:alert(1)>",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
]

ALLOWED = {
    "p", "br", "hr", "em", "strong", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRS = {"href", "title", "rel", "class", "start"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    """Parse the output as a browser would and check every element and attribute."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag in ALLOWED, f"unexpected <{tag}> in {html!r}"
        assert set(attrs) <= ALLOWED_ATTRS, f"unexpected attributes {attrs} in {html!r}"
        href = attrs.get("href")
        if href is not None:
            scheme = href.strip().lower()
            # "" (from `[]()`) only links to the page itself: harmless
            assert scheme == "" or scheme.startswith(("http://", "https://", "mailto:", "/")), href
        if tag == "a":
            assert attrs.get("rel") == LINK_REL
        if "class" in attrs:
            assert attrs["class"] == "mention"


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_come_out_harmless(vector):
    assert_harmless(render(vector))


def test_raw_html_is_shown_as_text_not_markup():
    html = render("<script>alert(1)</script>")
    assert "&lt;script&gt;" in html
    assert "<script>" not in html


def test_images_become_links_never_image_loads():
    html = render("![a tracker](https://evil.example/pixel.gif)")
    assert "<img" not in html
    assert 'href="https://evil.example/pixel.gif"' in html


def test_links_get_rel_and_safe_schemes_pass():
    html = render("[site](https://example.org) and [mail](mailto:coach@example.org)")
    assert html.count(f'rel="{LINK_REL}"') == 2
    assert 'href="mailto:coach@example.org"' in html


def test_ordinary_markdown_still_renders():
    html = render("**bold** *it* `code`\n\n> quoted\n\n- one\n- two\n\n1. first")
    for fragment in (
        "<strong>bold</strong>",
        "<em>it</em>",
        "<code>code</code>",
        "<blockquote>",
        "<ul>",
        "<ol>",
    ):
        assert fragment in html


def test_mentions_link_only_in_plain_text():
    html = render(
        "hi @sam, `@sam` and [@sam](https://x.org)", mentions={"sam": "/community/members/7/"}
    )
    assert html.count('href="/community/members/7/"') == 1
    assert 'class="mention"' in html
    assert "<code>@sam</code>" in html


def test_unknown_mentions_stay_text():
    assert "<a" not in render("hello @nobody", mentions={"sam": "/community/members/7/"})


def test_mention_handles_parsed():
    assert mention_handles("hey @Coach.Robin. and @sam-1 but not me@example.org") == {
        "coach.robin",
        "sam-1",
    }


def test_quote_reply_is_a_blockquote():
    html = render(quote("line one\nline two", author_name="Sam"))
    assert html.startswith("<blockquote>")
    assert "line two" in html


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=&#;:/()[]!`* \nabcjsvriptonerlg0123456789@")),
        max_size=120,
    )
)
def test_any_input_comes_out_harmless(text):
    assert_harmless(render(text, mentions={"sam": "/community/members/1/"}))

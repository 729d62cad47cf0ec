"""The one Markdown sanitiser: forum posts, lessons and any other Markdown we show.

markdown-it with raw HTML off, then an nh3 allow-list.

Two layers: markdown-it's "js-default" preset escapes any HTML typed into a post and refuses
`javascript:`/`vbscript:`/`file:`/`data:` links; nh3 then keeps only the tags the renderer emits,
forces `rel` on links and only lets http, https and mailto URLs through. Images are switched off
so a post never loads anything from a remote server (`![alt](url)` shows as text and a link).
"""

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"

MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.\-]{0,59})")


def mention_handles(body: str) -> set[str]:
    """The lower-cased @handles written in a body (a handle is a display name without spaces)."""
    return {m.group(1).rstrip(".-").lower() for m in MENTION_RE.finditer(body)}


def _parser() -> MarkdownIt:
    md = MarkdownIt("js-default")
    md.disable("image")
    return md


def _link_mentions(tokens: list[Token], mentions: Mapping[str, str]) -> None:
    """Turn @handle in ordinary text (not in code, not inside links) into a link to the member."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for child in block.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            if child.type != "text" or in_link or "@" not in child.content:
                children.append(child)
                continue
            text, pos = child.content, 0
            for match in MENTION_RE.finditer(text):
                handle = match.group(1).rstrip(".-")
                url = mentions.get(handle.lower())
                if url is None:
                    continue
                start, end = match.start(), match.start() + 1 + len(handle)
                if start > pos:
                    children.append(Token("text", "", 0, content=text[pos:start]))
                children.append(Token("link_open", "a", 1, attrs={"href": url, "class": "mention"}))
                children.append(Token("text", "", 0, content=text[start:end]))
                children.append(Token("link_close", "a", -1))
                pos = end
            if pos < len(text):
                children.append(Token("text", "", 0, content=text[pos:]))
        block.children = children


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(body: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Markdown → safe HTML. `mentions` maps a lower-cased handle to the member's page URL."""
    md = _parser()
    env: dict = {}
    tokens = md.parse(body, env)
    if mentions:
        _link_mentions(tokens, mentions)
    return clean_html(md.renderer.render(tokens, md.options, env))


def quote(body: str, *, author_name: str) -> str:
    """A markdown blockquote of another post, for quote-reply."""
    lines = body.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> **{author_name}** wrote:\n>\n{quoted}\n\n"

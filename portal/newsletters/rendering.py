"""Markdown to sanitised HTML and to plain text, for the page and both parts of the email.

Champions write Markdown (headings, lists, links, emphasis, images by link). markdown-it turns it into HTML
with raw HTML switched off, then nh3 (the Ammonia sanitiser) keeps only an allow-list of tags and attributes
and only http(s) and mailto links, so script, event handlers, javascript: links, style attributes and
iframes can never reach a page or an email, whatever was typed.
"""

import re
from dataclasses import dataclass
from html import unescape

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Headings in a newsletter start at h2: the page's own h1 is the subject.
HEADING_SHIFT = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}

SCRIPT_SCHEME = re.compile(r"(?i)\b(?:java|vb)script\s*:")
TAG_LIKE = re.compile(r"<[^>]*>")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = HEADING_SHIFT[token.tag]


def to_html(markdown: str) -> str:
    """Sanitised HTML for `markdown`; safe to mark as safe in a template or an email."""
    tokens = _markdown.parse(markdown or "")
    _shift_headings(tokens)
    raw = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        # A link relative to the portal goes nowhere in an email, and a scheme hidden behind an encoded character
        # ("jav&#x09;ascript:") reads as a relative link: keep only absolute ones.
        url_relative="deny",
        strip_comments=True,
    )
    # A refused link stays as its literal text; take out the scheme so no "javascript:" survives even as words.
    return SCRIPT_SCHEME.sub("", clean)


def _link_written_out(link: re.Match) -> str:
    url, words = link.group(1), link.group(2)
    # A bare address (<https://…> or <name@example.org>) is its own text: write it once, not twice.
    if unescape(words) == unescape(url).removeprefix("mailto:"):
        return words
    return f"{words} ({url})"


def to_text(markdown: str) -> str:
    """A plain-text version: the words without Markdown markup, links written out after their text."""
    html = to_html(markdown)
    html = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', _link_written_out, html, flags=re.S)
    html = re.sub(r'<img [^>]*alt="([^"]*)"[^>]*>', r"[Image: \1]", html)
    html = re.sub(r"<li>", "- ", html)
    html = re.sub(r"</(p|h2|h3|h4|li|blockquote|pre)>|<br>|<hr>", "\n", html)
    text = unescape(nh3.clean(html, tags=set()))  # the words alone, entities turned back into characters
    text = TAG_LIKE.sub("", text)  # markup someone typed as words has no place in the plain-text part either
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render(markdown: str) -> Rendered:
    return Rendered(html=to_html(markdown), text=to_text(markdown))

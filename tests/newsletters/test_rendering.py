"""Markdown to sanitised HTML and plain text: what champions may write renders, and no attack survives."""

import re

import pytest
from bs4 import BeautifulSoup

from portal.newsletters.rendering import render

# Each way someone might try to run code, restyle or frame the page, or smuggle a data: URL through the editor.
ATTACKS = {
    "script element": "Hello <script>alert('boo')</script> there",
    "script in a code block": "```\n<script>alert('boo')</script>\n```",
    "onerror handler": '<img src="https://example.org/a.png" onerror="alert(1)">',
    "onclick handler": '<a href="https://example.org" onclick="alert(1)">Click</a>',
    "handler typed in link text": "[<b onmouseover=alert(1)>hover</b>](https://example.org)",
    "javascript: link": "[Click me](javascript:alert(1))",
    "javascript: in mixed case": "[Click me](JaVaScRiPt:alert(1))",
    "javascript: with an encoded tab": "[Click me](jav&#x09;ascript:alert(1))",
    "javascript: with an encoded letter": "[Click me](&#106;avascript:alert(1))",
    "javascript: with an encoded colon": "[Click me](javascript&colon;alert(1))",
    "javascript: autolink": "<javascript:alert(1)>",
    "javascript: image": "![A picture](javascript:alert(1))",
    "vbscript: link": "[Click me](vbscript:msgbox(1))",
    "reference-style javascript: link": "[Click me][x]\n\n[x]: javascript:alert(1)",
    "style attribute": '<p style="position: fixed; top: 0">Pay here</p>',
    "style element": "<style>body { display: none }</style>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "data: image": "![A pixel](data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==)",
    "data: link": "[Open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
}
DANGEROUS_ELEMENTS = ["script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "meta", "link"]
UNSAFE_URL = re.compile(r"^(?:javascript|vbscript|data):", re.I)


def _squeezed(url: str) -> str:
    # Browsers ignore white space and control characters inside a scheme, so look at it the way they do.
    return re.sub(r"[\x00-\x20]", "", url)


def dangers_in(html: str) -> list[str]:
    """Everything in `html` that could run code, restyle the page or load a data: URL, described in words."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<{element.name}>" for element in soup.find_all(DANGEROUS_ELEMENTS)]
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{name} on <{element.name}>")
            if name in ("href", "src") and UNSAFE_URL.match(_squeezed(value)):
                found.append(f"{name}={value!r}")
    return found


def assert_harmless(markdown: str) -> None:
    rendered = render(markdown)
    assert dangers_in(rendered.html) == []
    assert "javascript:" not in rendered.html.lower() and "vbscript:" not in rendered.html.lower()
    assert re.search(r"<[a-z!/]", rendered.text, re.I) is None, "markup in the plain-text part"
    assert "javascript:" not in rendered.text.lower()


@pytest.mark.parametrize("markdown", ATTACKS.values(), ids=ATTACKS.keys())
def test_no_attack_survives_in_either_part(markdown):
    assert_harmless(markdown)


def test_the_checker_itself_spots_each_kind_of_danger():
    hostile = (
        '<script></script><iframe></iframe><object></object><p style="x" onclick="y">'
        '<a href=" jav\tascript:alert(1)">a</a><img src="data:image/png;base64,AA=="></p>'
    )

    assert dangers_in(hostile) == [
        "<script>",
        "<iframe>",
        "<object>",
        "style on <p>",
        "onclick on <p>",
        "href=' jav\\tascript:alert(1)'",
        "src='data:image/png;base64,AA=='",
    ]


def test_typed_html_is_shown_as_words_not_used():
    rendered = render("Hello <script>alert('boo')</script> there")

    assert BeautifulSoup(rendered.html, "html.parser").get_text() == "Hello <script>alert('boo')</script> there\n"


def test_headings_start_at_level_two_because_the_subject_is_the_page_heading():
    html = render("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six").html

    assert [(h.name, h.get_text()) for h in BeautifulSoup(html, "html.parser").find_all(re.compile("^h"))] == [
        ("h2", "One"),
        ("h3", "Two"),
        ("h4", "Three"),
        ("h4", "Four"),
        ("h4", "Six"),
    ]


def test_lists_emphasis_and_quotes_render():
    soup = BeautifulSoup(
        render("- apples\n- pears\n\n1. first\n2. second\n\n*gently* and **firmly**\n\n> quoted").html, "html.parser"
    )

    assert [li.get_text() for li in soup.select("ul > li")] == ["apples", "pears"]
    assert [li.get_text() for li in soup.select("ol > li")] == ["first", "second"]
    assert (soup.em.get_text(), soup.strong.get_text()) == ("gently", "firmly")
    assert soup.blockquote.get_text(strip=True) == "quoted"


def test_links_keep_their_address_and_open_without_passing_on_the_portal():
    soup = BeautifulSoup(
        render("[Support line](https://example.org/help) or [write](mailto:help@example.org)").html, "html.parser"
    )

    assert [(a["href"], a["rel"], a.get_text()) for a in soup.find_all("a")] == [
        ("https://example.org/help", ["noopener", "noreferrer"], "Support line"),
        ("mailto:help@example.org", ["noopener", "noreferrer"], "write"),
    ]


def test_an_image_by_https_link_keeps_its_description():
    image = BeautifulSoup(render('![The town hall](https://example.org/hall.jpg "Spring")').html, "html.parser").img

    assert (image["src"], image["alt"], image["title"]) == ("https://example.org/hall.jpg", "The town hall", "Spring")


def test_a_link_relative_to_the_portal_is_dropped_because_it_goes_nowhere_in_an_email():
    rendered = render("[Admin](/admin/users) and [elsewhere](//example.org/x)")

    assert [a.get("href") for a in BeautifulSoup(rendered.html, "html.parser").find_all("a")] == [None, None]
    assert rendered.text == "Admin and elsewhere\n"


def test_the_plain_text_part_writes_link_addresses_out():
    rendered = render(
        "## Help\n\nCall the [support line](https://example.org/help) or see <https://example.org/faq>.\n\n"
        "![The town hall](https://example.org/hall.jpg)\n\n- **one**\n- *two*"
    )

    assert rendered.text == (
        "Help\n\n"
        "Call the support line (https://example.org/help) or see https://example.org/faq.\n\n"
        "[Image: The town hall]\n\n"
        "- one\n\n- two\n"
    )


def test_the_plain_text_part_turns_entities_back_into_characters():
    assert render("Fish & chips < £5, \"quoted\" and 'single'").text == "Fish & chips < £5, \"quoted\" and 'single'\n"

"""Hypothesis strategies for hostile input: text, numbers, dates, choices, files and the shape of a form post.

A form post is a list of (name, value) pairs, so a name may repeat (a list where a string is expected), be missing,
or be one nobody asked for. A value is a string or an `Upload` (a file part of a multipart post).
"""

import io
import zlib
from dataclasses import dataclass

from hypothesis import strategies as st

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

SQL = [
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(5)--",
    "Robert'); DELETE FROM survey_answers; --",
    "%' AND 1=0 UNION SELECT password_hash FROM users --",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7 * 7 }}{% print(config) %}",
    "${7*7}#{7*7}",
    "</textarea><script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
]
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1"]
ODD_TEXT = [
    "",
    " ",
    "\t\n\r  \u00a0\u2003",
    "\x00",
    "name\x00with a NUL",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "\U0001f4a9\U0001f3f3\ufe0f\u200d\U0001f308",
    "Ω≈ç√∫˜µ≤≥÷ åß∂ƒ©˙∆˚¬",
    "\ud7ff\ue000\uffff",
    "\x1b[31mred\x1b[0m",
    "a\r\nb\rc\nd",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "null",
    "None",
    "undefined",
    "true",
]
NUMBERS_AS_TEXT = [
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0x10",
    " 12 ",
    "٣",
    "12abc",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 5000,
    "2147483648",
    "-2147483649",
    "9223372036854775808",
]
DATES = [
    ["31", "02", "2026"],
    ["1", "13", "2026"],
    ["99999"],
    ["1", "1", "99999"],
    ["1", "1", "0"],
    ["1", "1", "1"],
    ["31", "12", "9999"],
    ["1", "1", "1000"],
    ["0", "0", "0"],
    ["-1", "1", "2026"],
    ["29", "02", "2025"],
    ["1", "1"],
    ["1", "1", "2026", "1"],
    ["2026-13-01", "", ""],
    ["31/02/2026"],
    ["", "", ""],
    ["one", "two", "three"],
]


@dataclass(frozen=True)
class Upload:
    """A file part: bytes, the name the browser says it has and the type it claims."""

    data: bytes
    filename: str
    content_type: str

    def as_werkzeug(self) -> tuple:
        return (io.BytesIO(self.data), self.filename, self.content_type)

    def __repr__(self) -> str:  # a 10 MB payload must not flood a failure report
        return f"Upload({self.data[:40]!r}…[{len(self.data)} bytes], {self.filename!r}, {self.content_type!r})"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def tiny_png() -> bytes:
    """A real one-pixel PNG, so that some uploads are accepted and what is stored can be checked."""
    header = _png_chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
    pixels = _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return PNG_SIGNATURE + header + pixels + _png_chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><a href='javascript:alert(1)'><text>x</text></a></svg>"
)
FILE_PAYLOADS = [
    (b"", "empty.png", "image/png"),
    (tiny_png(), "logo.png", "image/png"),
    (tiny_png()[:30], "truncated.png", "image/png"),
    (PNG_SIGNATURE + b"\x00junk" * 20, "junk.png", "image/png"),
    (JPEG_SIGNATURE + b"not really a jpeg", "photo.jpg", "image/jpeg"),
    (SVG_WITH_SCRIPT, "logo.svg", "image/svg+xml"),
    (SVG_WITH_SCRIPT, "logo.png", "image/png"),
    (tiny_png(), "../../etc/passwd", "text/html"),
    (tiny_png(), "a\x00b.png", "image/png"),
    (b"PK\x03\x04" + b"\x00" * 60, "members.xlsx", "application/vnd.ms-excel"),
    (b"%PDF-1.7\n" + b"x" * 100, "members.csv", "text/csv"),
    (b"name,summary\n=cmd|' /C calc'!A0,x\n", "members.csv", "text/csv"),
    ("\ufeffa,b\n\u00e9,\u00e8\n".encode("utf-16"), "unicode.csv", "text/csv"),
]
BIG_FILE = (PNG_SIGNATURE + b"\x00" * (10 * 1024 * 1024), "huge.png", "image/png")


def uploads() -> st.SearchStrategy[Upload]:
    named = st.sampled_from(FILE_PAYLOADS).map(lambda payload: Upload(*payload))
    random_bytes = st.builds(
        Upload, st.binary(max_size=2048), st.sampled_from(["x.png", "x.csv", "x", ""]), st.just("image/png")
    )
    return st.one_of(named, random_bytes, st.just(Upload(*BIG_FILE)))


def random_text(max_size: int = 60) -> st.SearchStrategy[str]:
    # Any character a browser can send; lone surrogates cannot be encoded in UTF-8, so no form could hold them.
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


def long_text() -> st.SearchStrategy[str]:
    return st.builds(
        lambda piece, times: (piece * times)[:100_000],
        st.sampled_from(["a", "é ", "<b>", "\u202e"]),
        st.sampled_from([501, 2_001, 10_001, 100_000]),
    )


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SQL + MARKUP + FORMULAS + ODD_TEXT),
        random_text(),
        long_text(),
        st.builds(lambda a, b: a + b, st.sampled_from(MARKUP + FORMULAS), random_text(10)),
    )


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS_AS_TEXT),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        hostile_text(),
    )


def hostile_email() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "a@b",
                "@example.com",
                "person@",
                "person@@example.com",
                "person@example.com\r\nBcc: everyone@example.com",
                "person@example.com, other@example.com",
                '"<script>alert(1)</script>"@example.com',
                "x" * 250 + "@example.com",
                "PERSON1@COUNCIL.EXAMPLE",
                " person1@council.example ",
            ]
        ),
        hostile_text(),
    )


def hostile_url() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "javascript:alert(1)",
                "JAVASCRIPT:alert(1)",
                "https://",
                "https://evil.example/<script>",
                'https://example.org/" onmouseover="alert(1)',
                "http://javascript:alert(1)",
                "ftp://example.org",
                "//evil.example",
                "https://exa mple.org",
                "https://" + "a" * 600 + ".example",
                "https://example.org\nhttps://second.example",
            ]
        ),
        hostile_text(),
    )


def hostile_date() -> st.SearchStrategy[list[str]]:
    """A GOV.UK date input posts three values under one name: day, month and year."""
    return st.one_of(
        st.sampled_from(DATES),
        st.lists(st.one_of(hostile_number(), st.integers(-5, 40).map(str)), min_size=0, max_size=5),
    )


def hostile_value(kind: str, valid: list[str]) -> st.SearchStrategy:
    """A bad value for a field of `kind`: one made for that kind, or anything at all (the wrong type)."""
    made_for_kind = {
        "text": hostile_text(),
        "email": hostile_email(),
        "url": hostile_url(),
        "number": hostile_number(),
        "date": hostile_date(),
        "choice": st.one_of(hostile_number(), hostile_text()),
        "multi": st.lists(st.one_of(hostile_number(), st.sampled_from(valid or [""])), max_size=6),
        "bool": st.sampled_from(["y", "n", "0", "false", "off", "", "2", "\x00"]),
        "file": uploads(),
        "hidden": hostile_number(),
    }[kind]
    wrong_type = st.one_of(
        st.lists(hostile_text(), min_size=2, max_size=4),  # a repeated key where one value is expected
        uploads() if kind != "file" else hostile_text(),
        hostile_text(),
    )
    return st.one_of(made_for_kind, made_for_kind, wrong_type)


MISSING = object()
EXTRA_NAMES = ["id", "user_id", "role", "roles", "is_admin", "status", "csrf_token", "__proto__", "submit", "x" * 300]


@st.composite
def hostile_post(draw, fields: dict[str, tuple[str, list[str]]]) -> list[tuple[str, object]]:
    """A form post built from the valid values in `fields` (name -> (kind, valid values)), with hostile changes.

    Some fields get a hostile value, some go missing, and unknown fields may be added, a few or thousands.
    """
    values: dict[str, object] = {name: list(valid) for name, (_kind, valid) in fields.items()}
    names = sorted(fields)
    if names:
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=min(3, len(names)), unique=True)):
            kind, valid = fields[name]
            values[name] = draw(
                st.one_of(hostile_value(kind, valid), st.just(MISSING))
                if draw(st.booleans())
                else hostile_value(kind, valid)
            )
    extra = draw(st.sampled_from(["none", "none", "few", "many"]))
    pairs = [(name, item) for name, value in values.items() if value is not MISSING for item in _as_items(value)]
    if extra == "few":
        pairs += draw(st.lists(st.tuples(st.sampled_from(EXTRA_NAMES) | random_text(20), hostile_text()), max_size=4))
    elif extra == "many":
        pairs += [(f"field{number}", "x") for number in range(draw(st.sampled_from([900, 1_500])))]
    return pairs


RAW_BODIES = [
    ("application/json", b'{"name": {"nested": [1, 2]}, "email": 5, "title": null, "roles": [[1]]}'),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'"just a string"'),
    ("application/json", b"not json at all {"),
    ("application/x-www-form-urlencoded", b"name=%ff%fe%zz&&==&title=%00&" + b"a=" + b"\xff\xfe" * 10),
    ("application/x-www-form-urlencoded", b"=" * 2_000),
    ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nno end'),
    ("multipart/form-data", b"--\r\n\r\n"),
    ("text/plain", b"title=plain text"),
    ("application/xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
]


def hostile_body() -> st.SearchStrategy[tuple[str, bytes] | None]:
    """Mostly None (post the form as a browser would); sometimes a body that is not a form at all."""
    return st.one_of(st.none(), st.none(), st.none(), st.sampled_from(RAW_BODIES))


def _as_items(value: object) -> list:
    return value if isinstance(value, list) else [value]


# ---- CSV files for the imports ---------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "shift_jis", "utf-32"]
CSV_SPOILERS = [
    "formula",
    "encoding",
    "nul",
    "many columns",
    "big field",
    "field over the csv limit",
    "unbalanced quote",
    "too many rows",
    "bad row among good ones",
    "old mac line endings",
    "random bytes",
    "header only",
    "workbook",
]


@dataclass(frozen=True)
class CsvRecipe:
    """How to spoil a valid CSV file: the spoilers to apply, and what each one needs."""

    spoilers: tuple[str, ...]
    formula: str
    formula_column: int
    encoding: str
    position: float  # where in the file a NUL or a stray quote goes, as a fraction of its length
    noise: bytes


@st.composite
def csv_recipes(draw) -> CsvRecipe:
    return CsvRecipe(
        spoilers=tuple(draw(st.lists(st.sampled_from(CSV_SPOILERS), min_size=1, max_size=2, unique=True))),
        formula=draw(st.sampled_from(FORMULAS + MARKUP[:3])),
        formula_column=draw(st.integers(0, 30)),
        encoding=draw(st.sampled_from(ENCODINGS)),
        position=draw(st.floats(0, 1)),
        noise=draw(st.binary(min_size=1, max_size=512)),
    )


# ---- the same attacks on every endpoint, whatever the random examples happen to try ------------------------

_LONG = "a" * 100_000
CORE_VALUES = {
    "text": [
        "Legal\x00help",
        "<script>alert(1)</script>",
        "'; DROP TABLE users; --",
        FORMULAS[0],
        "\u202eevil",
        " \t\n ",
        _LONG,
    ],
    "email": [
        "person@example.com\x00",
        '"<script>alert(1)</script>"@example.com',
        "x'; DROP TABLE users; --@example.com",
        "=cmd@example.com",
        "\u202eperson@example.com",
        " ",
        _LONG,
    ],
    "url": [
        "https://example.org/\x00",
        "javascript:alert(1)",
        "https://example.org/';DROP TABLE users;--",
        FORMULAS[0],
        "https://\u202eexample.org",
        " ",
        "https://" + _LONG,
    ],
    "number": ["9\x00", "-1", "9" * 30, "1e309", "٣", " ", "9" * 5000],
    "date": [
        ["31", "02", "2026"],
        ["1", "13", "2026"],
        ["99999"],
        ["31", "12", "9999"],
        ["1", "1", "0"],
        ["", "", ""],
        ["1", "1", "1"],
    ],
    "choice": ["0\x00", "<script>alert(1)</script>", "' OR '1'='1", "=1", "\u202e", "", "9" * 100],
    "multi": [["0\x00"], ["<script>alert(1)</script>"], ["' OR 1=1"], ["=1"], ["1", "1", "1"], [], ["9" * 100]],
    "bool": ["y\x00", "y", "y", "y", "y", "", ""],
    "file": [Upload(*FILE_PAYLOADS[index]) for index in (0, 5, 3, 2, 9, 12)] + [Upload(*BIG_FILE)],
    "hidden": ["1\x00", "-1", "9" * 30, "1e309", "", " ", "9" * 5000],
}
CORE_ROUNDS = 7


def core_posts(fields: dict[str, tuple[str, list[str]]]) -> list[list[tuple[str, object]]]:
    """Seven posts in which every field at once holds a classic attack for its kind: a NUL, a script, SQL, a
    formula, a right-to-left override, white space only, 100,000 characters (and their like for numbers, dates,
    choices and files). A form without fields gets unknown fields holding a NUL and a script instead."""
    if not fields:
        return [[("submit", "\x00")], [("x" * 300, "<script>alert(1)</script>")]]
    return [
        [(name, item) for name, (kind, _valid) in fields.items() for item in _as_items(CORE_VALUES[kind][round_])]
        for round_ in range(CORE_ROUNDS)
    ]

"""Word search over the directory, done by the database.

Both the stored text and the query are reduced to lower-case, singular words, so "Counselling Services"
finds "counselling service" and "SERVICE". Each query word must appear somewhere; a match in the name counts
most, then category and provider, then the rest of the entry.
"""

import re

from sqlalchemy import ColumnElement, and_, case, literal, or_

WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
NAME_WEIGHT, META_WEIGHT, BODY_WEIGHT = 6, 3, 1


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(text: str | None) -> str:
    """Lower-case singular words separated by single spaces, with a space at each end for whole-word starts."""
    words = (singular(word) for word in WORD.findall((text or "").lower()))
    return " " + " ".join(words) + " "


def query_words(query: str) -> list[str]:
    words = [word[:MAX_WORD_LENGTH] for word in normalise(query).split()]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def match_and_rank(
    words: list[str], name: ColumnElement, meta: ColumnElement, body: ColumnElement
) -> tuple[ColumnElement, ColumnElement]:
    """A WHERE clause that every word matches, and a rank expression to order by (higher is better).

    A word matches at the start of a stored word (" counsel" finds "counselling"), which keeps short words
    such as "gp" from matching inside unrelated ones.
    """
    conditions, rank = [], literal(0)
    for word in words:
        pattern = f"% {word}%"
        in_name, in_meta, in_body = name.like(pattern), meta.like(pattern), body.like(pattern)
        conditions.append(or_(in_name, in_meta, in_body))
        rank = (
            rank
            + case((in_name, NAME_WEIGHT), else_=0)
            + case((in_meta, META_WEIGHT), else_=0)
            + case((in_body, BODY_WEIGHT), else_=0)
        )
    return and_(*conditions), rank

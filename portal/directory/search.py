"""Word search over the directory, done by the database.

Both the stored text and the query are reduced to lower-case, singular words without accents, so "Counselling
Services" finds "counselling service" and "SERVICE", and "ffon" finds "ffôn". Each query word must appear
somewhere; a match in the name counts most, then category and provider, then the rest of the entry.

The words of every service are kept in an index table (SearchTerm), so a search reads the entries that match
rather than every entry in the directory.
"""

import re
import unicodedata

from sqlalchemy import Subquery, func, select, union_all

from portal.directory.models import SearchTerm

WORD = re.compile(r"[^\W_]+")  # letters and digits, in any alphabet
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
NAME_WEIGHT, META_WEIGHT, BODY_WEIGHT = 6, 3, 1
PREFIX_END = "\U0010ffff"  # sorts after any character, so [word, word + PREFIX_END) holds every word it starts


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
    words = (singular(word) for word in WORD.findall(_plain_letters(text or "")))
    return " " + " ".join(words) + " "


def _plain_letters(text: str) -> str:
    """Case-folded, with accents taken off: "Ffôn" becomes "ffon"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def query_words(query: str) -> list[str]:
    words = [word[:MAX_WORD_LENGTH] for word in normalise(query).split()]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def terms(name: str, meta: str, body: str) -> list[dict]:
    """The rows of the search index for one service, from its normalised name, category and provider, and text.

    Each distinct word once, cut to the longest word a query keeps, with flags for where it appears.
    """
    fields = {"in_name": name.split(), "in_meta": meta.split(), "in_body": body.split()}
    flags: dict[str, dict[str, int]] = {}
    for field, words in fields.items():
        for word in words:
            row = flags.setdefault(word[:MAX_WORD_LENGTH], dict.fromkeys(fields, 0))
            row[field] = 1
    return [{"term": term, **row} for term, row in flags.items()]


def matching_services(words: list[str]) -> Subquery:
    """(service_id, rank) for each service in which every word starts some word; higher rank is better.

    A word matches at the start of a stored word ("counsel" finds "counselling"), which keeps short words
    such as "gp" from matching inside unrelated ones. Each word is one range of the term index, so the cost
    follows the number of matches, not the size of the directory.
    """
    per_word = [
        select(
            SearchTerm.service_id,
            (
                NAME_WEIGHT * func.max(SearchTerm.in_name)
                + META_WEIGHT * func.max(SearchTerm.in_meta)
                + BODY_WEIGHT * func.max(SearchTerm.in_body)
            ).label("rank"),
        )
        .where(SearchTerm.term >= word, SearchTerm.term < word + PREFIX_END)
        .group_by(SearchTerm.service_id)
        for word in words
    ]
    if len(per_word) == 1:
        return per_word[0].subquery("matches")
    each = union_all(*per_word).subquery("each_word")
    return (
        select(each.c.service_id, func.sum(each.c.rank).label("rank"))
        .group_by(each.c.service_id)
        .having(func.count() == len(per_word))
        .subquery("matches")
    )

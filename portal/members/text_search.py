"""Every piece of text in the database: replacing a departed member's name and email wherever they appear.

Audit summaries, emails to other people, evidence frozen in an assessment ("2 appointed: ..."), newsletters
and training histories can all carry a name as text, with no foreign key to follow. This walks every string
and JSON column of every table instead, so that a table added later is covered without anyone remembering.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import JSON, Column, String, Table, Text, and_, cast, func, or_, select, update

from portal.extensions import db


def text_columns(skip_tables: frozenset[str] = frozenset()) -> Iterator[tuple[Table, Column]]:
    """(table, column) for every string or JSON column in the models."""
    for table in db.metadata.sorted_tables:
        if table.name in skip_tables:
            continue
        for column in table.columns:
            if isinstance(column.type, String | JSON):
                yield table, column


def _pattern(needle: str) -> re.Pattern:
    # Whole words only: "Ann Lee" must not turn "Ann Leeson" into "Former member 7son".
    return re.compile(rf"(?<![\w.+-]){re.escape(needle)}(?![\w-]|\.\w)", re.IGNORECASE)


def _replace_in(value: Any, patterns: list[tuple[re.Pattern, str]]) -> Any:
    """`value` with every match replaced; JSON values are walked (keys too), other values returned as they are."""
    if isinstance(value, str):
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_replace_in(item, patterns) for item in value]
    if isinstance(value, dict):
        return {_replace_in(key, patterns): _replace_in(item, patterns) for key, item in value.items()}
    return value


def _may_contain(column: Column, needles: list[str]):
    """A cheap SQL filter for rows that might mention a needle (case aside), before the exact check in Python."""
    as_text = func.lower(cast(column, Text))
    forms = set()
    for needle in needles:
        forms.add(needle.lower())
        if isinstance(column.type, JSON):
            forms.add(json.dumps(needle)[1:-1].lower())  # as the JSON encoder escapes it
    return or_(*(as_text.contains(form, autoescape=True) for form in forms))


def replace_everywhere(replacements: Mapping[str, str], *, skip_tables: frozenset[str] = frozenset()) -> int:
    """Replace each key of `replacements` (whole words, any case) with its value in every text column.

    Returns how many values changed. Runs in the caller's transaction.
    """
    patterns = [(_pattern(old), new) for old, new in replacements.items() if old]
    needles = [old for old in replacements if old]
    if not needles:
        return 0
    changed = 0
    for table, column in text_columns(skip_tables):
        keys = list(table.primary_key.columns)
        rows = db.session.execute(select(*keys, column).where(_may_contain(column, needles))).all()
        for row in rows:
            *key_values, value = row
            new_value = _replace_in(value, patterns)
            if new_value == value:
                continue
            where = and_(*(key == key_value for key, key_value in zip(keys, key_values, strict=True)))
            db.session.execute(update(table).where(where).values({column.name: new_value}))
            changed += 1
    return changed

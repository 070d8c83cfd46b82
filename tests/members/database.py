"""Read the whole database, table by table, the way an auditor looking for a name would."""

import json

from sqlalchemy import select

from portal.extensions import db
from portal.selfassessment import scoring
from portal.selfassessment.models import Assessment


def where_text_appears(*needles: str) -> list[str]:
    """ "table.column" for every value, in every table, whose text holds any needle (any case). Binary skipped."""
    lowered = [needle.lower() for needle in needles]
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, bytes | bytearray | memoryview) or value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                if any(needle in text.lower() for needle in lowered):
                    found.append(f"{table.name}.{column}")
    return sorted(set(found))


def rows_of(table_name: str) -> list[tuple]:
    """Every row of a table as tuples, sorted: for comparing a table before and after."""
    table = db.metadata.tables[table_name]
    return sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)


def figures(assessment: Assessment) -> list[tuple]:
    """Each principle's score, out of, and how many statements are scored: the self-assessment's totals."""
    return [(item.number, item.score, item.out_of, item.scored) for item in scoring.totals(assessment).principles]

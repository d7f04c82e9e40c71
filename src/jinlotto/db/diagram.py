"""The entity-relationship diagram of every table, generated from the ORM models.

What a table holds is its model's docstring; who writes it is the table's
``info["written_by"]`` (service modules). A column whose value names a row of another table
without a foreign key (a draw that may not be stored yet) says so in ``info["refers_to"]``.
"""

import inspect
import textwrap
from collections.abc import Iterator

from sqlalchemy import Column, ForeignKey, Table, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase

from jinlotto.db import models  # noqa: F401 - registers every table on Base.metadata
from jinlotto.db.base import Base

COMMAND = "jinlotto db diagram"
WIDTH = 80


def tables(base: type[DeclarativeBase] = Base) -> list[Table]:
    """Every table of the schema, by name."""
    return sorted(base.metadata.tables.values(), key=lambda table: table.name)


def holds(table: Table, base: type[DeclarativeBase] = Base) -> str:
    """What the table holds: the first paragraph of its model's docstring, on one line."""
    for mapper in base.registry.mappers:
        if mapper.local_table is table:
            doc = inspect.getdoc(mapper.class_) or ""
            return " ".join(doc.split("\n\n")[0].split())
    raise LookupError(f"no model maps the table {table.name}")


def writers(table: Table) -> tuple[str, ...]:
    """The modules that write the table (``info["written_by"]`` of its model)."""
    return tuple(table.info.get("written_by", ()))


def render(base: type[DeclarativeBase] = Base) -> str:
    """The Markdown section of docs/DATABASE.md: the diagram, then one entry per table."""
    lines = ["```mermaid", "erDiagram"]
    for table in tables(base):
        lines += _entity(table)
    lines += sorted(_relationships(tables(base)))
    lines += ["```", ""]
    for table in tables(base):
        lines += _entry(table, holds(table, base))
    return "\n".join(lines) + "\n"


def _entity(table: Table) -> list[str]:
    lines = [f"    {table.name} {{"]
    for column in table.columns:
        keys = ", ".join(_keys(table, column))
        note = "null" if column.nullable and not column.primary_key else ""
        parts = [_type(column), column.name, keys, f'"{note}"' if note else ""]
        lines.append("        " + " ".join(part for part in parts if part))
    lines.append("    }")
    return lines


def _type(column: Column[object]) -> str:
    # Mermaid attribute types may hold letters, digits, underscores and parentheses.
    return str(column.type.compile()).replace(" ", "_")


def _keys(table: Table, column: Column[object]) -> list[str]:
    keys = []
    if column.primary_key:
        keys.append("PK")
    if column.foreign_keys:
        keys.append("FK")
    if column.unique or any(column.name in unique.columns for unique in _uniques(table)):
        keys.append("UK")
    return keys


def _uniques(table: Table) -> Iterator[UniqueConstraint]:
    return (c for c in table.constraints if isinstance(c, UniqueConstraint))


def _relationships(schema: list[Table]) -> Iterator[str]:
    """Foreign keys as solid lines; ``refers_to`` references without one as dotted lines."""
    for table in schema:
        for column in table.columns:
            key: ForeignKey
            for key in column.foreign_keys:
                target = key.column.table.name
                yield f'    {target} ||--o{{ {table.name} : "{column.name}"'
            if "refers_to" in column.info:
                target = column.info["refers_to"].split(".")[0]
                yield f'    {target} ||..o{{ {table.name} : "{column.name} (no FK)"'


def _entry(table: Table, what: str) -> list[str]:
    text = f"- **{table.name}** — {what}"
    written = ", ".join(f"`{module}`" for module in writers(table))
    text += f" Written by {written}." if written else ""
    for unique in _uniques(table):
        if len(unique.columns) > 1:
            text += f" Unique: ({', '.join(c.name for c in unique.columns)})."
    return textwrap.wrap(text, WIDTH, subsequent_indent="  ", break_on_hyphens=False)

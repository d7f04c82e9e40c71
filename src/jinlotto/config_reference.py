"""The configuration reference: one Markdown row per setting, generated from :class:`Settings`.

The meaning of a setting is its ``Field(description=...)``, its type and bounds come from the
annotation and the field's constraints, and its default from the class (never the environment).
Secrets' values are never printed.
"""

import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from jinlotto.config import MULTIPROC_ENV, Settings

COMMAND = "jinlotto config reference"
_TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "boolean", Path: "path"}
_BOUNDS = (
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Ge, "ge", "≥"),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.Le, "le", "≤"),
)


def variable(name: str, field: FieldInfo) -> str:
    """The environment variable a field is read from."""
    alias = field.validation_alias or field.alias
    return (alias if isinstance(alias, str) else name).upper()


def render() -> str:
    """The Markdown table of every setting, then the variables read by libraries."""
    rows = [
        "| Variable | Type | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        cells = (f"`{variable(name, field)}`", _type(field), _default(field), _meaning(field))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    rows += [
        "",
        f"`{MULTIPROC_ENV}` (read by prometheus-client, not a setting): the folder where "
        "gunicorn workers share metrics; a new temporary folder when unset.",
    ]
    return "\n".join(rows) + "\n"


def _meaning(field: FieldInfo) -> str:
    if not field.description:
        raise ValueError("every setting needs Field(description=...)")
    return " ".join(field.description.split()).rstrip(".")


def _type(field: FieldInfo) -> str:
    annotation: Any = field.annotation
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(members) == 1:
        annotation = members[0]
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(f"`{value}`" for value in get_args(annotation))
    if annotation is SecretStr:
        return "secret"
    bounds = [
        f"{symbol} {_number(getattr(rule, attribute))}"
        for rule in field.metadata
        for kind, attribute, symbol in _BOUNDS
        if isinstance(rule, kind)
    ]
    return ", ".join([_TYPE_NAMES.get(annotation, getattr(annotation, "__name__", "?")), *bounds])


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, SecretStr):
        return "set (hidden)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{_number(value) if isinstance(value, float) else value}`"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)

"""Pydantic's validation errors as diagnostics a RevOps lead understands.

Pydantic reports an error as a ``loc`` (a path through the data, with the names of union
branches mixed in), a ``type`` and an ``input``. Here the branch names are taken out by walking
the ``loc`` along the data itself (a user's own key, say a journey stage called ``Decision``,
is never mistaken for one), a union's errors are reduced to the branch the value was meant for,
and each error gets a message, a code and the line and column to blame.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..diagnostics import Code, Diagnostic
from .models import SLUG_PATTERN
from .refused import REFUSED
from .yaml import Document, Loc, field_path

_SLUG_HELP = "use lowercase letters, digits and single hyphens, at most 64 characters"

#: What a value of each pydantic type is called in a message.
_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "true or false", "bool_parsing": "true or false", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields", "date_type": "a date like 2026-11-02",
}


@dataclass(frozen=True)
class _Error:
    """One pydantic error, its ``loc`` cleaned, and where a union branch was left out."""

    raw: dict[str, Any]
    loc: Loc
    union_at: Loc | None  # the loc of the union whose branch this error belongs to
    branch: str

    @property
    def kind(self) -> str:
        return str(self.raw["type"])

    @property
    def root_mismatch(self) -> bool:
        """The value does not even have the branch's shape (text for a mapping, ...)."""
        return self.union_at == self.loc and (self.kind in _EXPECTED or
                                              self.kind == "literal_error")


def diagnostics(doc: Document, errors: Iterable[Mapping[str, Any]],
                model: type[BaseModel] | None = None) -> list[Diagnostic]:
    """Turn pydantic's errors for ``doc`` into diagnostics, one per real problem. With the
    ``model`` validated against, an unknown field names the field it was likely meant as."""
    # A value whose tag was refused is reported so already: its field is in error for that
    # alone, and no type or value error of pydantic's is added to it.
    cleaned = [e for e in (_clean(doc.data, dict(err)) for err in errors)
               if not _refused(doc.data, e.loc)]
    out = [_misspelt(doc, e, cleaned, _diagnostic(doc, e, model))
           for e in cleaned if e.union_at is None]
    unions: dict[Loc, list[_Error]] = {}
    for e in cleaned:
        if e.union_at is not None:
            unions.setdefault(e.union_at, []).append(e)
    for at, group in unions.items():
        out += _union(doc, at, group, model)
    return out


def _clean(data: Any, err: dict[str, Any]) -> _Error:
    """Walk ``loc`` along the data: a part the data does not have and that is no field of
    ours is the name of a union branch, and is left out."""
    loc: list[str | int] = []
    node: Any = data
    union_at: Loc | None = None
    branch = ""
    for part in err["loc"]:
        if _has(node, part):
            node = node[part]
        elif isinstance(part, str) and _is_branch(part):
            if union_at is None:
                union_at, branch = tuple(loc), part
            continue
        else:
            node = None
        loc.append(part)
    return _Error(err, tuple(loc), union_at, branch)


def _refused(data: Any, loc: Loc) -> bool:
    """Whether ``loc`` is at or under a value whose tag was refused."""
    for part in loc:
        if data is REFUSED or not _has(data, part):
            break
        data = data[part]
    return data is REFUSED


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


_PRIMITIVE_TAGS = frozenset({"str", "int", "float", "bool", "date", "list", "dict", "none"})


def _is_branch(part: str) -> bool:
    # Our fields are lower snake case; pydantic names a branch by its type: "str",
    # "constrained-str", "JourneyStep", "function-after[...]", "literal['a']".
    return part in _PRIMITIVE_TAGS or not part.replace("_", "").islower() or \
        "[" in part or "-" in part


def _closest(name: str, names: Sequence[str]) -> str | None:
    """The name ``name`` was most likely meant as: a typo of one of ``names``."""
    import difflib  # only a misspelt field needs it

    found = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
    return found[0] if found else None


def _misspelt(doc: Document, e: _Error, errors: list[_Error], found: Diagnostic) -> Diagnostic:
    """A missing field's message points at an unknown field next to it with a name close to
    its own: most likely the same field, misspelt."""
    if e.kind != "missing" or not e.loc:
        return found
    name, parent = str(e.loc[-1]), e.loc[:-1]
    near = {str(o.loc[-1]): o.loc for o in errors
            if o.kind == "extra_forbidden" and o.loc[:-1] == parent}
    meant = _closest(name, list(near)) if near else None
    if meant is None:
        return found
    line = doc.positions.of(near[meant], key=True)[0]
    return Diagnostic(found.path, found.line, found.column, found.code, found.field,
                      f"{found.message} (is '{meant}' on line {line} meant to be it?)")


def _union(doc: Document, at: Loc, group: list[_Error],
           model: type[BaseModel] | None = None) -> list[Diagnostic]:
    """Report only the branch the value was meant for; if none fits, one merged message."""
    by_branch: dict[str, list[_Error]] = {}
    for e in group:
        by_branch.setdefault(e.branch, []).append(e)
    fitting = [errs for errs in by_branch.values() if not any(e.root_mismatch for e in errs)]
    if fitting:
        return [_misspelt(doc, e, errs, _diagnostic(doc, e, model))
                for errs in fitting for e in errs]
    wanted = []
    for errs in by_branch.values():
        for e in errs:
            if e.root_mismatch and (name := _expected(e)) not in wanted:
                wanted.append(name)
    given = _describe(group[0].raw.get("input"))
    message = f"expected {' or '.join(wanted)}, got {given}"
    return [Diagnostic(doc.path, *doc.positions.of(at), Code.WRONG_VALUE, field_path(at), message)]


def _expected(e: _Error) -> str:
    if e.kind == "literal_error":
        return f"one of {(e.raw.get('ctx') or {}).get('expected', '')}"
    if e.kind in {"model_type", "model_attributes_type"} and e.branch[:1].isupper():
        return "a mapping of fields"
    return _EXPECTED[e.kind]


def _diagnostic(doc: Document, e: _Error, model: type[BaseModel] | None = None) -> Diagnostic:
    kind, loc = e.kind, e.loc
    message = explain(kind, e.raw, loc)
    if kind == "extra_forbidden":
        # A field written already is not what a second key was meant as.
        present = _value_at(doc.data, loc[:-1])
        free = [f for f in _fields_at(model, loc[:-1]) if not isinstance(present, dict) or
                f not in present] if model is not None and loc else []
        meant = _closest(str(loc[-1]), free) if free else None
        if meant is not None:
            message = f"unknown field '{loc[-1]}': did you mean '{meant}'?"
        code, line_col = Code.UNKNOWN_FIELD, doc.positions.of(loc, key=True)
    elif kind == "missing":
        code, line_col = Code.MISSING_FIELD, doc.positions.of(loc[:-1])
    elif kind in {"string_pattern_mismatch", "string_too_long"} and loc and loc[-1] == "id":
        code, line_col = Code.BAD_ID, doc.positions.of(loc)
    else:
        code, line_col = Code.WRONG_VALUE, doc.positions.of(loc)
    return Diagnostic(doc.path, *line_col, code, field_path(loc), message)


def explain(kind: str, err: dict[str, Any], loc: Sequence[str | int]) -> str:
    """A message a RevOps lead understands, for one pydantic error."""
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    given = err.get("input")
    if kind == "extra_forbidden":
        return f"unknown field '{name}' (check the spelling; see `icp-docs schema`)"
    if kind == "missing":
        return f"required field '{name}' is missing"
    if kind == "string_pattern_mismatch":
        return _pattern(str(ctx.get("pattern", "")), given)
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        number = _quoted_number(given)
        if number is not None and "'" not in expected and \
                number in re.findall(r"\b\d+\b", expected):
            return f"{given!r} is text, in quotes; write the number without them: " \
                f"{name}: {number}"
        return f"{_describe(given)} is not one of {expected}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        count = ctx.get("min_length", 1)
        return f"needs at least {count} item{'s' * (count != 1)}, got {_describe(given)}"
    if kind == "list_type" and isinstance(given, str) and len(loc) >= 2 and \
            isinstance(loc[-2], int):
        # `- Germany: DACH` in a list of entries: match values, or text with a ': ' in it.
        return (f"expected a list of match values, got {_describe(given)} (a ': ' inside the "
                f"text made it a mapping: put the whole text in quotes, or list the values "
                f"it matches: {name}: [{given}])")
    if kind == "too_long" and isinstance(given, dict):
        # A list entry with match values is one `text: [values]` pair; two keys on one entry
        # are usually a missing "- " before the second.
        return (f"one entry per item: {', '.join(map(repr, given))} are {len(given)}; start "
                "each on its own line with '- '")
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        if name == "id":
            return f"{given!r} is not a valid id: {_SLUG_HELP}"
        return f"is longer than {limit} characters"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return _bound(kind, ctx, given)
    if kind.startswith(("date", "datetime")) and kind != "date_type":
        return _date(kind, given)
    if kind == "finite_number":
        return f"expected a number, got {_describe(given)}"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "invalid value")))
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(given)}{_hint(kind, given)}"
    return str(err.get("msg", "invalid value"))


def _hint(kind: str, given: object) -> str:
    """How to write the value the field expects, when the mistake is a common one."""
    if kind == "string_type" and isinstance(given, int | float | dt.date):
        return " (put it in quotes to keep it as text)"
    if kind == "string_type" and isinstance(given, dict) and len(given) == 1:
        return " (a ': ' inside the text made it a mapping: put the whole text in quotes)"
    number = _quoted_number(given)
    if kind in {"int_type", "float_type"} and number is not None and \
            len(number.lstrip("-")) > sys.get_int_max_str_digits():
        # Kept as text by the loader, which Python refuses to read as a number.
        return f" ({len(number.lstrip('-')):,} digits: too long to be a number)"
    if kind in {"int_type", "float_type"} and number is not None:
        commas = " or commas" if "," in str(given) else ""
        return f" (it is in quotes: write {number} without them{commas})"
    return ""


def _quoted_number(given: object) -> str | None:
    """The number a text holds (``'1,200'`` -> ``1200``): a number written in quotes."""
    if not isinstance(given, str):
        return None
    number = given.strip().replace(",", "")
    return number if re.fullmatch(r"-?\d+(\.\d+)?", number) else None


def _value_at(data: Any, loc: Loc) -> Any:
    """The value of the document at ``loc``, or None where the data has no such place."""
    for part in loc:
        if not _has(data, part):
            return None
        data = data[part]
    return data


def _pattern(pattern: str, given: object) -> str:
    if pattern == SLUG_PATTERN:
        return f"{given!r} is not a valid id: {_SLUG_HELP}"
    if "Q[1-4]" in pattern:
        return f"{given!r} is not a refresh quarter like 2026-Q4"
    if "[A-Z]{3}" in pattern:
        return f"{given!r} is not an ISO 4217 currency code like USD or EUR"
    return f"{given!r} does not have the expected form"


def _bound(kind: str, ctx: dict[str, Any], given: object) -> str:
    words = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
             "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}
    key, phrase = words[kind]
    return f"must be {phrase} {ctx.get(key)}, got {_describe(given)}"


def _date(kind: str, given: object) -> str:
    if isinstance(given, dt.datetime):
        return f"{given.isoformat(sep=' ')} has a time of day; write the date only, like " \
            "2026-11-02"
    return _no_such_day(given) or f"{_describe(given)} is not a date like 2026-11-02"


#: A date written YYYY-MM-DD (a time of day may follow): its form is right, so a failure to
#: read it is the calendar's, and "not a date like ..." would send the user after the form.
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[Tt ])")


#: In English whatever the locale (``calendar.month_name`` follows LC_TIME).
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _no_such_day(given: object) -> str | None:
    """What the calendar lacks of a date written in the right form, such as 2026-02-30."""
    found = _YMD.match(given) if isinstance(given, str) else None
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    lead = f"{found.group()} is not a day of the calendar"
    if year == 0:
        return f"{lead}: there is no year 0"
    if not 1 <= month <= 12:
        return f"{lead}: there is no month {month}"
    if day == 0:
        return f"{lead}: there is no day 0"
    import calendar  # only a date the calendar lacks needs it

    last = calendar.monthrange(year, month)[1]
    if day > last:
        return f"{lead}: {_MONTHS[month - 1]} {year} has {last} days"
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    text = repr(value)
    return text if len(text) < 60 else text[:56] + "...'"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names a mapping at ``loc`` may have, following ``loc`` through the models'
    annotations (lists, mappings, optional values, unions)."""
    kinds: list[Any] = [model]
    for part in loc:
        inner: list[Any] = []
        for kind in kinds:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                if isinstance(part, str) and part in kind.model_fields:
                    inner += _unwrap(kind.model_fields[part].annotation)
            elif typing.get_origin(kind) in (list, dict):
                inner += _unwrap(typing.get_args(kind)[-1])
        kinds = inner
    return sorted({name for kind in kinds if isinstance(kind, type) and
                   issubclass(kind, BaseModel) for name in kind.model_fields})


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation stands for: ``Annotated`` taken off, a union split."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]

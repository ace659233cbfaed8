"""Small sqlglot expression builders that :mod:`.compile` is made of: literals, CASE,
concatenation, the reasons' joins, numbers with thousands separators, and the chain of
projections the query is."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlglot import exp

from .reference import SHOWN_LIMIT

_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def ident(name: str) -> exp.Identifier:
    """A column name, quoted only when it needs to be: a plain name stays unquoted so that
    each engine folds its case as it does for the table's own columns (Snowflake: upper)."""
    return exp.to_identifier(name, quoted=_SIMPLE.fullmatch(name) is None)


def lit(text: str) -> exp.Literal:
    """A string literal."""
    return exp.Literal.string(text)


def floats(value: float) -> exp.Expr:
    """A double, written so that every engine reads exactly ``value``: parsed from its
    shortest repr (a decimal literal would be a DECIMAL in some engines, converted with
    rounding of its own)."""
    return exp.cast(lit(repr(float(value))), "double")


def when(cases: Sequence[tuple[exp.Expr | None, exp.Expr]],
         default: exp.Expr | None = None) -> exp.Expr:
    """CASE WHEN ... THEN ... ELSE default END; a case whose condition is None (can never
    hold) is left out, and with no case left the default (or NULL) alone."""
    kept = [(c, v) for c, v in cases if c is not None]
    if not kept:
        return default if default is not None else exp.null()
    case = exp.Case()
    for condition, value in kept:
        case = case.when(condition, value)
    return case.else_(default) if default is not None else case


def cat(*parts: str | exp.Expr) -> exp.Expr:
    """Text joined with ``||`` (NULL when any part is NULL)."""
    made = [lit(p) if isinstance(p, str) else p for p in parts
            if not (isinstance(p, str) and not p)]
    joined = made[0]
    for part in made[1:]:
        joined = exp.DPipe(this=joined, expression=part, safe=False)
    return joined


def pieces(parts: Sequence[exp.Expr]) -> exp.Expr:
    """Text parts joined with "; ", NULL parts left out: each non-NULL part becomes
    "; part", and the first two characters go (CONCAT_WS ignores NULLs in some engines
    only)."""
    if not parts:
        return lit("")
    joined = cat(*(exp.func("COALESCE", cat("; ", p), lit("")) for p in parts))
    return exp.Substring(this=joined, start=exp.Literal.number(3))


def arith(kind: type[exp.Binary], this: exp.Expr, expression: exp.Expr
          ) -> exp.Expr:
    """``this <op> expression``, operands in parentheses where they are operations
    themselves: a tree built by hand is printed as is, with no precedence of its own."""
    def wrapped(e: exp.Expr) -> exp.Expr:
        return exp.Paren(this=e) if isinstance(e, exp.Binary) else e
    return kind(this=wrapped(this), expression=wrapped(expression))


def total(terms: Sequence[exp.Expr]) -> exp.Expr:
    """The terms added up (0 for none)."""
    summed: exp.Expr = exp.Literal.number(0)
    for term in terms:
        summed = arith(exp.Add, summed, term)
    return summed


def switch(value: exp.Expr, results: Sequence[exp.Expr], default: exp.Expr,
            keys: Sequence[exp.Expr] | None = None) -> exp.Expr:
    """CASE value WHEN key THEN result ... ELSE default END (keys 0, 1, ... by default)."""
    if not results:
        return default
    keyed = keys if keys is not None else [exp.Literal.number(k) for k in range(len(results))]
    return exp.Case(this=value, ifs=[exp.If(this=k, true=r)
                                     for k, r in zip(keyed, results, strict=True)],
                    default=default)


def _text(value: exp.Expr) -> exp.Expr:
    return exp.cast(exp.cast(value, "bigint"), "text")


def _group(value: exp.Expr, k: int) -> exp.Expr:
    """The k-th group of three digits of a whole number: floor(v / 1000**k) mod 1000, in
    doubles (exact below 10**15), with no MOD (Postgres has none for doubles)."""
    high = exp.Floor(this=arith(exp.Div, value.copy(), expression=exp.Literal.number(
        1000 ** (k + 1))))
    low = exp.Floor(this=arith(exp.Div, value.copy(), expression=exp.Literal.number(1000 ** k)))
    return arith(exp.Sub, low, expression=arith(exp.Mul, exp.Literal.number(1000),
                                                 expression=high))


def _digits(whole: exp.Expr) -> exp.Expr:
    """A whole number 0 <= n < 10**15 with thousands separators."""
    cases = []
    for groups in range(1, 6):
        top = exp.Floor(this=arith(exp.Div, whole.copy(),
                                     expression=exp.Literal.number(1000 ** (groups - 1))))
        rest = [exp.Pad(this=_text(_group(whole, k)), expression=exp.Literal.number(3),
                        fill_pattern=lit("0"), is_left=True)
                for k in range(groups - 2, -1, -1)]
        text = cat(_text(top), *(x for r in rest for x in (",", r)))
        cases.append((exp.LT(this=whole.copy(), expression=exp.Literal.number(
            1000 ** groups)), text))
    return when(cases)


def number_text(value: exp.Expr) -> exp.Expr:
    """:func:`~.reference.shown_number` in SQL: rounded down, thousands separated, words
    beyond 10**15; NULL stays NULL."""
    whole = exp.Floor(this=value)
    limit = exp.Literal.number(SHOWN_LIMIT)
    negative = exp.LT(this=whole.copy(), expression=exp.Literal.number(0))
    sign = when([(negative, lit("-"))], lit(""))
    return when([
        (exp.GTE(this=whole.copy(), expression=limit), lit("over 999,999,999,999,999")),
        (exp.LTE(this=whole.copy(), expression=exp.Neg(this=limit.copy())),
         lit("under -999,999,999,999,999")),
    ], cat(sign, _digits(exp.Abs(this=whole.copy()))))


class Chain:
    """Projections stacked as CTEs: each step selects the ``keep`` columns and every
    column the steps before made, plus its own."""

    def __init__(self, source: exp.Expr, keep: Sequence[exp.Identifier]) -> None:
        self._keep = list(keep)
        self._made: list[str] = []
        self._ctes: list[tuple[str, exp.Select]] = []
        self._from: exp.Expr = source if isinstance(source, exp.Table) else exp.Subquery(
            this=source, alias=exp.TableAlias(this=ident("icp_source")))

    def _carried(self) -> list[exp.Column]:
        return [exp.column(i.copy()) for i in self._keep] + [
            exp.column(ident(n)) for n in self._made]

    def step(self, columns: Mapping[str, exp.Expr]) -> None:
        """One more projection, named icp_step<N>."""
        select = exp.select(*self._carried(), *(exp.alias_(e, ident(n))
                                                for n, e in columns.items()))
        select = select.from_(self._from.copy())
        name = f"icp_step{len(self._ctes) + 1}"
        self._ctes.append((name, select))
        self._made += list(columns)
        self._from = exp.to_table(name)

    def finish(self, outputs: Mapping[str, exp.Expr], *,
               materialize: bool = False) -> exp.Select:
        """The final projection: the ``keep`` columns and ``outputs`` only; ``materialize``
        marks every step ``AS MATERIALIZED``."""
        select = exp.select(*(exp.column(i.copy()) for i in self._keep),
                            *(exp.alias_(e, ident(n)) for n, e in outputs.items()))
        select = select.from_(self._from)
        for name, cte in self._ctes:
            select = select.with_(name, as_=cte, materialized=materialize or None)
        return select

"""The fit model compiled to one SQL query, built as sqlglot expressions.

The query is a chain of projections over the accounts table (no join, no window, no
aggregate, so an engine that keeps input order keeps it): cells normalised, then every check
of every segment, then per segment the counts, score, grade and reasons, then the best
segment. Each dialect (duckdb, postgres, snowflake, bigquery) prints the same expression
tree; nothing here writes SQL text. The words of each reason are those of
:mod:`.reference`, built from the same pieces, and the tests hold the two to each other.

Numbers are compared as doubles, and bounds are written as ``CAST('<repr>' AS DOUBLE)`` so
that every engine reads exactly the float Python holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from sqlglot import exp

from ..spec.load import Playbook
from . import reference as ref
from .model import (
    BONUS_POINTS,
    LOWER,
    UPPER,
    WHITESPACE_RUN,
    Entry,
    FitModel,
    RangeCheck,
    SegmentModel,
    TextCheck,
    fit_model,
)
from .sqlparts import (
    Chain,
    arith,
    cat,
    floats,
    ident,
    lit,
    number_text,
    pieces,
    switch,
    total,
    when,
)

#: The dialects the query is printed in (sqlglot's names).
DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery")
#: The columns the query adds, before the per-segment ones.
OUTPUTS = ("icp_segment", "icp_tier", "icp_grade", "icp_score", "icp_reasons", "icp_known")
_TEXT = ("industry", "country", "stage", "technologies")
_NUMBERS = ("employees", "revenue", "founded_year")


def segment_columns(segment_id: str) -> tuple[str, str]:
    """The names of a segment's own grade and score columns in the query's result."""
    return f"{segment_id}__grade", f"{segment_id}__score"


def scoring_query(playbook: Playbook, *, segment: str | None = None, table: str = "accounts",
                  columns: Mapping[str, str | None], as_of: dt.date, dialect: str = "duckdb",
                  keep: Sequence[str] | None = None,
                  rates: Mapping[str, float] | None = None, pretty: bool = False) -> str:
    """The scoring of ``playbook`` (one ``segment`` or all) as one query over ``table``.

    ``columns`` maps each canonical field to the table's column holding it (None or left
    out: unknown in every row). The result has the ``keep`` columns (default: the mapped
    ones), then :data:`OUTPUTS`, then each segment's grade and score
    (:func:`segment_columns`). ``pretty``: on several indented lines, for people.
    Raises :class:`~.model.UnknownSegment`.
    """
    model = fit_model(playbook, segment=segment, rates=rates)
    source = exp.to_table(table, dialect=dialect)
    # PostgreSQL folds each step into the next, copying a column's whole expression into
    # every place that reads it: over five segments that plan took 12 GB before it was
    # stopped. Materialized steps are computed once each. DuckDB plans the chain as it is
    # and streams it, so only Postgres gets them.
    select = scoring_select(model, source, columns=columns, as_of=as_of, keep=keep,
                            materialize=dialect == "postgres")
    return select.sql(dialect=dialect, pretty=pretty)


def scoring_select(model: FitModel, source: exp.Expr, *,
                   columns: Mapping[str, str | None], as_of: dt.date,
                   keep: Sequence[str] | None = None, materialize: bool = False
                   ) -> exp.Select:
    """:func:`scoring_query` as an expression, over any table expression ``source`` (a
    table, a view, ``read_csv(...)``), for callers that wrap it (``COPY``, a count).
    ``materialize``: each step ``AS MATERIALIZED`` (what Postgres needs to plan it)."""
    if keep is None:
        keep = list(dict.fromkeys(c for c in columns.values() if c))
    chain = Chain(source, [ident(name) for name in keep])
    chain.step(_cells(columns, as_of))
    chain.step(_keys())
    chain.step({name: e for i, s in enumerate(model.segments)
                for name, e in _checks(i, s).items()})
    chain.step({name: e for i, s in enumerate(model.segments)
                for name, e in _counts(i, s).items()})
    chain.step({name: e for i, s in enumerate(model.segments)
                for name, e in _scores(i, s).items()})
    chain.step({name: e for i in range(len(model.segments))
                for name, e in _grades(model, i).items()})
    chain.step({f"_icp_s{i}_rank": _rank(model, i, s) for i, s in enumerate(model.segments)})
    chain.step({"_icp_best": _best(model)})
    chain.step({"_icp_winner": _winner(model)})
    return chain.finish(_outputs(model), materialize=materialize)


def _col(name: str) -> exp.Column:
    return exp.column(ident(name))


# Level 1: the cells, read once: text collapsed and trimmed (NULL when blank), numbers as
# finite doubles (NULL otherwise), the age as of the date given.

def _cells(columns: Mapping[str, str | None], as_of: dt.date) -> dict[str, exp.Expr]:
    made: dict[str, exp.Expr] = {}
    for field in _TEXT:
        name = columns.get(field)
        cell = exp.cast(_col(name), "text") if name else exp.cast(exp.null(), "text")
        collapsed = exp.RegexpReplace(this=cell, expression=lit(WHITESPACE_RUN),
                                      replacement=lit(" "))
        trimmed = exp.RegexpReplace(this=collapsed, expression=lit("^ | $"),
                                    replacement=lit(""))
        made[f"_icp_{field}"] = exp.Nullif(this=trimmed, expression=lit(""))
    for field in _NUMBERS:
        name = columns.get(field)
        value = exp.cast(_col(name), "double") if name else exp.cast(exp.null(), "double")
        finite = exp.and_(exp.GT(this=value, expression=floats(-ref.NUMBER_LIMIT)),
                          exp.LT(this=value.copy(), expression=floats(ref.NUMBER_LIMIT)))
        number = when([(finite, value.copy())])
        if field == "founded_year":
            field, number = "age", arith(exp.Sub, exp.Literal.number(as_of.year),
                                           expression=number)
        made[f"_icp_{field}"] = number
    return made


# Level 2: the comparison keys (ASCII lower case; the technologies list as ",a,b,") and the
# numbers as reasons show them.

def _lower(value: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this="TRANSLATE", expressions=[value, lit(UPPER), lit(LOWER)])


def _keys() -> dict[str, exp.Expr]:
    made: dict[str, exp.Expr] = {
        f"_icp_{f}_key": _lower(_col(f"_icp_{f}")) for f in ("industry", "country", "stage")}
    items = exp.RegexpReplace(this=_lower(_col("_icp_technologies")),
                              expression=lit(" ?[;,] ?"), replacement=lit(","))
    made["_icp_technologies_key"] = cat(",", items, ",")
    # Once per row as a column: measured faster than formatting inside each reason branch.
    for field in ("employees", "revenue", "age"):
        made[f"_icp_{field}_shown"] = number_text(_col(f"_icp_{field}"))
    return made


def _listed(entry: Entry) -> exp.Expr | None:
    """Whether the technologies list holds one of the entry's values (None: it has none)."""
    if not entry.values:
        return None
    tests = [exp.GT(this=exp.StrPosition(this=_col("_icp_technologies_key"),
                                         substr=lit(f",{v},")),
                    expression=exp.Literal.number(0)) for v in entry.values]
    return exp.or_(*tests)


def _is_one_of(key: str, values: Iterable[str]) -> exp.Expr | None:
    listed = [lit(v) for v in values]
    return exp.In(this=_col(key), expressions=listed) if listed else None


# Level 3: every check (1 met, 0 not met, NULL unknown) with its reason; knock-outs and
# bonus terms.

def _checks(i: int, segment: SegmentModel) -> dict[str, exp.Expr]:
    made: dict[str, exp.Expr] = {}
    for j, check in enumerate(segment.checks):
        made[f"_icp_s{i}_c{j}"] = _check(check)[0]
    for k, flag in enumerate(segment.red_flags):
        made[f"_icp_s{i}_k{k}"] = when([(_listed(flag), lit(ref.red_flag_reason(flag)))])
    for k, signal in enumerate(segment.signals, start=len(segment.red_flags)):
        cases: list[tuple[exp.Expr | None, exp.Expr]] = []
        for field, values in signal.fields:
            if field == "technologies":
                cases += [(_listed(v), lit(ref.signal_reason(signal.name, field, v.text)))
                          for v in values]
            else:
                said = cat(ref.signal_reason(signal.name, field, ""), _col(f"_icp_{field}"))
                cases.append((_is_one_of(f"_icp_{field}_key",
                                         (x for v in values for x in v.values)), said))
        made[f"_icp_s{i}_k{k}"] = when(cases)
    for b, entry in enumerate(segment.bonus):
        made[f"_icp_s{i}_b{b}"] = when([(_listed(entry), exp.Literal.number(1))],
                                       exp.Literal.number(0))
    return made


def _check(check: TextCheck | RangeCheck) -> tuple[exp.Expr, exp.Expr]:
    """A check's status (1 met, 0 not, NULL unknown) and its reason."""
    if isinstance(check, RangeCheck):
        return _range(check)
    return _technology(check) if check.field == "technologies" else _text(check)


def segment_reasons(model: FitModel, i: int) -> exp.Expr:
    """The reasons of segment ``i`` of ``model`` as one expression over the scoring chain's
    columns (what ``icp_reasons`` says when that segment is the best). Each check's reason is
    written into it rather than computed as a column, so that an engine that evaluates CASE
    branches lazily builds only the chosen segment's text."""
    segment = model.segments[i]
    return _reasons(i, segment, [_check(check)[1] for check in segment.checks])


def _text(check: TextCheck) -> tuple[exp.Expr, exp.Expr]:
    shown, key = _col(f"_icp_{check.field}"), f"_icp_{check.field}_key"
    unknown = exp.Is(this=shown, expression=exp.null())
    every = _is_one_of(key, (v for e in check.entries for v in e.values))
    status = when([(unknown, exp.null()), (every, exp.Literal.number(1))],
                  exp.Literal.number(0))
    found = [(_is_one_of(key, e.values), cat(f"{check.dimension} ", shown.copy(),
                                             f": {e.text}")) for e in check.entries]
    missed = cat(f"{check.dimension} ", shown.copy(), f": not one of {check.listing}")
    reason = when([(unknown.copy(), lit(ref.unknown_reason(check.dimension))), *found],
                  missed)
    return status, reason


def _technology(check: TextCheck) -> tuple[exp.Expr, exp.Expr]:
    unknown = exp.Is(this=_col("_icp_technologies_key"), expression=exp.null())
    listed = [_listed(e) for e in check.entries]
    found = [t for t in listed if t is not None]
    status = when([(unknown, exp.null()),
                   (exp.or_(*found) if found else None, exp.Literal.number(1))],
                  exp.Literal.number(0))
    reason = when([(unknown.copy(), lit(ref.unknown_reason(check.dimension))),
                   *((t, lit(ref.uses_reason(e))) for t, e in zip(listed, check.entries,
                                                                 strict=True))],
                  lit(ref.uses_none_reason(check)))
    return status, reason


def _range(check: RangeCheck) -> tuple[exp.Expr, exp.Expr]:
    if check.no_rate is not None:
        return exp.cast(exp.null(), "int"), lit(check.no_rate)
    field = "age" if check.dimension == "age" else check.field
    value = _col(f"_icp_{field}")
    compared: exp.Expr = value
    if check.scale != 1.0:
        compared = arith(exp.Mul, value.copy(), expression=floats(check.scale))
    bounds: list[exp.Expr] = []
    if check.low is not None:
        bounds.append(exp.GTE(this=compared.copy(), expression=floats(check.low)))
    if check.high is not None:
        bounds.append(exp.LTE(this=compared.copy(), expression=floats(check.high)))
    inside = exp.and_(*bounds)
    unknown = exp.Is(this=value.copy(), expression=exp.null())
    status = when([(unknown, exp.null()), (inside, exp.Literal.number(1))],
                  exp.Literal.number(0))
    before, after = ref.range_prefix(check)
    number = _col(f"_icp_{field}_shown")
    lead = "knock-out: " if check.knockout else ""
    reason = when([(unknown.copy(), lit(ref.unknown_reason(check.dimension))),
                   (inside.copy(), cat(before, number, f"{after}, inside {check.label}"))],
                  cat(lead + before, number.copy(), f"{after}, outside {check.label}"))
    return status, reason


# Level 4: per segment, how many dimensions were known and met, knocked out or not, bonus.

def _counts(i: int, segment: SegmentModel) -> dict[str, exp.Expr]:
    statuses = [_col(f"_icp_s{i}_c{j}") for j in range(segment.stated)]
    one, zero = exp.Literal.number(1), exp.Literal.number(0)
    known = [when([(exp.Is(this=s, expression=exp.null()), zero)], one) for s in statuses]
    met = [exp.func("COALESCE", s.copy(), zero) for s in statuses]
    knocks: list[exp.Expr] = [
        exp.Not(this=exp.Is(this=_col(f"_icp_s{i}_k{k}"), expression=exp.null()))
        for k in range(len(segment.red_flags) + len(segment.signals))]
    knocks += [exp.EQ(this=_col(f"_icp_s{i}_c{j}"), expression=zero)
               for j, c in enumerate(segment.checks)
               if isinstance(c, RangeCheck) and c.knockout]
    bonus = [_col(f"_icp_s{i}_b{b}") for b in range(len(segment.bonus))]
    return {f"_icp_s{i}_known": total(known), f"_icp_s{i}_met": total(met),
            f"_icp_s{i}_out": when([(exp.or_(*knocks) if knocks else None, one)], zero),
            f"_icp_s{i}_bonus": total(bonus)}


# Level 5: the score and the reasons in order: the "only N of M" warning, knock-outs, the
# checks in the segment's order, bonus terms.

def _scores(i: int, segment: SegmentModel) -> dict[str, exp.Expr]:
    known, met = _col(f"_icp_s{i}_known"), _col(f"_icp_s{i}_met")
    # NULLIF: no division by zero where known is 0 (that case is NULL below anyway, but
    # not every engine evaluates CASE branches lazily).
    twice = exp.Nullif(this=arith(exp.Mul, exp.Literal.number(2), known.copy()),
                       expression=exp.Literal.number(0))
    base = exp.Floor(this=arith(exp.Div, arith(exp.Add, arith(
        exp.Mul, exp.Literal.number(200), met), known), twice))
    plus = arith(exp.Mul, exp.Literal.number(BONUS_POINTS), expression=_col(f"_icp_s{i}_bonus"))
    capped = exp.cast(exp.func("LEAST", exp.Literal.number(100),
                               arith(exp.Add, base, expression=plus)), "int")
    score = when([(exp.EQ(this=_col(f"_icp_s{i}_out"), expression=exp.Literal.number(1)),
                   exp.cast(exp.Literal.number(0), "int")),
                  (exp.EQ(this=known.copy(), expression=exp.Literal.number(0)),
                   exp.cast(exp.null(), "int"))], capped)
    return {f"_icp_s{i}_score": score}


def _reasons(i: int, segment: SegmentModel, checked: Sequence[exp.Expr]) -> exp.Expr:
    """The reasons in order, ``checked`` holding each check's reason."""
    known = _col(f"_icp_s{i}_known")
    few = exp.LT(this=arith(exp.Mul, exp.Literal.number(2), expression=known),
                 expression=exp.Literal.number(segment.stated))
    head = when([(few, cat("only ", exp.cast(known.copy(), "text"),
                           f" of {segment.stated} criteria known"))])
    said: list[exp.Expr] = [head]
    said += [_col(f"_icp_s{i}_k{k}")
             for k in range(len(segment.red_flags) + len(segment.signals))]
    ranged = [j for j, c in enumerate(segment.checks)
              if isinstance(c, RangeCheck) and c.knockout]
    zero = exp.Literal.number(0)
    said += [when([(exp.EQ(this=_col(f"_icp_s{i}_c{j}"), expression=zero),
                    checked[j].copy())]) for j in ranged]
    for j in range(segment.stated):
        reason: exp.Expr = checked[j].copy()
        if j in ranged:
            reason = when([(exp.EQ(this=_col(f"_icp_s{i}_c{j}"), expression=zero),
                            exp.cast(exp.null(), "text"))], reason)
        said.append(reason)
    said += [when([(exp.EQ(this=_col(f"_icp_s{i}_b{b}"), expression=exp.Literal.number(1)),
                    lit(ref.bonus_reason(e)))]) for b, e in enumerate(segment.bonus)]
    return pieces(said)


# Level 6: the grade. Levels 7-9: a rank key per segment, the largest of them, and which
# segment that is. An engine that folds the steps into one another (Postgres, and maybe a
# warehouse) copies a column's expression into each place that reads it, so each column
# here is read as few times as can be: one key holds grade, score, tier and playbook order
# (the order in its lowest digits), and the outputs dispatch on the winner's index with a
# simple CASE, which reads it once.

def _grades(model: FitModel, i: int) -> dict[str, exp.Expr]:
    score = _col(f"_icp_s{i}_score")
    a, b, c = model.grades
    cuts = [(exp.GTE(this=score.copy(), expression=exp.Literal.number(cut)), lit(name))
            for cut, name in ((a, "A"), (b, "B"), (c, "C"))]
    unknown = exp.Is(this=score.copy(), expression=exp.null())
    return {f"_icp_s{i}_grade": when([(unknown, exp.cast(exp.null(), "text")), *cuts],
                                     lit("D"))}


def _places(model: FitModel) -> int:
    """The spread of the rank keys' lowest digits, where the playbook order goes: one more
    than the segments, so that no segment's digit is 0 and -1 (none) never reads as one."""
    return len(model.segments) + 1


def _rank(model: FitModel, i: int, segment: SegmentModel) -> exp.Expr:
    """((grade points * 101 + score) * 4 + 3 - tier) * places + places - 1 - order; -1
    where the segment does not apply (NULL score, NULL key)."""
    points = switch(_col(f"_icp_s{i}_grade"),
                     [exp.Literal.number(p) for p in (3, 2, 1)], exp.Literal.number(0),
                     [lit(g) for g in "ABC"])
    ranked = arith(exp.Add, arith(exp.Mul, points, exp.Literal.number(101)),
                   _col(f"_icp_s{i}_score"))
    key = arith(exp.Add, arith(exp.Mul, ranked, exp.Literal.number(4)),
                exp.Literal.number(3 - segment.tier))
    places = _places(model)
    placed = arith(exp.Add, arith(exp.Mul, key, exp.Literal.number(places)),
                   exp.Literal.number(places - 1 - i))
    return exp.func("COALESCE", placed, exp.Literal.number(-1))


def _best(model: FitModel) -> exp.Expr:
    ranks = [_col(f"_icp_s{i}_rank") for i in range(len(model.segments))]
    if not ranks:
        return exp.Literal.number(-1)
    return ranks[0] if len(ranks) == 1 else exp.func("GREATEST", *ranks)


def _winner(model: FitModel) -> exp.Expr:
    """The index of the best segment, from the best key's low digits; where none applies
    (key -1) every engine's MOD gives -1 (the dividend's sign), so the index is one past
    the last and the outputs' CASE falls to its ELSE. The key is read once."""
    places = _places(model)
    low = exp.Mod(this=_col("_icp_best"), expression=exp.Literal.number(places))
    return arith(exp.Sub, exp.Literal.number(places - 1), low)


def _outputs(model: FitModel) -> dict[str, exp.Expr]:
    segs = model.segments

    def pick(values: Sequence[exp.Expr], default: exp.Expr) -> exp.Expr:
        return switch(_col("_icp_winner"), values, default)

    made = {
        "icp_segment": pick([lit(s.id) for s in segs], exp.cast(exp.null(), "text")),
        "icp_tier": pick([exp.Literal.number(s.tier) for s in segs],
                         exp.cast(exp.null(), "int")),
        "icp_grade": pick([_col(f"_icp_s{i}_grade") for i in range(len(segs))],
                          exp.cast(exp.null(), "text")),
        "icp_score": pick([_col(f"_icp_s{i}_score") for i in range(len(segs))],
                          exp.cast(exp.null(), "int")),
        "icp_reasons": pick([segment_reasons(model, i) for i in range(len(segs))],
                            lit(ref.NOTHING_KNOWN)),
        "icp_known": pick([cat(exp.cast(_col(f"_icp_s{i}_known"), "text"),
                               f" of {s.stated}") for i, s in enumerate(segs)],
                          exp.cast(exp.null(), "text")),
    }
    for i, s in enumerate(segs):
        grade_name, score_name = segment_columns(s.id)
        made[grade_name] = _col(f"_icp_s{i}_grade")
        made[score_name] = _col(f"_icp_s{i}_score")
    return made

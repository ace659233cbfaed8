"""The fit model and its reference scorer, dimension by dimension."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from data_cases import AS_OF, FULL, playbook

from icp_docs.data import UnknownSegment, fit_model, score_account
from icp_docs.data.model import FitModel, norm, split_list
from icp_docs.data.reference import SegmentResult, base_score, shown_number
from icp_docs.spec.load import Playbook


@pytest.fixture(scope="module")
def book() -> Playbook:
    return playbook()


@pytest.fixture(scope="module")
def model(book: Playbook) -> FitModel:
    return fit_model(book)


def _segment(model: FitModel, row: dict[str, Any], segment: str = "payroll-ops",
             as_of: dt.date = AS_OF) -> SegmentResult:
    result = score_account(model, row, as_of=as_of)
    return next(s for s in result.segments if s.id == segment)


@pytest.mark.parametrize(("cell", "expected"), [
    ("  Series\t B ", "series b"), ("SÉRIE", "sÉrie"), ("a\r\n b", "a b"), ("", ""),
])
def test_text_is_compared_trimmed_collapsed_and_ascii_lower_cased(cell: str,
                                                                  expected: str) -> None:
    assert norm(cell) == expected


def test_a_list_cell_splits_at_semicolons_and_commas() -> None:
    assert split_list(" NetSuite ;Slack,, JIRA ") == ("netsuite", "slack", "", "jira")


# (changed fields, the reason said, met (1) / not met (0) / unknown (None))
DIMENSIONS = [
    ({"industry": " saas "}, "industry saas: Software", 1),
    ({"industry": "Fintech"}, "industry Fintech: Fintech", 1),
    ({"industry": "Banking"}, "industry Banking: not one of Software, Fintech", 0),
    ({"industry": " "}, "industry unknown", None),
    ({"employees": 200.0}, "200 employees, inside 200-2,000", 1),
    ({"employees": 2000.0}, "2,000 employees, inside 200-2,000", 1),
    ({"employees": 2000.5}, "2,000 employees, outside 200-2,000", 0),
    ({"employees": 199.0}, "199 employees, outside 200-2,000", 0),
    ({"employees": None}, "employees unknown", None),
    ({"employees": "n/a"}, "employees unknown", None),
    ({"employees": float("nan")}, "employees unknown", None),
    ({"revenue": 20e6}, "revenue 20,000,000 USD, inside 10,000,000-100,000,000 EUR", 1),
    # 11,111,112 USD is 10,000,000.8 EUR at 0.9; 11,111,111 USD is 9,999,999.9 EUR
    ({"revenue": 11_111_112.0}, "revenue 11,111,112 USD, inside", 1),
    ({"revenue": 11_111_111.0}, "revenue 11,111,111 USD, outside", 0),
    ({"revenue": None}, "revenue unknown", None),
    ({"country": "deutschland"}, "country deutschland: Germany", 1),
    ({"country": "France"}, "country France: not one of Germany, Austria", 0),
    ({"country": None}, "country unknown", None),
    ({"founded_year": 2024.0}, "2 years old, inside 2-30 years", 1),
    ({"founded_year": 2025.0}, "1 years old, outside 2-30 years", 0),
    ({"founded_year": None}, "company age unknown", None),
    ({"stage": "SERIES C"}, "stage SERIES C: Growth", 1),
    ({"stage": "Seed"}, "stage Seed: not one of Growth", 0),
    ({"stage": ""}, "stage unknown", None),
    ({"technologies": "Excel, SAP SF"}, "uses SAP SuccessFactors", 1),
    ({"technologies": "Excel"}, "technologies: none of Personio, SAP SuccessFactors", 0),
    ({"technologies": None}, "technologies unknown", None),
]


@pytest.mark.parametrize(("change", "said", "status"), DIMENSIONS)
def test_each_dimension_is_met_not_met_or_unknown(model: FitModel, change: dict[str, Any],
                                                  said: str, status: int | None) -> None:
    row = {**FULL, "technologies": "Personio", **change}
    result = _segment(model, row)
    assert any(r.startswith(said) for r in result.reasons), result.reasons
    met = {None: 7, 1: 7, 0: 6}[status]
    known = 6 if status is None else 7
    assert (result.known, result.stated) == (known, 7)
    assert result.score == base_score(met if status is not None else 6, known)


@pytest.mark.parametrize(("change", "said"), [
    ({"technologies": "Personio; paychex  FLEX"}, "knock-out: uses Paychex (red flag)"),
    ({"industry": "retail_chain"}, "knock-out: anti-ICP 'Retail chains': industry retail_chain"),
    ({"country": "MONACO"}, "knock-out: anti-ICP 'Retail chains': country MONACO"),
    ({"technologies": "adp workforce now"},
     "knock-out: anti-ICP 'ADP shops': technologies ADP Workforce Now"),
])
def test_a_red_flag_or_an_anti_icp_signal_knocks_out(model: FitModel, change: dict[str, Any],
                                                     said: str) -> None:
    result = _segment(model, {**FULL, **change})
    assert (result.score, result.grade, result.knocked_out) == (0, "D", True)
    assert said in result.reasons


def test_a_global_signal_knocks_out_every_segment_and_a_segment_signal_its_own(
        model: FitModel) -> None:
    retail = score_account(model, {**FULL, "industry": "Retail"}, as_of=AS_OF)
    assert [s.grade for s in retail.segments] == ["D", "D", "D"]
    adp = score_account(model, {**FULL, "technologies": "ADP", "employees": 99.0}, as_of=AS_OF)
    assert [(s.id, s.knocked_out) for s in adp.segments] == [
        ("payroll-ops", True), ("small-teams", False), ("agencies", False)]


def test_a_knockout_range_knocks_out_when_not_met_and_never_when_unknown(
        model: FitModel) -> None:
    outside = _segment(model, {**FULL, "industry": "Software"}, "small-teams")
    assert (outside.grade, outside.score) == ("D", 0)
    assert "knock-out: 850 employees, outside at most 199" in outside.reasons
    unknown = _segment(model, {**FULL, "industry": "Software", "employees": None},
                       "small-teams")
    assert (unknown.grade, unknown.score, unknown.knocked_out) == ("A", 100, False)
    inside = _segment(model, {**FULL, "industry": "Software", "employees": 12.0},
                      "small-teams")
    assert (inside.grade, inside.score) == ("A", 100)


def test_revenue_without_a_rate_is_unknown_and_says_which_rate(model: FitModel,
                                                               book: Playbook) -> None:
    row = {**FULL, "industry": "MARKETING_AND_ADVERTISING", "employees": 10.0}
    agency = _segment(model, row, "agencies")
    assert agency.reasons == (
        "industry MARKETING_AND_ADVERTISING: Marketing agency",
        "10 employees, inside at least 10",
        "revenue in USD, range in GBP: no rate (add accounts.rates.GBP)")
    assert (agency.known, agency.stated, agency.grade) == (2, 3, "A")
    with_rate = _segment(fit_model(book, rates={"GBP": 1.2}), row, "agencies")
    # 20,000,000 USD is 18,000,000 EUR; the range starts at 1,000,000 GBP = 1,200,000 EUR
    assert "revenue 20,000,000 USD, inside at least 1,000,000 GBP" in with_rate.reasons
    small = _segment(fit_model(book, rates={"GBP": 1.2}), {**row, "revenue": 1_000_000.0},
                     "agencies")
    assert "knock-out: revenue 1,000,000 USD, outside at least 1,000,000 GBP" in small.reasons


def test_a_rate_flag_overrides_the_playbook_rate(book: Playbook) -> None:
    row = {**FULL, "revenue": 11_111_111.0}
    assert "outside" in _segment(fit_model(book), row).reasons[2]
    assert "inside" in _segment(fit_model(book, rates={"USD": 1.0}), row).reasons[2]


def test_bonus_terms_add_five_each_up_to_100(model: FitModel) -> None:
    low = {**FULL, "employees": 10.0, "country": "France", "stage": "Seed",
           "technologies": "Personio"}
    assert _segment(model, low).score == 57  # 4 of 7: 57.14
    bonus = _segment(model, {**low, "technologies": "Personio, Slack; atlassian jira"})
    assert bonus.score == 67
    assert bonus.reasons[-2:] == ("bonus: uses Slack (+5)", "bonus: uses Jira (+5)")
    assert _segment(model, {**FULL, "technologies": "Personio, Slack, Jira"}).score == 100


@pytest.mark.parametrize(("met", "checked", "score"), [
    (1, 2, 50), (1, 3, 33), (2, 3, 67), (1, 8, 13), (3, 8, 38), (5, 7, 71), (0, 4, 0),
])
def test_the_base_score_rounds_half_up(met: int, checked: int, score: int) -> None:
    assert base_score(met, checked) == score


@pytest.mark.parametrize(("unmet", "grade"), [(0, "A"), (1, "A"), (2, "B"), (3, "C"),
                                              (4, "C"), (5, "D")])
def test_grades_follow_the_default_thresholds(model: FitModel, unmet: int, grade: str) -> None:
    # 7, 6, 5, 4, 3 and 2 of 7 met: 100, 86, 71, 57, 43, 29
    misses = [("country", "France"), ("stage", "Seed"), ("employees", 1.0),
              ("founded_year", 2026.0), ("industry", "Banking")]
    row = {**FULL, "technologies": "Personio", **dict(misses[:unmet])}
    assert _segment(model, row).grade == grade


def test_only_n_of_m_criteria_known_comes_first(model: FitModel) -> None:
    row = {"industry": "Software", "employees": 300.0, "technologies": "  "}
    result = _segment(model, row)
    assert result.reasons[0] == "only 2 of 7 criteria known"
    assert (result.known_text, result.score) == ("2 of 7", 100)
    assert not _segment(model, {**row, "country": "DE", "stage": "x"}).reasons[0].startswith(
        "only")


def test_a_row_that_knows_nothing_gets_no_segment(model: FitModel) -> None:
    result = score_account(model, {"name": "Nobody"}, as_of=AS_OF)
    assert result.best is None
    assert [s.grade for s in result.segments] == [None, None, None]
    assert result.outputs()["icp_segment"] is None


def test_the_best_segment_is_the_highest_grade_then_score_then_tier_then_order(
        model: FitModel) -> None:
    # Software in DE with 150 employees: payroll-ops 4 of 7 (57, C), small-teams 3 of 3
    # (100, A), agencies 1 of 2 (50, C).
    row = {**FULL, "industry": "Software", "employees": 150.0, "stage": "Seed",
           "founded_year": 2026.0, "technologies": "Personio"}
    assert score_account(model, row, as_of=AS_OF).outputs()["icp_segment"] == "small-teams"
    # Both A at 100: payroll-ops wins on tier (1 before 2).
    both = {**FULL, "industry": "Software", "employees": None}
    out = score_account(model, both, as_of=AS_OF)
    assert [(s.id, s.score) for s in out.segments][:2] == [("payroll-ops", 100),
                                                           ("small-teams", 100)]
    assert out.outputs()["icp_segment"] == "payroll-ops"
    # small-teams and agencies both A at 100, both tier 2: the playbook's order decides
    # (small-teams is core, listed first).
    tie = score_account(model, {"employees": 50.0, "country": "DE"}, as_of=AS_OF)
    assert [(s.id, s.grade, s.score) for s in tie.segments] == [
        ("payroll-ops", "C", 50), ("small-teams", "A", 100), ("agencies", "A", 100)]
    assert tie.best is not None and tie.best.id == "small-teams"


def test_outputs_name_the_best_segment(model: FitModel) -> None:
    out = score_account(model, FULL, as_of=AS_OF).outputs()
    assert out == {
        "icp_segment": "payroll-ops", "icp_tier": 1, "icp_grade": "A", "icp_score": 100,
        "icp_known": "7 of 7",
        "icp_reasons": "industry COMPUTER_SOFTWARE: Software; 850 employees, inside "
        "200-2,000; revenue 20,000,000 USD, inside 10,000,000-100,000,000 EUR; country DE: "
        "Germany; 16 years old, inside 2-30 years; stage Series B: Growth; uses Personio; "
        "bonus: uses Slack (+5)"}


def test_an_unknown_segment_suggests_the_closest(book: Playbook) -> None:
    with pytest.raises(UnknownSegment, match="did you mean payroll-ops"):
        fit_model(book, segment="payrol-ops")


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0"), (999.99, "999"), (1000.0, "1,000"), (1234567.5, "1,234,567"),
    (-1.5, "-2"), (-1234.0, "-1,234"), (999_999_999_999_999.0, "999,999,999,999,999"),
    (1e15, "over 999,999,999,999,999"), (-1e15, "under -999,999,999,999,999"),
])
def test_numbers_in_reasons(value: float, text: str) -> None:
    assert shown_number(value) == text

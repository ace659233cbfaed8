"""W126 size-word-industry: a company size given as an industry ("Enterprise", "SMB",
"Mid-market") warns at that entry, with or without a size range; a real vertical that
happens to hold a size word ("Enterprise software", "Small business lending") does not."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_lint import EMPLOYEES, TODAY, S, apply, warnings

from icp_docs.diagnostics import Code
from icp_docs.lint import check
from icp_docs.lint.sizes import is_size_entry

SIZE_WORDS = [
    "Enterprise", "enterprises", "Enterprise accounts", "SMB", "SMBs", "SME", "SMEs",
    "Mid-market", "midmarket", "Mid market", "Mid-market companies", "Middle market",
    "Mid-sized companies", "Large companies", "Large enterprises", "Small businesses",
    "Small business", "Small and medium-sized businesses", "SMB & mid-market",
    "Mid-market and enterprise", "Mid-market to enterprise", "Fortune 500",
    "Enterprise (1000+ employees)", "Mittelstand", "Large.",
]
VERTICALS = [
    "Software", "Enterprise software", "Enterprise SaaS", "Small business lending",
    "SMB banking", "Mid-market private equity", "Large-scale manufacturing", "Startups",
    "Fintech startups", "Big Four accounting firms", "Commercial real estate",
    "Enterprise resource planning consultancies", "Small-cap investment funds",
]


@pytest.mark.parametrize("entry", SIZE_WORDS)
def test_a_size_word_as_an_industry_warns_at_its_entry(minimal_specs: Path, entry: str) -> None:
    # A size range is given (employees 200-2000): the entry still names no vertical.
    apply(minimal_specs, [(S, "    - Software", f"    - Software\n    - '{entry}'")])
    assert warnings(minimal_specs, Code.SIZE_WORD_INDUSTRY) == [(S, 14)]


@pytest.mark.parametrize("entry", VERTICALS)
def test_a_vertical_with_a_size_word_in_it_is_left_alone(minimal_specs: Path,
                                                         entry: str) -> None:
    apply(minimal_specs, [(S, "    - Software", f"    - '{entry}'")])
    assert warnings(minimal_specs, Code.SIZE_WORD_INDUSTRY) == []


def _found(specs: Path) -> list[tuple[Code, int, str, str]]:
    return [(d.code, d.line, d.field, d.message)
            for d in check(specs, today=TODAY, cwd=specs).diagnostics]


def test_with_a_size_the_warning_says_the_size_is_given_and_asks_for_the_vertical(
        minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "    - Software", "    - Enterprise")])
    assert _found(minimal_specs) == [
        (Code.SIZE_WORD_INDUSTRY, 13, "firmographics.industries[0]",
         "'Enterprise' is a company size, not an industry: the size is given in employees "
         "already; name the vertical instead (e.g. 'Logistics', 'Dental clinics')")]


def test_without_a_size_each_warning_says_its_own_thing(minimal_specs: Path) -> None:
    # The missing size is W120's, at firmographics; the entry is W126's, at its line, and
    # W120 does not name the word a second time.
    apply(minimal_specs, [(S, EMPLOYEES, ""), (S, "    - Software", "    - SMB")])
    assert _found(minimal_specs) == [
        (Code.NO_COMPANY_SIZE, 12, "firmographics",
         "no company size: give employees or revenue, so that a seller can build the list "
         "of accounts tomorrow"),
        (Code.SIZE_WORD_INDUSTRY, 13, "firmographics.industries[0]",
         "'SMB' is a company size, not an industry: give the size as employees: "
         "{min: ..., max: ...} and name the vertical"),
    ]


def test_without_a_size_a_size_word_elsewhere_is_still_named_by_no_company_size(
        minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, EMPLOYEES, ""),
                          (S, "label: Payroll teams", "label: Mid-market payroll teams")])
    assert _found(minimal_specs) == [
        (Code.NO_COMPANY_SIZE, 12, "firmographics",
         "no company size, so 'Mid-market' in the label means nothing: give employees or "
         "revenue, so that a seller can build the list of accounts tomorrow")]


@pytest.mark.parametrize("name", ["W126", "size-word-industry"])
def test_size_word_industry_switches_off_by_code_or_name(minimal_specs: Path, name: str) -> None:
    apply(minimal_specs, [(S, "    - Software", "    - Enterprise")])
    assert warnings(minimal_specs, Code.SIZE_WORD_INDUSTRY) == [(S, 13)]
    assert warnings(minimal_specs, Code.SIZE_WORD_INDUSTRY, disable=(name,)) == []
    apply(minimal_specs, [("playbook.yml", "qualification:",
                           f"lint:\n  disable: ['{name}']\nqualification:")])
    assert warnings(minimal_specs, Code.SIZE_WORD_INDUSTRY) == []


@pytest.mark.parametrize("entry", ["Mid-market to " * 2000 + "retail", "SMB & " * 3000 + "x",
                                   "Small and " * 2000 + "tailors"])
def test_a_long_entry_that_is_no_size_is_read_in_linear_time(entry: str) -> None:
    # Two ways of joining sizes that matched the same spaces (" to " as a word and as a
    # separator) made the pattern try every split: minutes for the first entry.
    started = time.perf_counter()
    assert not is_size_entry(entry)
    assert time.perf_counter() - started < 5

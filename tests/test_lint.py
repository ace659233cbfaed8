"""The lint rules: each fires on its bad form at the line to blame, and is silent on a good
form next to it; rules can be switched off by code or by name."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import assert_same_verdict, copy_tree
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_docs.data.evidence_file import load_evidence
from icp_docs.diagnostics import Code
from icp_docs.lint import check, language, sizes, voice
from icp_docs.lint.registry import PLAYBOOK_RULES, SEGMENT_RULES

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "engine" / "minimal"
TODAY = dt.date(2026, 9, 1)
S = "segments/payroll-ops.yml"
P = "playbook.yml"
Edit = tuple[str, str, str]  # (file under specs/, old text, new text)

CORE_COPY = "copy:core"  # pseudo-edit: add three more core segments
CRITERIA = "criteria:{n}"  # pseudo-edit: add n more criteria
RENAME = "rename:"  # pseudo-edit: rename the file or folder ``old`` under specs/ to ``new``
EVIDENCE = "evidence:"  # pseudo-edit: ``new`` is the evidence file beside specs/ (lint uses it)
COPY = "copy:"  # pseudo-edit: copy the segment as segments/<old>.yml (id ``old``), labelled ``new``


def apply(specs: Path, edits: list[Edit]) -> None:
    for name, old, new in edits:
        if name == CORE_COPY:
            text = (specs / S).read_text()
            for n in range(int(old)):
                (specs / "segments" / f"core-{n}.yml").write_text(
                    text.replace("id: payroll-ops", f"id: core-{n}"))
            continue
        if name == EVIDENCE:
            (specs.parent / "evidence.json").write_text(new)
            continue
        if name == COPY:
            text = (specs / S).read_text().replace("id: payroll-ops", f"id: {old}")
            (specs / "segments" / f"{old}.yml").write_text(
                re.sub(r"(?m)^label: .*$", f"label: {new}", text, count=1))
            continue
        if name == RENAME:
            (specs / new).parent.mkdir(parents=True, exist_ok=True)
            (specs / old).rename(specs / new)
            continue
        if name.startswith("criteria:"):
            extra = "".join(f"    - id: extra-{n}\n      question: Extra question {n}?\n"
                            "      dimension: alternatives\n" for n in range(int(name[9:])))
            name, old, new = S, "journey:", f"{extra}journey:"
        path = specs / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))


def warnings(specs: Path, code: Code, *, disable: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    file = specs.parent / "evidence.json"
    evidence = load_evidence(file) if file.is_file() else None
    result = check(specs, today=TODAY, cwd=specs, disable=disable, evidence=evidence)
    assert_same_verdict(specs, today=TODAY, cwd=specs, disable=disable, evidence=evidence)
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"]
    return [(d.path, d.line) for d in result.diagnostics if d.code == code]


LABEL = "Payroll teams reconciling pay runs across several countries"
EMPLOYEES = "  employees:\n    min: 200\n    max: 2000\n"
JOB = "  - When a pay run closes, I want every country's totals to match the ledger."
QUOTE = "  problem-exists: Our pay runs never match the ledger."
EVIDENCE_KIND = "  - kind: closed_won"
PERSONA_QUOTE = "    role: champion"  # the second persona's last line
TRIGGERS = ("triggers:\n  - event: A new country of employment opened\n    strength: strong\n"
            "    window_days: 90\n")
STAGES = ("journey_stages:\n  - id: problem-exists\n    name: Problem\n    example: {}\n"
          "  - id: decision\n    name: Decision\n    example: We sign.\nqualification:")

def evidence(as_of: str = "2026-08-31", **figures: float | None) -> Edit:
    """An evidence file for the fixture's segment (``payroll-ops``; ``figures`` None: none
    for it), in the format ``icp-docs evidence`` writes."""
    seg = {"deals": 20, "won": 12, "lost": 8, "churned": 0, "win_rate": 0.6,
           "non_fit": {"deals": 80, "won": 20, "lost": 60, "churned": 0, "win_rate": 0.25},
           "lift": 2.4, **figures}
    segments = {} if figures.get("deals", 1) is None else {"payroll-ops": seg}
    data = {"as_of": as_of, "refresh": "2026-Q3", "source": "deals.csv", "deals": 100,
            "won": 32, "lost": 68, "churned": 0, "segments": segments}
    return (EVIDENCE, "", json.dumps(data))


DEPARTMENTS = "  geographies:\n"  # departments and stages go before it: their entry at line 18

# code -> list of (case name, bad edits, expected (file, line) of the warnings, good edits)
CASES: list[tuple[Code, str, list[Edit], list[tuple[str, int]], list[Edit]]] = [
    (Code.BROAD_RANGE, "factor of 200", [(S, "min: 200", "min: 10")], [(S, 15)],
     [(S, "min: 200", "min: 100")]),
    (Code.BROAD_RANGE, "no bounds", [(S, "    min: 200\n    max: 2000\n", "    min: 0\n")],
     [(S, 15)], [(S, "    min: 200\n    max: 2000\n", "    min: 0\n    max: 500\n")]),
    (Code.VAGUE_WORDS, "innovative", [(S, "    - Software", "    - Innovative software firms")],
     [(S, 13)], [(S, "    - Software", "    - Payroll software vendors")]),
    (Code.VAGUE_WORDS, "growing companies", [(S, "    - Software", "    - Growing SaaS companies")],
     [(S, 13)], [(S, "    - Software", "    - SaaS companies after a Series B")]),
    (Code.VAGUE_WORDS, "global", [(S, "    - Germany", "    - Global")], [(S, 18)],
     [(S, "    - Germany", "    - Global payroll hubs in Germany")]),
    (Code.VAGUE_WORDS, "businesses who want to scale",
     [(S, "    - Software", "    - Businesses who want to scale")], [(S, 13)],
     [(S, "    - Software", "    - Businesses that want to open a second country")]),
    (Code.VAGUE_WORDS, "high-growth startups",
     [(S, "    - Software", "    - High-growth fintech startups")], [(S, 13)],
     [(S, "    - Software", "    - Fintech startups after a Series B")]),
    (Code.VAGUE_WORDS, "innovators", [(S, "    - Software", "    - Innovators in retail")],
     [(S, 13)], [(S, "    - Software", "    - Retail chains with 50+ stores")]),
    (Code.VAGUE_WORDS, "any sector", [(S, "    - Software", "    - Any sector")], [(S, 13)],
     [(S, "    - Software", "    - Regulated sectors (banking, insurance)")]),
    (Code.VAGUE_WORDS, "all companies", [(S, "    - Software", "    - All companies")],
     [(S, 13)], [(S, "    - Software", "    - Companies on SAP S/4HANA")]),
    (Code.VAGUE_WORDS, "any country", [(S, "    - Germany", "    - Any country")], [(S, 18)],
     [(S, "    - Germany", "    - Any EU country with a euro payroll")]),
    (Code.VAGUE_WORDS, "world-wide", [(S, "    - Germany", "    - World-wide")], [(S, 18)],
     [(S, "    - Germany", "    - Wide Bay region, Queensland")]),
    (Code.VAGUE_WORDS, "cutting-edge in the label",
     [(S, "label: Payroll teams", "label: Cutting-edge payroll teams")], [(S, 2)],
     [(S, "label: Payroll teams", "label: Payroll teams on two or more payroll providers")]),
    (Code.JOB_TITLE_LABEL, "a job title", [(S, "label: Payroll teams reconciling pay runs across "
                                             "several countries", "label: Heads of Payroll")],
     [(S, 2)], [(S, "label: Payroll teams", "label: Heads of Payroll")]),
    (Code.JOB_TITLE_LABEL, "who but not what", [(S, "label: Payroll teams reconciling pay runs "
                                                 "across several countries",
                                                 "label: Mid-market manufacturing companies")],
     [(S, 2)], [(S, "label: Payroll teams", "label: Manufacturers with payroll teams")]),
    (Code.JOB_TITLE_LABEL, "who but not what, in German",
     [(S, "label: Payroll teams reconciling pay runs across several countries",
       "label: Mittelständische Hersteller")], [(S, 2)],
     [(S, "label: Payroll teams reconciling pay runs across several countries",
       "label: Mittelständische Hersteller, die ihre Lohnabrechnung automatisieren")]),
    (Code.JOB_TITLE_LABEL, "who but not what, in French",
     [(S, "label: Payroll teams reconciling pay runs across several countries",
       "label: Cliniques privées")], [(S, 2)],
     [(S, "label: Payroll teams reconciling pay runs across several countries",
       "label: Cliniques privées qui automatisent l'accueil des patients")]),
    (Code.NO_TRIGGER, "no trigger", [(S, TRIGGERS, "")], [(S, 1)], []),
    (Code.WEAK_TRIGGERS_ONLY, "weak only", [(S, "strength: strong", "strength: weak")], [(S, 22)],
     [(S, TRIGGERS, TRIGGERS + "  - event: Budget season\n    strength: weak\n")]),
    (Code.OVERRATED_TRIGGER, "they have the budget",
     [(S, "A new country of employment opened", "They have the budget")], [(S, 23)],
     [(S, "A new country of employment opened", "Funding round closed, so they have budget")]),
    (Code.OVERRATED_TRIGGER, "could need, going on to an event",
     [(S, "A new country of employment opened", "Could need better reporting.")], [(S, 23)],
     [(S, "A new country of employment opened",
       "Would need to file SOX 404 within a year of the IPO")]),
    (Code.OVERRATED_TRIGGER, "budget available, going on to an event",
     [(S, "A new country of employment opened", "Budget available")], [(S, 23)],
     [(S, "A new country of employment opened",
       "Budget available after the audit found a material weakness")]),
    (Code.OVERRATED_TRIGGER, "they might want it",
     [(S, "A new country of employment opened", "Might want to automate payroll")], [(S, 23)],
     [(S, "strength: strong", "strength: weak"),
      (S, "A new country of employment opened", "Might want to automate payroll")]),
    (Code.UNREACHABLE, "no channel",
     [(S, "reachability:\n  - channel: events\n    detail: Payroll conferences in Berlin.\n", "")],
     [(S, 1)], []),
    (Code.DISQUALIFIES_NOBODY, "nobody",
     [(S, "disqualifiers:\n  - reason: no_pain\n    detail: One payroll provider covers every "
       "country.\n", ""), (S, "      knockout: true\n", "")], [(S, 1)],
     [(S, "disqualifiers:\n  - reason: no_pain\n    detail: One payroll provider covers every "
       "country.\n", "")]),
    (Code.PRODUCT_DEFINED_JOB, "companies that need",
     [(S, JOB, "  - Companies that need payroll reconciliation software")], [(S, 20)],
     [(S, JOB, "  - I need every pay run to tie out before the ledger closes.")]),
    (Code.PRODUCT_DEFINED_JOB, "needs a tool",
     [(S, JOB, "  - I need a better payroll reconciliation tool.")], [(S, 20)],
     [(S, JOB, "  - I need every tool in the stack to agree on payroll.")]),
    (Code.PRODUCT_DEFINED_JOB, "implement a platform",
     [(S, JOB, "  - Implement a close management platform.")], [(S, 20)],
     [(S, JOB, "  - Implement the new chart of accounts in every entity.")]),
    (Code.PRODUCT_DEFINED_JOB, "in need of a tool",
     [(S, JOB, "  - In need of a reconciliation tool.")], [(S, 20)],
     [(S, JOB, "  - When I am in need of numbers, I want them in one place.")]),
    (Code.NO_ECONOMIC_BUYER, "nobody signs", [(S, "role: economic_buyer", "role: end_user")],
     [(S, 33)], []),
    (Code.NO_CLOSED_WON, "interviews only", [(S, EVIDENCE_KIND, "  - kind: interviews")],
     [(S, 7)], [(S, "status: validated", "status: hypothesis"),
                (S, EVIDENCE_KIND, "  - kind: interviews")]),
    (Code.VENDOR_LANGUAGE, "segment journey",
     [(S, QUOTE, "  problem-exists: We need a seamless payroll workflow.")], [(S, 58)],
     [(S, QUOTE, "  problem-exists: We need payroll that just works.")]),
    (Code.VENDOR_LANGUAGE, "cutting-edge, not as the customer was sold it",
     [(S, QUOTE, "  problem-exists: Cutting-edge reconciliation for every entity.")], [(S, 58)],
     [(S, QUOTE, "  breaking-point: We were sold cutting-edge and got a spreadsheet.")]),
    (Code.VENDOR_LANGUAGE, "synergies, not in the customer's quotation marks",
     [(S, QUOTE, "  problem-exists: Synergies across every entity, out of the box.")], [(S, 58)],
     [(S, QUOTE, "  vendor-evaluation: Their 'synergies' pitch was pure fluff.")]),
    (Code.VENDOR_LANGUAGE, "a persona's verbatim quote",
     [(S, PERSONA_QUOTE, PERSONA_QUOTE + "\n    quotes:\n      - We want a best-in-class close.")],
     [(S, 40)],
     [(S, PERSONA_QUOTE, PERSONA_QUOTE + "\n    quotes:\n      - I want the close done by day 5")]),
    (Code.VENDOR_LANGUAGE, "stage example",
     [(P, "qualification:", STAGES.format("I want to leverage our data."))], [(P, 20)],
     [(P, "qualification:", STAGES.format("I want to use our data."))]),
    (Code.STALE_REVIEW, "212 days", [(P, "reviewed_on: 2026-08-01", "reviewed_on: 2026-02-01")],
     [(P, 4)], [(P, "reviewed_on: 2026-08-01", "reviewed_on: 2026-03-02")]),
    (Code.STALE_EVIDENCE, "396 days", [(S, "as_of: 2026-07-01", "as_of: 2025-08-01")], [(S, 10)],
     [(S, "as_of: 2026-07-01", "as_of: 2025-09-02")]),
    (Code.BANT_GAP, "no budget question", [(S, "dimension: budget", "dimension: alternatives")],
     [(S, 44)], [(S, "dimension: persona", "dimension: budget")]),
    (Code.NO_CHAMPION, "nobody inside", [(S, "role: champion", "role: end_user")], [(S, 33)], []),
    (Code.TOO_MANY_CORE, "four core", [(CORE_COPY, "3", "")], [(P, 2)], [(CORE_COPY, "2", "")]),
    (Code.CHECKLIST_TOO_LONG, "sixteen", [(CRITERIA.format(n=12), "", "")], [(S, 44)],
     [(CRITERIA.format(n=10), "", "")]),
    (Code.NO_BUDGET_OWNER, "nobody approves", [(S, "authority: approves", "authority: recommends")],
     [(S, 26)], [(S, "authority: approves", "authority: vetoes\n  - role: CEO\n"
                  "    authority: approves")]),
    (Code.NO_BUDGET_OWNER, "no budget",
     [(S, "budget:\n  - role: Chief Financial Officer\n    authority: approves\n"
       "    limit: 50000\n", "")], [(S, 1)], []),
    (Code.PLACEHOLDER, "TODO", [(S, "label: Payroll teams", "label: TODO Payroll teams")],
     [(S, 2)], [(S, "label: Payroll teams", "label: Payroll teams with a to-do list, ")]),
    (Code.PLACEHOLDER, "TBD in the playbook", [(P, "owner: Sam Ortiz, RevOps", "owner: TBD")],
     [(P, 5)], []),
    (Code.NO_COMPANY_SIZE, "no size", [(S, "  employees:\n    min: 200\n    max: 2000\n", "")],
     [(S, 12)], [(S, "  employees:\n    min: 200\n    max: 2000\n",
                  "  revenue:\n    min: 1000000\n    max: 9000000\n")]),
    (Code.NO_COMPANY_SIZE, "enterprise without a size",
     [(S, "  employees:\n    min: 200\n    max: 2000\n", ""), (S, "- Software", "- Enterprise")],
     [(S, 12)], [(S, "- Software", "- Enterprise")]),
    (Code.NO_GLOBAL_ANTI_ICP, "none",
     [(P, "anti_icp:\n  - name: Single-country startups\n    looks_like: They complain about "
       "payroll errors.\n    why_not: One payroll provider already solves it for them.\n"
       "    signals:\n      - One country of employment\n", "")], [(P, 2)], []),
    (Code.NOT_THEIR_WORDS, "described", [(S, QUOTE, "  problem-exists: They struggle to match "
                                          "payroll.")], [(S, 58)],
     [(S, QUOTE, "  problem-exists: This can't keep going like this.")]),
    (Code.NO_SEGMENTS, "a misnamed folder", [(RENAME, "segments", "Segments")], [(P, 2)], []),
    (Code.UNREAD_FILE, "capital extension", [(RENAME, S, "segments/Payroll-Ops.YML")],
     [("segments/Payroll-Ops.YML", 1)], [(RENAME, S, "segments/.#payroll-ops.yml")]),
    (Code.UNREAD_FILE, "in a sub-folder", [(RENAME, S, "segments/emea/payroll-ops.yml")],
     [("segments/emea/payroll-ops.yml", 1)],
     [(RENAME, S, "segments/.drafts/payroll-ops.yml")]),
    (Code.NOT_THEIR_WORDS, "a persona's quote about them",
     [(S, PERSONA_QUOTE, PERSONA_QUOTE + "\n    quotes:\n      - They dread the month-end close.")],
     [(S, 40)],
     [(S, PERSONA_QUOTE, PERSONA_QUOTE + "\n    quotes:\n      - I dread the month-end close.")]),
    (Code.NOT_THEIR_WORDS, "third-person job",
     [(S, JOB, "  - Teams reconcile pay runs by hand every month.")], [(S, 20)],
     [(S, JOB, "  - Reconcile pay runs without a weekend of overtime.")]),
    (Code.NOT_THEIR_WORDS, "a quote about someone else",
     [(S, QUOTE, "  problem-exists: Their payouts are late again.")], [(S, 58)],
     [(S, QUOTE, "  problem-exists: Sellers are angry when their payouts are late.")]),
    (Code.NOT_THEIR_WORDS, "their own support team, not the vendor's",
     [(S, QUOTE, "  problem-exists: Their support team drowns in tickets every Monday.")],
     [(S, 58)],
     [(S, QUOTE, "  vendor-evaluation: Their support team answered within the hour.")]),
    (Code.NOT_THEIR_WORDS, "in quotation marks",
     [(S, QUOTE, "  problem-exists: '\u201cThey struggle to match payroll.\u201d'")], [(S, 58)],
     [(S, QUOTE, "  problem-exists: '\"Sellers are angry when their payouts are late.\"'")]),
    (Code.NOT_THEIR_WORDS, "opens with a job title",
     [(S, QUOTE, "  problem-exists: The CFO worries that the close slips again.")], [(S, 58)],
     [(S, QUOTE, "  problem-exists: 'CFO here: the close slips every month.'")]),
    (Code.NOT_THEIR_WORDS, "opens with a department's teams",
     [(S, JOB, "  - Finance teams struggle to close in five days.")], [(S, 20)],
     [(S, JOB, "  - Give finance teams a close they can finish in five days.")]),
    (Code.NOT_THEIR_WORDS, "the prospect described, not a colleague's leaving told",
     [(S, QUOTE, "  problem-exists: The prospect recognises the close no longer scales.")],
     [(S, 58)],
     [(S, QUOTE, "  problem-exists: The analyst left the week before the board meeting.")]),
    (Code.NOT_THEIR_WORDS, "they need, not what they did",
     [(S, JOB, "  - They need a faster month-end close.")], [(S, 20)],
     [(S, JOB, "  - They changed the export format again without telling anyone.")]),
    (Code.SIZE_WORD_INDUSTRY, "enterprise, with a size", [(S, "- Software", "- Enterprise")],
     [(S, 13)], [(S, "- Software", "- Enterprise software")]),
    (Code.SIZE_WORD_INDUSTRY, "mid-market, without a size",
     [(S, EMPLOYEES, ""), (S, "- Software", "- Mid-market")], [(S, 13)],
     [(S, EMPLOYEES, ""), (S, "- Software", "- Mid-market private equity")]),
    (Code.DUPLICATE_LABEL, "the same label", [(COPY, "second", LABEL)],
     [(S, 2), ("segments/second.yml", 2)],
     [(COPY, "second", "Payroll teams reconciling pay runs in one country")]),
    (Code.DUPLICATE_LABEL, "case, spacing and end punctuation",
     [(COPY, "second", "'payroll  teams reconciling pay runs across several Countries.'")],
     [(S, 2), ("segments/second.yml", 2)],
     [(COPY, "second", "'Payroll teams reconciling pay runs across several countries 2'")]),
    (Code.NOT_THEIR_WORDS, "an imperative job about someone else",
     [(S, JOB, "  - When they add a subsidiary, the close takes two days longer.")], [(S, 20)],
     [(S, JOB, "  - Pay sellers on time, so that they do not leave for a rival.")]),
    (Code.UNUSABLE_MATCH, "match values on a department",
     [(S, DEPARTMENTS, "  departments:\n    - Payroll: [PAYROLL]\n" + DEPARTMENTS)], [(S, 18)],
     [(S, DEPARTMENTS, "  departments:\n    - Payroll\n" + DEPARTMENTS)]),
    (Code.UNUSABLE_MATCH, "match values on a stage, no stage column",
     [(S, DEPARTMENTS, "  stages:\n    - Series B: [series_b]\n" + DEPARTMENTS)], [(S, 18)],
     [(S, DEPARTMENTS, "  stages:\n    - Series B: [series_b]\n" + DEPARTMENTS),
      (P, "qualification:", "accounts:\n  columns:\n    stage: Funding stage\nqualification:")]),
    (Code.UNUSABLE_MATCH, "a global signal on stage",
     [(P, "      - One country of employment", "      - One country of employment: "
       "{stage: [Seed]}")], [(P, 16)],
     [(P, "      - One country of employment", "      - One country of employment: "
       "{technologies: [Gusto]}")]),
    (Code.UNBACKED_VALIDATED, "no figures for the segment", [evidence(deals=None)], [(S, 5)],
     [evidence()]),
    (Code.UNBACKED_VALIDATED, "fewer wins than the written count",
     [evidence(won=5, churned=1, lost=14)], [(S, 9)], [evidence(won=11, churned=1, lost=8)]),
    (Code.STALE_DATA, "deals before the refresh began", [evidence("2026-06-30")], [(P, 3)],
     [evidence("2026-07-01")]),
    (Code.NO_LIFT, "fits win no better", [evidence(lift=0.9, deals=10)], [(S, 1)],
     [evidence(lift=0.9, deals=9)]),
    (Code.NO_LIFT, "lift just above one", [evidence(lift=1.0, deals=10)], [(S, 1)],
     [evidence(lift=1.01, deals=10)]),
]


@pytest.mark.parametrize(("code", "name", "bad", "expected", "good"), CASES,
                         ids=[f"{c.value}-{n}" for c, n, *_ in CASES])
def test_rule_fires_on_the_bad_form_only(minimal_specs: Path, tmp_path: Path, code: Code,
                                         name: str, bad: list[Edit],
                                         expected: list[tuple[str, int]],
                                         good: list[Edit]) -> None:
    assert warnings(minimal_specs, code) == []
    apply(minimal_specs, bad)
    assert warnings(minimal_specs, code) == expected
    if good:
        near_miss = tmp_path / "good" / "specs"
        copy_tree(FIXTURE, near_miss)
        apply(near_miss, good)
        assert warnings(near_miss, code) == []


def test_no_segments_leaves_broken_segment_files_to_their_errors(minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "tier: 1", "tier: 9")])
    result = check(minimal_specs, today=TODAY, cwd=minimal_specs)
    assert [(d.path, d.code) for d in result.diagnostics] == [(S, Code.WRONG_VALUE)]


def test_no_segments_says_when_segments_is_a_file(minimal_specs: Path) -> None:
    shutil.rmtree(minimal_specs / "segments")
    (minimal_specs / "segments").write_text("id: payroll-ops\n")
    [found] = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert found.code == Code.NO_SEGMENTS
    assert "segments is a file, not a folder of <id>.yml files" in found.message


def test_unread_file_beside_its_namesake_says_to_merge(minimal_specs: Path) -> None:
    (minimal_specs / "segments" / "payroll-ops.YML").write_text((minimal_specs / S).read_text())
    [found] = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert found.code == Code.UNREAD_FILE
    assert found.message.endswith("rename it to payroll-ops.yml, but segments/ has a "
                                  "payroll-ops segment already: merge the two files")


def test_a_playbook_yaml_beside_playbook_yml_is_not_read_and_says_so(minimal_specs: Path) -> None:
    # An edit made to the .yaml would vanish from the site and the checks without a word.
    (minimal_specs / "playbook.yaml").write_text((minimal_specs / P).read_text())
    [found] = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert (found.code, found.path, found.line) == (Code.UNREAD_FILE, "playbook.yaml", 1)
    assert found.message == ("this file is not read: playbook.yml is, beside it; keep one of "
                             "the two, merging what this one says into playbook.yml")
    (minimal_specs / P).unlink()  # alone, the .yaml is the playbook
    assert check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics == []




@pytest.mark.parametrize(("size", "said"), [
    ("  employees:\n    min: 1\n    max: 1" + "0" * 30 + "\n",
     "1-1" + ",000" * 10 + " spans a factor of 1" + ",000" * 10 + ";"),
    ("  employees:\n    min: 3\n    max: 1" + "0" * 400 + "\n",
     f"3-{10**400:,} spans a factor of {round(Fraction(10**400, 3)):,};"),
    ("  revenue:\n    min: 1\n    max: 1" + "0" * 30 + "\n",
     "1-1" + ",000" * 10 + " spans a factor of 1" + ",000" * 10 + ";"),
    ("  revenue:\n    min: 1.5\n    max: 1000\n", "1.5-1,000 spans a factor of 667;"),
], ids=["employees-1e30", "employees-1e400", "revenue-1e30", "revenue-fraction"])
def test_broad_range_shows_the_numbers_as_written(minimal_specs: Path, size: str,
                                                   said: str) -> None:
    # Huge counts are exact integers: float division would round them (1e+30 shown as
    # 1,000,000,000,000,000,019,884,624,838,656) or overflow past 1e308.
    apply(minimal_specs, [(S, EMPLOYEES, size)])
    [found] = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert found.code == Code.BROAD_RANGE
    assert said in found.message


def test_enterprise_without_a_size_is_one_warning(minimal_specs: Path) -> None:
    # One problem, one warning: the missing size, at firmographics where it goes, naming the
    # word that needed it; not also a vague-words warning at each "enterprise".
    apply(minimal_specs, [(S, EMPLOYEES, ""),
                          (S, "label: Payroll teams", "label: Enterprise payroll teams"),
                          (S, "- Software", "- Enterprise software")])
    found = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert [(d.code, d.line) for d in found] == [(Code.NO_COMPANY_SIZE, 12)]
    assert found[0].message == ("no company size, so 'Enterprise' in the label means nothing: "
                                "give employees or revenue, so that a seller can build the "
                                "list of accounts tomorrow")


QUOTES = yaml.safe_load((ROOT / "tests" / "fixtures" / "lint" / "quotes.yml").read_text())


def journeys(specs: Path, quotes: list[dict[str, str]]) -> None:
    """One segment per journey in ``quotes``, copied from the fixture's segment."""
    text = (specs / S).read_text()
    text = text[:text.index("journey:")]
    for n, journey in enumerate(quotes):
        body = text.replace("id: payroll-ops", f"id: quotes-{n:02d}")
        dumped = yaml.safe_dump({"journey": journey}, sort_keys=False, width=1000)
        (specs / "segments" / f"quotes-{n:02d}.yml").write_text(body + dumped)


def test_customer_quotes_are_neither_vendor_language_nor_described(minimal_specs: Path) -> None:
    # Customers use some of the vendors' words in their own way: a false warning on each
    # would teach a team to switch the rule off.
    stages = QUOTES["customer"]
    assert len(stages) == 10 and all(len(quotes) >= 20 for quotes in stages.values())
    rows = max(len(quotes) for quotes in stages.values())
    journeys(minimal_specs, [{stage: quotes[n] for stage, quotes in stages.items()
                              if n < len(quotes)} for n in range(rows)])
    found = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    assert [d.format() for d in found if d.code in (Code.VENDOR_LANGUAGE,
                                                    Code.NOT_THEIR_WORDS)] == []


def test_vendor_phrases_are_still_vendor_language(minimal_specs: Path) -> None:
    phrases = QUOTES["vendor"]
    journeys(minimal_specs, [{"problem-exists": phrase} for phrase in phrases])
    found = check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
    warned = {d.path for d in found if d.code == Code.VENDOR_LANGUAGE}
    assert [phrase for n, phrase in enumerate(phrases)
            if f"segments/quotes-{n:02d}.yml" not in warned] == []


@pytest.mark.parametrize(("text", "described"), [
    ("The CFO worries that the close slips.", True),
    ("Finance teams struggle to close in five days.", True),
    ("Ops managers patch it with macros.", True),
    ("The finance teams in each country keep their own sheet.", True),
    ("Customer success managers chase renewals by hand.", True),
    ("Payroll managers rebuild the file every month.", True),
    ("Controllers redo the FX rates by hand.", True),
    ("Most CFOs want the close in five days.", True),
    ("The head of payroll checks every country by hand.", True),
    ("VP Finance signs off on anything over 50k.", True),
    ("\u201cSales reps wait weeks for their commission.\u201d", True),
    ("CFO here: the close slips every month.", False),
    ("CFO here: we close in nine days.", False),
    ("As the controller I redo the FX rates by hand.", False),
    ("Head of finance here, and the close is a mess.", False),
    ("Controller, 200-person SaaS: the close takes nine days.", False),
    ("Our CFO signed after the second demo.", False),
    ("Give finance teams a close they can finish in five days.", False),
    ("Keep managers out of spreadsheets.", False),
    ("It leads to overtime every month.", False),
    ("Leads go cold while we wait for approval.", False),
    ("The board wants the close in five days.", False),
    # What a colleague did, or a thing named after one, is the customer telling it.
    ("The analyst left the week before the board meeting.", False),
    ("The controller quit after the second restatement.", False),
    ("The head of payroll was off sick and the run went out late.", False),
    ("The customer portal went down in the middle of month-end.", False),
    ("The prospect list from marketing is useless.", False),
    ("The CFO is on holiday this week and nobody else can sign.", False),
    ("They want a daily close? With what team?", False),
    ("She left in March and nobody else knows the macro.", False),
    # What the customer is, needs or feels, in the present, is a description.
    ("The prospect recognises that manual reconciliation no longer scales.", True),
    ("The buyer is looking for a way to cut audit fees.", True),
    ("Customers want real-time visibility into cash.", True),
    ("They need a faster month-end close.", True),
    ("Typically, the CFO signs off only after a reference call.", True),
    ("The buyer, usually the CFO, wants proof that it works with SAP.", True),
    ("Decision-makers prefer a phased rollout.", True),
    ("The customer's finance team works late every month-end.", True),
    ("She wants a close she can trust.", True),
])
def test_not_their_words_reads_a_job_title_at_the_opening(text: str, described: bool) -> None:
    # A role at the opening is someone describing the customer; a role the speaker gives
    # of themselves ("CFO here:", "As the controller I") is the customer speaking.
    assert voice._described(text) is described


@pytest.mark.parametrize(("text", "described"), [
    # "Their" is the customer's own, described from outside ...
    ("Their support team drowns in tickets every Monday.", True),
    ("Their sales reps wait weeks for commission.", True),
    ("Their demos run long and prospects go cold.", True),
    ("Their payroll provider missed the cut-off again.", True),
    ("Their controller redid the FX rates by hand.", True),
    ("Their pricing changes every quarter.", True),
    # ... or the vendor's, in the words of a customer recalling what it did.
    ("Their support team answered within the hour.", False),
    ("Their demo ran on real payroll files, not a canned dataset.", False),
    ("Their sales rep knew more about FX than the auditors did.", False),
    ("Their account manager never pushed for a bigger plan.", False),
    ("Their implementation team had done Poland twice before.", False),
    ("Their references were all companies with five countries or more.", False),
    ("Their 'synergies' pitch was pure fluff.", False),
    ("\u201cTheir onboarding plan was the only realistic one.\u201d", False),
    ("Their pricing page made no sense until the second call.", False),
])
def test_not_their_words_tells_the_customers_own_from_the_vendor(text: str,
                                                                  described: bool) -> None:
    # A customer speaks of the vendor as "they" ("Are these people going to waste my time?"):
    # the vendor's sellers, demo or support recalled in the past tense are that customer's
    # own words, where the customer's own team, sellers or demos described are not.
    assert voice._described(text) is described


def test_every_rule_has_a_case_and_a_registered_check() -> None:
    lint_codes = {c for c in Code if c.severity == "warning"}
    assert {case[0] for case in CASES} == lint_codes
    registered = {code for code, _ in PLAYBOOK_RULES} | {code for code, _ in SEGMENT_RULES}
    assert registered == lint_codes


def test_every_rule_is_documented() -> None:
    page = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    for code in Code:
        if code.severity == "warning":
            assert f"| `{code.value}` | [`{code.slug}`]" in page, code
            assert f"### {code.value} {code.slug}\n" in page, code


def test_the_fixture_and_the_sample_are_lint_clean(minimal_specs: Path) -> None:
    assert check(minimal_specs, today=TODAY).diagnostics == []
    assert check(ROOT / "specs", today=dt.date(2026, 12, 1)).diagnostics == []


@pytest.mark.parametrize("name", ["W104", "no-trigger", "w104", " NO-TRIGGER "])
def test_rules_switch_off_in_the_playbook_by_code_or_name(minimal_specs: Path, name: str) -> None:
    apply(minimal_specs, [(S, TRIGGERS, ""),
                          (P, "qualification:", f"lint:\n  disable: ['{name}']\nqualification:")])
    assert warnings(minimal_specs, Code.NO_TRIGGER) == []


@pytest.mark.parametrize("name", ["W104", "no-trigger"])
def test_rules_switch_off_per_run(minimal_specs: Path, name: str) -> None:
    apply(minimal_specs, [(S, TRIGGERS, "")])
    assert warnings(minimal_specs, Code.NO_TRIGGER) == [("segments/payroll-ops.yml", 1)]
    assert warnings(minimal_specs, Code.NO_TRIGGER, disable=(name,)) == []


def test_the_lint_counts_from_the_given_day(minimal_specs: Path) -> None:
    late = check(minimal_specs, today=dt.date(2027, 6, 1))
    assert {d.code for d in late.diagnostics} == {Code.STALE_REVIEW}


def test_several_processes_lint_a_large_playbook_with_the_same_result(minimal_specs: Path) -> None:
    text = (minimal_specs / S).read_text()
    for n in range(70):
        body = text.replace("id: payroll-ops", f"id: seg-{n:02d}").replace(
            LABEL, f"{LABEL}, wave {n}")  # one label each, or every file warns W127
        if n % 7 == 0:
            body = body.replace("strength: strong", "strength: weak")
        (minimal_specs / "segments" / f"seg-{n:02d}.yml").write_text(body)
    one = check(minimal_specs, today=TODAY, jobs=1)
    two = check(minimal_specs, today=TODAY, jobs=2)
    assert one.diagnostics == two.diagnostics
    assert {d.code for d in two.diagnostics} == {Code.WEAK_TRIGGERS_ONLY, Code.TOO_MANY_CORE}
    assert len(two.diagnostics) == 11


def test_the_command_line_checks_a_large_folder_in_workers_as_the_site_does(
        minimal_specs: Path) -> None:
    # Workers validate and lint each file and send back diagnostics, ids and ranks: the
    # checks across files (a duplicate id), broken files and the playbook's rules (too many
    # core segments) must come out as loading the whole playbook gives them.
    text = (minimal_specs / S).read_text()
    for n in range(70):
        body = text.replace("id: payroll-ops", f"id: seg-{n:02d}").replace(
            LABEL, f"{LABEL}, wave {n}")  # one label each, or every file warns W127
        if n % 7 == 0:
            body = body.replace("strength: strong", "strength: weak")
        if n == 3:
            body = body.replace("tier: 1", "tier: [")
        if n == 5:
            body = body.replace("id: seg-05", "id: seg-06")
        (minimal_specs / "segments" / f"seg-{n:02d}.yml").write_text(body)
    one = assert_same_verdict(minimal_specs, today=TODAY, jobs=1)
    two = assert_same_verdict(minimal_specs, today=TODAY, jobs=2)
    assert one == two
    assert two.files == 71 and two.broken == ("seg-03", "seg-05")
    assert {d.code for d in two.diagnostics} == {
        Code.YAML_SYNTAX, Code.BAD_ID, Code.DUPLICATE_ID, Code.WEAK_TRIGGERS_ONLY,
        Code.TOO_MANY_CORE}


# Text where case folding is tricky: the Kelvin sign, long s and dotted I fold to ASCII letters.
FOLDING = st.text(alphabet=st.sampled_from(list("aeiknorstuvwy -'IKSNVO\u212a\u017f\u0130\u2019")),
                  max_size=24)
WORDS = [language._VAGUE, sizes._SIZE_ENTRY, sizes._SIZE_WORD, language._PRODUCT_JOB,
         language._VENDOR, voice._FIRST_PERSON, voice._SUBJECT, language._WEAK_EVENT,
         voice._ABOUT_VENDOR, voice._OCCASION]
# Phrases made of the patterns' own words, in any case: short random text almost never holds
# a whole phrase ("they have the budget"), so without these the ASCII fast path would hardly
# ever be tried on a hit. Long ones repeat a phrase past any window a search might keep.
PHRASES = st.lists(st.sampled_from(sorted(
    {w for words in WORDS for w in re.findall(r"[a-z]+", words._source)} |
    {"\u212a", "\u017f", "\u0301", "\u00e9", "\u201c", "\u2019", "'", "\"", "-", "\n"})),
    max_size=12).map(" ".join)
CASED = st.tuples(PHRASES, st.randoms(use_true_random=False), st.sampled_from([1, 1, 300])).map(
    lambda t: "".join(c.upper() if t[1].random() < 0.3 else c for c in t[0]) * t[2])


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.one_of(FOLDING, st.text(max_size=24), CASED,
                      st.sampled_from(["Our Platform", "LEVERAGE it", "Let\u2019s go", "\u212aey",
                                       "Companies that NEED software", "\u017feamless"])))
def test_word_patterns_match_as_case_insensitive_search_does(text: str) -> None:
    for words in WORDS:
        fast, plain = words.search(text), words.pattern.search(text)
        assert (fast and fast.span()) == (plain and plain.span())
        assert words.found_in(text) is (plain is not None)
        assert [m.span() for m in words.finditer(text)] == \
            [m.span() for m in words.pattern.finditer(text)]


def test_word_patterns_refuse_upper_case_letters() -> None:
    with pytest.raises(ValueError, match="upper-case"):
        language.Words(r"\bTODO\b")
    assert language.Words(r"\bdone\B").search("DONE") is None

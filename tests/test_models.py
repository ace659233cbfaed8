"""The contract's errors, end to end: every kind of bad input gives its code, file, line,
column and field; plus the models, pydantic's messages and the cross-file checks."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import assert_same_verdict
from pydantic import ValidationError

from icp_docs.diagnostics import Code, format_all
from icp_docs.spec.layout import display_path, segment_pairs
from icp_docs.spec.load import SpecCache, load_playbook
from icp_docs.spec.models import Evidence, Range, SegmentSpec

SEG = "specs/segments/payroll-ops.yml"
BOOK = "specs/playbook.yml"
Edit = tuple[str, str, str | bytes]  # (file under specs/, old, new); old "" = whole file


def apply(specs: Path, edits: list[Edit]) -> None:
    for name, old, new in edits:
        path = specs / name
        if not old:
            path.write_bytes(new if isinstance(new, bytes) else new.encode())
            continue
        assert isinstance(new, str)
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(specs: Path) -> list[tuple[str, str, int, int, str]]:
    result = load_playbook(specs, cwd=specs.parent)
    return [(d.code.value, d.path, d.line, d.column, d.field)
            for d in result.diagnostics if d.severity == "error"]


S = "segments/payroll-ops.yml"
P = "playbook.yml"
EVIDENCE = ("evidence:\n  - kind: closed_won\n    summary: 12 customers in this segment renewed.\n"
            "    count: 12\n    as_of: 2026-07-01\n")
BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 6)])

# One case per error kind of the contract: (edits, [(code, file, line, column, field)]).
CASES: dict[str, tuple[list[Edit], list[tuple[str, str, int, int, str]]]] = {
    "invalid yaml": ([(S, "tier: 1", "tier: [1")], [("E001", SEG, 4, 7, "")]),  # the "["
    "tab indentation": ([(S, "tier: 1", "\ttier: 1")], [("E001", SEG, 4, 1, "")]),
    "duplicate key": ([(S, "tier: 1\n", "tier: 1\ntier: 2\n")], [("E002", SEG, 5, 1, "tier")]),
    "nested duplicate key": ([(S, "    min: 200\n", "    min: 200\n    min: 300\n")],
                             [("E002", SEG, 16, 5, "firmographics.employees.min")]),
    "not utf-8": ([(S, "", b"id: payroll-ops\nlabel: Z\xfcrich\n")], [("E003", SEG, 2, 9, "")]),
    "file over 1 MiB": ([(S, "", "# " + "x" * (1 << 20) + "\n")], [("E004", SEG, 1, 1, "")]),
    "alias bomb": ([(S, "", BOMB)], [("E005", SEG, 4, 45, "a3[7]")]),
    "self-referencing alias": ([(S, "", "id: &x [1, *x]\n")], [("E005", SEG, 1, 12, "id[1]")]),
    "empty file": ([(S, "", "")], [("E006", SEG, 1, 1, "")]),
    "comments only": ([(S, "", "# nothing yet\n\n# still nothing\n")], [("E006", SEG, 1, 1, "")]),
    "top-level list": ([(S, "", "- id: payroll-ops\n")], [("E007", SEG, 1, 1, "")]),
    "missing playbook": ([(P, "", "")], [("E006", BOOK, 1, 1, "")]),
    "python tag": ([(S, "tier: 1", 'tier: !!python/object/apply:os.system ["true"]')],
                   [("E009", SEG, 4, 7, "tier")]),
    "wrong type": ([(S, "count: 12", "count: twelve")],
                   [("E010", SEG, 9, 12, "evidence[0].count")]),
    "wrong enum value": ([(S, "priority: core", "priority: main")],
                         [("E010", SEG, 3, 11, "priority")]),
    "bool as yes": ([(S, "knockout: true", "knockout: yes")],
                    [("E010", SEG, 47, 17, "qualification.criteria[0].knockout")]),
    "bad date": ([(S, "as_of: 2026-07-01", "as_of: 2026-02-30")],
                 [("E010", SEG, 10, 12, "evidence[0].as_of")]),
    "a month that does not exist": ([(P, "reviewed_on: 2026-08-01", "reviewed_on: 2026-13-01")],
                                    [("E010", BOOK, 4, 14, "reviewed_on")]),
    "range min over max": ([(S, "min: 200", "min: 3000")],
                           [("E010", SEG, 15, 5, "firmographics.employees")]),
    "unknown field points at the key": ([(S, "    role: champion\n",
                                          "    role: champion\n    rol: champion\n")],
                                        [("E011", SEG, 39, 5, "personas[1].rol")]),
    "missing field points at the parent": ([(S, "    title: Payroll Manager\n", "")],
                                           [("E012", SEG, 36, 5, "personas[1].title")]),
    "missing top-level field": ([(S, "tier: 1\n", "")], [("E012", SEG, 1, 1, "tier")]),
    "bad slug id": ([(S, "  - id: cfo", "  - id: CFO_1")],
                    [("E013", SEG, 33, 9, "personas[0].id")]),
    "id too long": ([(S, "  - id: cfo", "  - id: " + "a" * 65)],
                    [("E013", SEG, 33, 9, "personas[0].id")]),
    "id is not the file stem": ([(S, "id: payroll-ops", "id: payroll")],
                                [("E013", SEG, 1, 5, "id")]),
    "duplicate segment id (.yml and .yaml)": (
        [("segments/payroll-ops.yaml", "", (Path(__file__).parent / "fixtures" / "engine" /
                                            "minimal" / S).read_text())],
        [("E014", "specs/segments/payroll-ops.yaml", 1, 5, "id")]),
    "duplicate persona id": ([(S, "id: payroll-manager", "id: cfo")],
                             [("E014", SEG, 36, 9, "personas[1].id")]),
    "duplicate criterion id": ([(S, "id: budget", "id: signer")],
                               [("E014", SEG, 51, 11, "qualification.criteria[2].id")]),
    "duplicate stage id": ([(P, "qualification:", "journey_stages:\n  - {id: a, name: A, example: "
                             "I hurt.}\n  - {id: a, name: B, example: I hurt more.}\n"
                             "qualification:")],
                           [("E014", BOOK, 19, 10, "journey_stages[1].id"),
                            ("E015", SEG, 58, 3, "journey.problem-exists"),
                            ("E015", SEG, 59, 3, "journey.decision")]),
    "journey key not a stage": ([(S, "  decision:", "  decided:")],
                                [("E015", SEG, 59, 3, "journey.decided")]),
    "strong_at above the criteria count": ([(S, "journey:", "  strong_at: 5\njourney:")],
                                           [("E016", SEG, 57, 14, "qualification.strong_at")]),
    "disqualify_below not below strong_at": (
        [(S, "journey:", "  disqualify_below: 3\njourney:")],
        [("E016", SEG, 57, 21, "qualification.disqualify_below")]),
    "playbook default exceeds the criteria": ([(P, "strong_at: 3", "strong_at: 5")],
                                              [("E016", SEG, 44, 5, "qualification.criteria")]),
    "playbook thresholds clash": ([(P, "disqualify_below: 2", "disqualify_below: 3")],
                                  [("E016", BOOK, 19, 21, "qualification.disqualify_below")]),
    "validated without evidence": ([(S, EVIDENCE, "")], [("E017", SEG, 5, 9, "status")]),
    "nesting too deep": ([(S, "", "id: " + "[" * 70 + "]" * 70 + "\n")],
                         # The path down to the level where reading stopped.
                         [("E018", SEG, 1, 68, "id" + "[0]" * 63)]),
    "unknown lint rule": ([(P, "qualification:", "lint:\n  disable: [W999]\nqualification:")],
                          [("E010", BOOK, 18, 13, "lint.disable[0]")]),
}


# A field error does not hide the checks that read other fields: one run reports them all.
ALONGSIDE: dict[str, tuple[list[Edit], list[tuple[str, str, int, int, str]]]] = {
    "unknown lint rules beside a wrong type": (
        [(P, "qualification:", 'lint:\n  disable: [W999, "<script>", 5]\nqualification:')],
        [("E010", BOOK, 18, 13, "lint.disable[0]"), ("E010", BOOK, 18, 19, "lint.disable[1]"),
         ("E010", BOOK, 18, 31, "lint.disable[2]")]),
    "segment checks beside a wrong tier": (
        [(S, "tier: 1", "tier: 9"), (S, "id: payroll-ops", "id: payroll"),
         (S, "id: payroll-manager", "id: cfo"), (S, "  decision:", "  decided:"),
         (S, "journey:", "  strong_at: 5\njourney:")],
        [("E013", SEG, 1, 5, "id"), ("E010", SEG, 4, 7, "tier"),
         ("E014", SEG, 36, 9, "personas[1].id"), ("E016", SEG, 57, 14, "qualification.strong_at"),
         ("E015", SEG, 60, 3, "journey.decided")]),
    "a duplicate id in a broken copy": (
        [("segments/payroll-ops.yaml", "", (Path(__file__).parent / "fixtures" / "engine" /
                                            "minimal" / S).read_text().replace("tier: 1",
                                                                               "tier: 9"))],
        [("E014", "specs/segments/payroll-ops.yaml", 1, 5, "id"),
         ("E010", "specs/segments/payroll-ops.yaml", 4, 7, "tier")]),
    "validated without evidence beside a wrong tier": (
        [(S, EVIDENCE, ""), (S, "tier: 1", "tier: 9")],
        [("E010", SEG, 4, 7, "tier"), ("E017", SEG, 5, 9, "status")]),
    "segment checks beside a broken playbook": (
        [(P, "owner:", "ownr:"), (P, "strong_at: 3", "strong_at: 5"),
         (S, "  decision:", "  decided:")],
        [("E012", BOOK, 2, 1, "owner"), ("E011", BOOK, 5, 1, "ownr"),
         ("E016", SEG, 44, 5, "qualification.criteria"), ("E015", SEG, 59, 3, "journey.decided")]),
    "playbook thresholds beside a broken playbook": (
        [(P, "owner:", "ownr:"), (P, "disqualify_below: 2", "disqualify_below: 3")],
        [("E012", BOOK, 2, 1, "owner"), ("E011", BOOK, 5, 1, "ownr"),
         ("E016", BOOK, 19, 21, "qualification.disqualify_below")]),
    # ... and a value in error stands for nothing else: no default replaces it, and what is
    # read raw is read as the models read it (stripped).
    "a threshold in error is not replaced by the default": (
        [(P, "strong_at: 3", "strong_at: 6"), (S, "journey:", "  strong_at: '3'\njourney:")],
        [("E010", SEG, 57, 14, "qualification.strong_at")]),
    "a playbook qualification that is no mapping": (
        [(P, "qualification:\n  strong_at: 3\n  disqualify_below: 2\n",
          "qualification: strong at three\n")],
        [("E010", BOOK, 17, 16, "qualification")]),
    "raw values are stripped as the models strip them": (
        [(S, "id: payroll-ops\n", "id: 'payroll-ops '\n"), (S, "tier: 1", "tier: 9")],
        [("E010", SEG, 4, 7, "tier")]),
    # A tag refused hides nothing else of its file, and the field it spoils is in error for
    # that alone: not missing, not of a wrong type, not read by the checks across fields.
    "a tag beside an unknown field and a yes": (
        [(S, "tier: 1", "tier: !custom 1"), (S, "knockout: true", "knockout: yes"),
         (S, "    title: Payroll Manager\n", "    title: Payroll Manager\n    titel: x\n")],
        [("E009", SEG, 4, 7, "tier"), ("E011", SEG, 38, 5, "personas[1].titel"),
         ("E010", SEG, 48, 17, "qualification.criteria[0].knockout")]),
    "a tagged list beside a duplicate key": (
        [(S, "  industries:\n", "  industries: !!set\n"), (S, "priority: core\n",
                                                           "priority: core\npriority: core\n")],
        [("E002", SEG, 4, 1, "priority"), ("E009", SEG, 13, 15, "firmographics.industries")]),
    "a tagged id is not taken for another id": (
        [(S, "id: payroll-ops", "id: !!binary cGF5cm9sbA=="), (S, "tier: 1", "tier: 9")],
        [("E009", SEG, 1, 5, "id"), ("E010", SEG, 4, 7, "tier")]),
    "a tagged threshold is not replaced by the default": (
        [(P, "strong_at: 3", "strong_at: 6"), (S, "journey:", "  strong_at: !x 3\njourney:")],
        [("E009", SEG, 57, 14, "qualification.strong_at")]),
    "a tagged playbook leaves its segments checked": (
        [(P, "owner:", "ownr:"), (P, "reviewed_on: 2026-08-01", "reviewed_on: !date 2026-08-01"),
         (S, "  decision:", "  decided:")],
        [("E012", BOOK, 2, 1, "owner"), ("E009", BOOK, 4, 14, "reviewed_on"),
         ("E011", BOOK, 5, 1, "ownr"), ("E015", SEG, 59, 3, "journey.decided")]),
    "an alias without its anchor beside a yes": (
        [(S, "tier: 1", "tier: *one"), (S, "knockout: true", "knockout: yes")],
        [("E001", SEG, 4, 7, "tier"), ("E010", SEG, 47, 17, "qualification.criteria[0].knockout")]),
    "no journey stage at all": ([(P, "qualification:", "journey_stages: []\nqualification:")],
                                [("E010", BOOK, 17, 17, "journey_stages")]),
}


@pytest.mark.parametrize("name", [*CASES, *ALONGSIDE])
def test_every_contract_error_is_pinned(minimal_specs: Path, name: str) -> None:
    edits, expected = {**CASES, **ALONGSIDE}[name]
    apply(minimal_specs, edits)
    assert errors(minimal_specs) == expected


@pytest.mark.parametrize("name", [*CASES, *ALONGSIDE])
def test_the_command_line_finds_every_contract_error_too(minimal_specs: Path, name: str) -> None:
    apply(minimal_specs, {**CASES, **ALONGSIDE}[name][0])
    assert_same_verdict(minimal_specs, cwd=minimal_specs.parent)


def test_a_missing_playbook(minimal_specs: Path) -> None:
    (minimal_specs / "playbook.yml").unlink()
    assert errors(minimal_specs) == [("E008", BOOK, 1, 1, "")]


def _folder(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize(("make", "says"), [
    (_folder, "cannot read the file: it is a folder, not a file"),
    (lambda path: path.symlink_to(path.name), "cannot read the file: Too many levels"),
    (lambda path: path.symlink_to("gone.yml"), "cannot read the file: No such file"),
    # Never read: a pipe would wait forever, a device (/dev/zero) fill the memory.
    (lambda path: os.mkfifo(path), "cannot read the file: it is not a regular file"),
    (lambda path: path.symlink_to("/dev/zero"), "cannot read the file: it is a link to a file "
     "outside the playbook's folder"),
])
def test_a_playbook_that_cannot_be_read_is_not_called_missing(
        minimal_specs: Path, make: object, says: str) -> None:
    # The user sees a playbook.yml in the folder: "no playbook.yml" would send them looking.
    book = minimal_specs / "playbook.yml"
    book.unlink()
    make(book)  # type: ignore[operator]
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    [found] = [d for d in result.diagnostics if d.severity == "error"]
    assert (found.code, found.path, found.line, found.column) == (Code.YAML_SYNTAX, BOOK, 1, 1)
    assert found.message.startswith(says)
    assert result.playbook is None


def test_the_fixture_and_the_sample_are_valid(minimal_specs: Path) -> None:
    assert errors(minimal_specs) == []
    assert load_playbook(Path(__file__).parent.parent / "specs").ok


def test_all_problems_of_all_files_in_one_sorted_run(minimal_specs: Path) -> None:
    apply(minimal_specs, [
        (S, "tier: 1", "tier: 9"), (P, "owner:", "ownr:"),
        ("segments/b.yml", "", "id: b\nlabel: [\n"),
        ("segments/c.yml", "", b"id: c\nlabel: \xff\n"),
        ("segments/a.yml", "", "- a\n"),
    ])
    found = errors(minimal_specs)
    assert [(f[1].rsplit("/", 1)[1], f[0]) for f in found] == [
        ("playbook.yml", "E012"), ("playbook.yml", "E011"), ("a.yml", "E007"),
        ("b.yml", "E001"), ("c.yml", "E003"), ("payroll-ops.yml", "E010")]
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    assert result.playbook is None  # playbook.yml is unusable
    assert sorted(result.broken) == ["a", "b", "c", "payroll-ops"]
    text = format_all(result.diagnostics).splitlines()
    assert text[0] == ("specs/playbook.yml:2:1: error[E012]: owner: required field 'owner' is "
                       "missing (is 'ownr' on line 5 meant to be it?)")


def test_a_lost_item_dash_is_named_and_hides_no_threshold_behind_it(
        minimal_specs: Path) -> None:
    # Without its '- ', a criterion merges into the one before: its keys come twice.
    apply(minimal_specs, [(S, "    - id: budget\n", "      id: budget\n")])
    found = [(d.code, d.line, d.message) for d in load_playbook(minimal_specs).diagnostics]
    assert (Code.DUPLICATE_KEY, 51, "duplicate key 'id' (first at line 48); YAML would keep "
            "only the last one; is a '- ' missing where a new item begins?") in found
    # Three criteria are left on paper, but the count is not to be trusted: no threshold error.
    assert Code.IMPOSSIBLE_THRESHOLD not in [code for code, _, _ in found]


def test_an_unreachable_threshold_says_how_far_to_lower_it(minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "  criteria:\n", "  strong_at: 9\n  criteria:\n")])
    [found] = load_playbook(minimal_specs).diagnostics
    assert (found.code, found.field) == (Code.IMPOSSIBLE_THRESHOLD, "qualification.strong_at")
    assert found.message.endswith("cannot be met with 4 criteria; lower it to at most 4, or "
                                  "add criteria")


def test_a_file_name_that_is_no_id_says_so(minimal_specs: Path) -> None:
    (minimal_specs / S).rename(minimal_specs / "segments" / "Payroll Ops.yml")
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    [found] = [d for d in result.diagnostics if d.severity == "error"]
    assert (found.code, found.line, found.column) == (Code.BAD_ID, 1, 5)
    assert found.message == ("the file name 'Payroll Ops' is not a valid id: name the file "
                             "payroll-ops.yml")


def test_a_broken_segment_leaves_the_others_usable(minimal_specs: Path) -> None:
    apply(minimal_specs, [("segments/zz-broken.yml", "", "id: zz-broken\n")])
    result = load_playbook(minimal_specs)
    assert result.playbook is not None
    assert [s.id for s in result.playbook.segments] == ["payroll-ops"]
    assert {d.field for d in result.broken["zz-broken"]} >= {"label", "personas"}


@pytest.mark.parametrize(("old", "new", "message"), [
    ("count: 12", "count: '12'", "expected a whole number, got '12'"),
    ("count: 12", "count: 12.5", "expected a whole number, got 12.5"),
    ("count: 12", "count: -1", "must be at least 0, got -1"),
    ("limit: 50000", "limit: .inf", "expected a number, got inf"),
    ("limit: 50000", "limit: true", "expected a number, got true"),
    ("tier: 1", "tier: true", "expected 1, 2 or 3, got true"),
    ("tier: 1", "tier: 4", "4 is not one of 1, 2 or 3"),
    ("tier: 1", "tier: '1'", "'1' is text, in quotes; write the number without them: tier: 1"),
    ("tier: 1", "tier: '4'", "'4' is not one of 1, 2 or 3"),
    ("tier: 1", "tier: 2.0", "expected 1, 2 or 3, got 2.0"),
    ("count: 12", "count: '12'", "got '12' (it is in quotes: write 12 without them)"),
    ("count: 12", "count: '1,200'", "(it is in quotes: write 1200 without them or commas)"),
    # Past Python's 4,300 digits a number is kept as text: it was never in quotes.
    ("count: 12", "count: " + "9" * 5000, "got '99999999999999999999999999999999999999999999999999"
     "99999...' (5,000 digits: too long to be a number)"),
    ("    - Germany", "    - Germany: DACH", "expected a list of match values, got 'DACH' (a "
     "': ' inside the text made it a mapping: put the whole text in quotes, or list the "
     "values it matches: Germany: [DACH])"),
    # A field written already is never what a second, unknown key was meant as.
    ("    title: Chief Financial Officer", "    title: Chief Financial Officer\n    titles: x",
     "unknown field 'titles' (check the spelling"),
    ("  geographies:", "  geographys:", "unknown field 'geographys': did you mean 'geographies'?"),
    ("    title: Chief Financial Officer", "    tilte: Chief Financial Officer",
     "unknown field 'tilte': did you mean 'title'?"),
    ("    title: Chief Financial Officer", "    tilte: Chief Financial Officer",
     "required field 'title' is missing (is 'tilte' on line 34 meant to be it?)"),
    ("priority: core", "priority: Core", "'Core' is not one of 'core' or 'secondary'"),
    ("knockout: true", "knockout: yes", "expected true or false, got 'yes'"),
    ("as_of: 2026-07-01", "as_of: yesterday", "'yesterday' is not a date like 2026-11-02"),
    # A date of the right form that the calendar does not have: say what is wrong with it.
    ("as_of: 2026-07-01", "as_of: 2026-02-30",
     "2026-02-30 is not a day of the calendar: February 2026 has 28 days"),
    ("as_of: 2026-07-01", "as_of: '2026-02-30'",
     "2026-02-30 is not a day of the calendar: February 2026 has 28 days"),
    ("as_of: 2026-07-01", "as_of: 2028-02-30", "February 2028 has 29 days"),
    ("as_of: 2026-07-01", "as_of: 2026-04-31", "April 2026 has 30 days"),
    ("as_of: 2026-07-01", "as_of: 2026-13-01",
     "2026-13-01 is not a day of the calendar: there is no month 13"),
    ("as_of: 2026-07-01", "as_of: '2026-00-10'", "there is no month 0"),
    ("as_of: 2026-07-01", "as_of: 2026-07-00", "there is no day 0"),
    ("as_of: 2026-07-01", "as_of: 2026-1-5", "'2026-1-5' is not a date like 2026-11-02"),
    ("as_of: 2026-07-01", "as_of: 2026-07-01 10:30:00", "has a time of day"),
    ("as_of: 2026-07-01", "as_of: 20260701", "expected a date like 2026-11-02, got 20260701"),
    ("label: Payroll teams reconciling pay runs across several countries", "label: 2024",
     "expected text, got 2024 (put it in quotes to keep it as text)"),
    ("label: Payroll teams reconciling pay runs across several countries", "label: ''",
     "must not be empty"),
    ("label: Payroll teams reconciling pay runs across several countries", "label:",
     "expected text, got nothing"),
    ("  industries:\n    - Software", "  industries: []", "needs at least 1 item"),
    ("geographies:\n    - Germany", "geographies: Germany", "expected a list, got 'Germany'"),
    ("min: 200", "min: 3000", "min (3,000) is greater than max (2,000)"),
    ("  geographies:", "  revenue: {min: 30000000, max: 2.5e6}\n  geographies:",
     "min (30,000,000) is greater than max (2,500,000)"),  # not 3e+07, the :g of a float
    ("budget:\n", "budget: {}\nbudgetx:\n", "expected a list, got a mapping"),
])
def test_pydantic_errors_read_like_english(minimal_specs: Path, old: str, new: str,
                                           message: str) -> None:
    apply(minimal_specs, [(S, old, new)])
    result = load_playbook(minimal_specs)
    assert any(message in d.message for d in result.diagnostics), \
        [d.message for d in result.diagnostics]


@pytest.mark.parametrize("written", ["2026-13-01", "'2026-13-01'"])
def test_a_review_date_the_calendar_lacks_says_so(minimal_specs: Path, written: str) -> None:
    apply(minimal_specs, [(P, "reviewed_on: 2026-08-01", f"reviewed_on: {written}")])
    [found] = load_playbook(minimal_specs).diagnostics
    assert (found.code, found.field) == (Code.WRONG_VALUE, "reviewed_on")
    assert found.message == "2026-13-01 is not a day of the calendar: there is no month 13"


def test_empty_required_list(minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "jobs_to_be_done:\n  - When a pay run closes, I want every "
                           "country's totals to match the ledger.\n", "jobs_to_be_done: []\n")])
    [diag] = load_playbook(minimal_specs).diagnostics
    assert (diag.code, diag.line, diag.field) == (Code.WRONG_VALUE, 19, "jobs_to_be_done")
    assert diag.message == "needs at least 1 item, got an empty list"


@pytest.mark.parametrize(("new", "expected"), [
    ("  problem-exists: 5", [(58, 19, "journey.problem-exists", "expected text or a mapping of "
                              "fields, got 5")]),
    ("  problem-exists: [a, b]", [(58, 19, "journey.problem-exists", "expected text or a mapping "
                                   "of fields, got a list")]),
    ("  problem-exists:", [(58, 18, "journey.problem-exists", "expected text or a mapping of "
                            "fields, got nothing")]),
    ("  Decision: 5", [(58, 13, "journey.Decision", "expected text or a mapping of fields, "
                        "got 5"),
                       # and, the value's error notwithstanding, the key is no stage:
                       (58, 3, "journey.Decision", "'Decision' is not a journey stage of the "
                        "playbook (stages: problem-exists, diy-fix, first-value, fear-of-scaling, "
                        "breaking-point, looking-for-help, vendor-evaluation, decision, relief, "
                        "whats-next)")]),
    ("  problem-exists: {quot: It hurts.}", [
        (58, 20, "journey.problem-exists.quot", "unknown field 'quot': did you mean 'quote'?"),
        (58, 19, "journey.problem-exists.quote", "required field 'quote' is missing (is 'quot' "
         "on line 58 meant to be it?)")]),
    ("  problem-exists: {text: It hurts.}", [
        (58, 20, "journey.problem-exists.text", "unknown field 'text' (check the spelling; see "
         "`icp-docs schema`)"),
        (58, 19, "journey.problem-exists.quote", "required field 'quote' is missing")]),
    ("  problem-exists: {quote: It hurts., assets: x}", [
        (58, 46, "journey.problem-exists.assets", "expected a list, got 'x'")]),
])
def test_journey_union_errors_name_one_branch_and_the_right_line(
        minimal_specs: Path, new: str, expected: list[tuple[int, int, str, str]]) -> None:
    apply(minimal_specs, [(S, "  problem-exists: Our pay runs never match the ledger.", new)])
    found = [(d.line, d.column, d.field, d.message)
             for d in load_playbook(minimal_specs).diagnostics]
    assert sorted(found) == sorted(expected)


def test_user_keys_that_look_like_type_names_stay_in_the_field(minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "    - Germany\n", "    - Germany\n  other:\n    Audit: 5\n"
                           "    str: [x]\n")])
    found = [(d.line, d.field) for d in load_playbook(minimal_specs).diagnostics]
    assert found == [(20, "firmographics.other.Audit"), (21, "firmographics.other.str")]


def test_the_owner_of_a_duplicate_id_is_the_file_named_after_it(minimal_specs: Path) -> None:
    text = (minimal_specs / S).read_text()
    (minimal_specs / "segments" / "aaa.yml").write_text(text)
    found = sorted((d.code.value, d.path) for d in load_playbook(minimal_specs, cwd=minimal_specs
                                                                  .parent).diagnostics)
    assert found == [("E013", "specs/segments/aaa.yml"), ("E014", "specs/segments/aaa.yml")]


def test_models_are_frozen_strict_and_closed() -> None:
    rng = Range(min=1, max=2)
    with pytest.raises(ValidationError):
        rng.min = 5
    with pytest.raises(ValidationError):
        Range.model_validate({"min": 1, "mx": 2})
    with pytest.raises(ValidationError):
        Range.model_validate({"min": "1"})
    assert Evidence.model_validate({"kind": "pilots", "summary": "s", "as_of": "2026-01-02"}
                                   ).as_of == dt.date(2026, 1, 2)


def test_segments_come_best_tier_first_and_thresholds_fall_back(minimal_specs: Path) -> None:
    text = (minimal_specs / S).read_text()
    for new_id, tier, priority in (("b-two", 2, "core"), ("a-two", 2, "secondary")):
        body = text.replace("id: payroll-ops", f"id: {new_id}").replace("tier: 1", f"tier: {tier}")
        body = body.replace("priority: core", f"priority: {priority}")
        body = body.replace("journey:", "  strong_at: 4\n  disqualify_below: 1\njourney:")
        (minimal_specs / "segments" / f"{new_id}.yml").write_text(body)
    result = load_playbook(minimal_specs)
    assert result.ok and result.playbook is not None
    book = result.playbook
    assert [s.id for s in book.segments] == ["payroll-ops", "b-two", "a-two"]
    assert book.thresholds(book.segments[0].spec) == (3, 2)  # the playbook's defaults
    assert book.thresholds(book.segments[1].spec) == (4, 1)
    assert book.currency(None) == "USD"
    assert isinstance(book.segments[0].spec, SegmentSpec)
    assert book.segments[0].spec.step("problem-exists") is not None


def test_the_cache_rereads_only_changed_files(minimal_specs: Path) -> None:
    cache = SpecCache()
    load_playbook(minimal_specs, cache=cache)
    assert cache.parsed == 2
    load_playbook(minimal_specs, cache=cache)
    assert cache.parsed == 2
    path = minimal_specs / S
    path.write_text(path.read_text().replace("tier: 1", "tier: 2 "))
    result = load_playbook(minimal_specs, cache=cache)
    assert cache.parsed == 3
    assert result.playbook is not None and result.playbook.segments[0].spec.tier == 2


def test_several_processes_read_a_large_folder_with_the_same_result(minimal_specs: Path) -> None:
    text = (minimal_specs / S).read_text()
    for n in range(80):
        body = text.replace("id: payroll-ops", f"id: seg-{n:02d}")
        if n == 7:
            body = body.replace("tier: 1", "tier: [")
        (minimal_specs / "segments" / f"seg-{n:02d}.yml").write_text(body)
    one = load_playbook(minimal_specs, jobs=1)
    two = load_playbook(minimal_specs, jobs=2)
    assert one.diagnostics == two.diagnostics and len(one.diagnostics) == 1
    assert one.playbook is not None and two.playbook is not None
    assert [s.spec for s in one.playbook.segments] == [s.spec for s in two.playbook.segments]
    assert one.playbook.segments[3].source.where(("tier",)) == \
        two.playbook.segments[3].source.where(("tier",)) == (4, 7)


def _many_segments(specs: Path, count: int) -> None:
    text = (specs / S).read_text()
    for n in range(count):
        (specs / "segments" / f"seg-{n:02d}.yml").write_text(
            text.replace("id: payroll-ops", f"id: seg-{n:02d}"))


@pytest.mark.parametrize("where", ["inside", "outside", "relative"])
def test_segment_paths_are_shown_as_display_path_shows_them(
        minimal_specs: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _many_segments(minimal_specs, 3)
    (minimal_specs / "segments" / "notes.txt").write_text("not a spec")
    # A folder named like a segment file is listed: the loader names it (not silently left).
    (minimal_specs / "segments" / "old.yaml").mkdir()
    specs = minimal_specs
    if where == "outside":
        monkeypatch.chdir(minimal_specs / "segments")
    elif where == "relative":
        monkeypatch.chdir(minimal_specs.parent)
        specs = Path(minimal_specs.name)
    pairs = segment_pairs(specs)
    assert [f.name for f, _ in pairs] == ["old.yaml", "payroll-ops.yml", "seg-00.yml",
                                          "seg-01.yml", "seg-02.yml"]
    assert all(shown == display_path(file) for file, shown in pairs)


def test_what_cannot_be_read_is_named_and_the_rest_still_checked(minimal_specs: Path) -> None:
    segments = minimal_specs / "segments"
    (segments / "loop-a.yml").symlink_to("loop-b.yml")
    (segments / "loop-b.yml").symlink_to("loop-a.yml")
    (segments / "gone.yml").symlink_to("nowhere.yml")
    # Named, never opened: a pipe would wait forever, a device (/dev/zero) fill the memory;
    # a folder named like a segment file was passed over without a word.
    os.mkfifo(segments / "pipe.yml")
    (segments / "zero.yaml").symlink_to("/dev/zero")
    (segments / "folder.yml").mkdir()
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    assert [(d.path, d.code, d.message) for d in result.diagnostics] == [
        (f"specs/segments/{name}", Code.YAML_SYNTAX, f"cannot read the file: {why}")
        for name, why in (("folder.yml", "it is a folder, not a file"),
                          ("gone.yml", "No such file or directory"),
                          ("loop-a.yml", "Too many levels of symbolic links"),
                          ("loop-b.yml", "Too many levels of symbolic links"),
                          ("pipe.yml", "it is not a regular file"),
                          ("zero.yaml", "it is a link to a file outside the playbook's "
                           "folder; copy the file in instead of linking to it"))]
    assert result.playbook is not None
    assert [s.id for s in result.playbook.segments] == ["payroll-ops"]


@pytest.mark.parametrize("where", ["segments/linked.yml", "playbook.yml"])
def test_a_link_out_of_the_playbook_is_refused_and_shows_nothing_of_it(
        minimal_specs: Path, tmp_path: Path, where: str) -> None:
    secret = tmp_path / "secrets.yml"
    secret.write_text("password: hunter2-do-not-print\n")
    link = minimal_specs / where
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    shown = format_all(result.diagnostics)
    assert f"specs/{where}:1:1: error[E001]: cannot read the file: it is a link to a file " \
        "outside the playbook's folder" in shown
    assert "hunter2" not in shown and "password" not in shown


def test_a_link_inside_the_playbook_is_read(minimal_specs: Path) -> None:
    segments = minimal_specs / "segments"
    (minimal_specs / "shared").mkdir()
    (segments / "payroll-ops.yml").rename(minimal_specs / "shared" / "payroll-ops.yml")
    (segments / "payroll-ops.yml").symlink_to("../shared/payroll-ops.yml")
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    assert result.diagnostics == []


def test_an_editor_s_lock_file_is_not_read(minimal_specs: Path) -> None:
    # Emacs keeps a link that leads nowhere, .#<name>, while a file is being edited.
    (minimal_specs / "segments" / ".#payroll-ops.yml").symlink_to("root@host.1234:1")
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    assert result.diagnostics == []
    assert result.playbook is not None and result.playbook.unread == ()


def test_a_line_break_in_a_key_stays_on_the_problem_s_line(minimal_specs: Path) -> None:
    with (minimal_specs / S).open("a") as fh:
        fh.write('"bad\\nkey": 1\n')
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    [line] = format_all(d for d in result.diagnostics if d.severity == "error").splitlines()
    assert line == (f"{SEG}:63:1: error[E011]: bad\\nkey: unknown field 'bad\\nkey' (check the "
                    "spelling; see `icp-docs schema`)")


@pytest.mark.parametrize(("escape", "shown"), [("\\0", "U+0000"), ("\\x02", "U+0002"),
                                               ("\\e", "U+001B"), ("\\x7f", "U+007F"),
                                               ("\\N", "U+0085"), ("\\x9b", "U+009B")])
def test_a_control_character_in_text_is_refused_where_it_stands(
        minimal_specs: Path, escape: str, shown: str) -> None:
    # The YAML stream refuses these raw, but a double-quoted escape puts them into text, and
    # from there into the pages (a NUL makes the page a binary file to grep).
    apply(minimal_specs, [(S, "tier: 1\n", f'tier: 1\nnotes: "before {escape} after"\n')])
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    [found] = [d for d in result.diagnostics if d.severity == "error"]
    assert (found.code, found.path, found.line, found.column, found.field) == (
        Code.WRONG_VALUE, SEG, 5, 8, "notes")
    assert found.message == f"the control character {shown} is not allowed in text"


def test_a_control_character_in_a_key_is_refused_at_the_key(minimal_specs: Path) -> None:
    apply(minimal_specs, [(S, "firmographics:\n", 'firmographics:\n  other:\n'
                                                   '    "close\\x01length": six days\n')])
    result = load_playbook(minimal_specs, cwd=minimal_specs.parent)
    [found] = [d for d in result.diagnostics if d.severity == "error"]
    assert (found.code, found.line, found.column) == (Code.WRONG_VALUE, 13, 5)
    assert found.field == "firmographics.other.close\x01length"
    assert found.message == "the control character U+0001 is not allowed in text"
    # Shown escaped, not raw, to a terminal and to GitHub alike.
    assert "other.close\\x01length: the control" in found.format()
    assert "other.close\\x01length: the control" in format_all([found], "github")

"""W127 duplicate-label: segments labelled alike (the same words, whatever the case, spacing
or punctuation at the ends) warn at the label line of each file, naming the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_same_verdict
from test_lint import COPY, LABEL, TODAY, S, apply, warnings

from icp_docs.diagnostics import Code
from icp_docs.lint import check
from icp_docs.lint.rules import label_key

SAME = "the same label as {}: readers cannot tell the segments apart in the navigation, " \
    "the tables or print; say in each label what sets the segment apart"


@pytest.mark.parametrize(("one", "other", "alike"), [
    ("Payroll teams", "Payroll teams", True),
    ("Payroll teams", "payroll TEAMS", True),
    ("Payroll teams", "Payroll  teams", True),
    ("Payroll teams", " Payroll\tteams ", True),
    ("Payroll teams", "Payroll teams.", True),
    ("Payroll teams", "\u201cPayroll teams\u201d", True),
    ("Payroll teams", "(Payroll teams)", True),
    ("Payroll teams", "Payrollteams", True),  # spacing only
    ("Payroll teams", "Payroll teams 2", False),
    ("Payroll teams", "Payroll team", False),
    ("Payroll teams", "Payroll-teams", False),  # punctuation inside is a different word
    ("C++ shops", "C shops", False),
    ("Companies 1000+", "Companies 1000", False),  # a sign is no punctuation
])
def test_labels_are_alike_when_they_differ_only_in_case_spacing_or_end_punctuation(
        one: str, other: str, alike: bool) -> None:
    assert (label_key(one) == label_key(other)) is alike


def test_each_file_names_the_others(minimal_specs: Path) -> None:
    apply(minimal_specs, [(COPY, "second", LABEL.upper()), (COPY, "third", f"{LABEL}.")])
    found = [(d.path, d.line, d.field, d.message)
             for d in check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
             if d.code == Code.DUPLICATE_LABEL]
    how = " but for case, spacing or punctuation at the ends"
    assert found == [
        (S, 2, "label", SAME.format(f"segments/second.yml ('{LABEL.upper()}'), "
                                    f"segments/third.yml ('{LABEL}.')").replace(":", how + ":", 1)),
        ("segments/second.yml", 2, "label",
         SAME.format(f"{S} ('{LABEL}'), segments/third.yml ('{LABEL}.')").replace(
             ":", how + ":", 1)),
        ("segments/third.yml", 2, "label",
         SAME.format(f"{S} ('{LABEL}'), segments/second.yml ('{LABEL.upper()}')").replace(
             ":", how + ":", 1)),
    ]


def test_the_same_words_say_so_plainly(minimal_specs: Path) -> None:
    apply(minimal_specs, [(COPY, "second", LABEL)])
    [mine, theirs] = [d for d in check(minimal_specs, today=TODAY, cwd=minimal_specs).diagnostics
                      if d.code == Code.DUPLICATE_LABEL]
    assert mine.message == SAME.format("segments/second.yml")
    assert theirs.message == SAME.format(S)


def test_a_file_left_out_for_its_errors_is_not_a_duplicate(minimal_specs: Path) -> None:
    # Its error is what the user must fix first; the label of a file nobody reads is no
    # second label in the navigation.
    apply(minimal_specs, [(COPY, "second", LABEL), ("segments/second.yml", "tier: 1", "tier: 9")])
    verdict = assert_same_verdict(minimal_specs, today=TODAY, cwd=minimal_specs)
    assert [(d.path, d.code) for d in verdict.diagnostics] == [("segments/second.yml",
                                                                Code.WRONG_VALUE)]


def test_workers_find_the_same_duplicates_as_the_whole_playbook(minimal_specs: Path) -> None:
    text = (minimal_specs / S).read_text()
    for n in range(40):
        label = f"{LABEL}, wave {n % 20}"  # each label twice
        (minimal_specs / "segments" / f"seg-{n:02d}.yml").write_text(
            text.replace("id: payroll-ops", f"id: seg-{n:02d}").replace(LABEL, label))
    two = assert_same_verdict(minimal_specs, today=TODAY, jobs=2)
    assert sum(d.code == Code.DUPLICATE_LABEL for d in two.diagnostics) == 40


@pytest.mark.parametrize("name", ["W127", "duplicate-label"])
def test_duplicate_label_switches_off_by_code_or_name(minimal_specs: Path, name: str) -> None:
    apply(minimal_specs, [(COPY, "second", LABEL)])
    assert len(warnings(minimal_specs, Code.DUPLICATE_LABEL)) == 2
    assert warnings(minimal_specs, Code.DUPLICATE_LABEL, disable=(name,)) == []
    apply(minimal_specs, [("playbook.yml", "qualification:",
                           f"lint:\n  disable: ['{name}']\nqualification:")])
    assert warnings(minimal_specs, Code.DUPLICATE_LABEL) == []

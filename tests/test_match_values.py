"""Match values: list entries and anti-ICP signals that name the account-data values they
match, while every page reads the entry's text alone."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import jsonschema
import pytest
import yaml

from icp_docs.spec.load import load_playbook
from icp_docs.spec.models import Signal, Term
from icp_docs.spec.schema import schema

INDUSTRIES = "  industries:\n    - Software\n"
WITH_MATCH = "  industries:\n    - Software: [COMPUTER_SOFTWARE, SaaS]\n    - Fintech\n"


def _edit(specs: Path, old: str, new: str) -> None:
    seg = specs / "segments" / "payroll-ops.yml"
    text = seg.read_text()
    assert old in text
    seg.write_text(text.replace(old, new, 1))


def test_an_entry_reads_as_its_text_and_keeps_its_match_values(minimal_specs: Path) -> None:
    _edit(minimal_specs, INDUSTRIES, WITH_MATCH)
    loaded = load_playbook(minimal_specs)
    assert loaded.diagnostics == []
    assert loaded.playbook is not None
    software, fintech = loaded.playbook.segments[0].spec.firmographics.industries
    assert (software, software.match) == ("Software", ("COMPUTER_SOFTWARE", "SaaS"))
    assert (fintech, fintech.match) == ("Fintech", ())
    assert str(software) == "Software" and type(str(software)) is str


def test_terms_and_signals_survive_the_worker_processes() -> None:
    term = pickle.loads(pickle.dumps(Term("NetSuite", ("netsuite", "Oracle NetSuite"))))
    signal = pickle.loads(pickle.dumps(Signal("On QuickBooks", {"technologies": ("QBO",)})))
    assert (term, term.match) == ("NetSuite", ("netsuite", "Oracle NetSuite"))
    assert (signal, signal.match) == ("On QuickBooks", {"technologies": ("QBO",)})


@pytest.mark.parametrize(("entry", "said"), [
    ("    - Software: []\n", "needs at least 1 item"),
    ("    - Software: [a]\n      Fintech: [b]\n", "one entry per item"),
    ("    - Software: {a: 1}\n", "expected a list"),
    ("    - 5\n", "expected text or a mapping, got 5"),
])
def test_a_bad_entry_is_named_at_its_line(minimal_specs: Path, entry: str, said: str) -> None:
    _edit(minimal_specs, INDUSTRIES, "  industries:\n" + entry)
    loaded = load_playbook(minimal_specs)
    (problem,) = loaded.diagnostics
    assert (problem.code.value, problem.line) == ("E010", 13)
    assert problem.field.startswith("firmographics.industries[0]")
    assert said in problem.message


def test_a_signal_names_the_fields_it_matches(minimal_specs: Path) -> None:
    book = minimal_specs / "playbook.yml"
    text = book.read_text()
    assert "    signals:\n" in text
    book.write_text(text.replace(
        "    signals:\n", "    signals:\n      - Closes in QuickBooks: {technologies: [QBO]}\n"
        "      - Retail chain: {shelf: [x]}\n", 1))
    loaded = load_playbook(minimal_specs)
    (problem,) = loaded.diagnostics
    assert problem.code.value == "E011" and "shelf" in problem.field


def test_the_json_schema_takes_both_forms_of_an_entry(minimal_specs: Path) -> None:
    _edit(minimal_specs, INDUSTRIES, WITH_MATCH)
    # Dates as the editor sees them: text (YAML's timestamps are not JSON).
    data = json.loads(json.dumps(
        yaml.safe_load((minimal_specs / "segments" / "payroll-ops.yml").read_text()),
        default=str))
    data["firmographics"]["employees"] = {"min": 200, "max": 2000, "knockout": True}
    jsonschema.validate(data, schema("segment"))
    data["firmographics"]["industries"] = [{"Software": "COMPUTER_SOFTWARE"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("segment"))

"""The evidence from closed deals on the pages and in lint: the file read and checked, its
figures on segment pages and the fit report (Markdown, ``icp-docs render --evidence``,
``icp-docs validate --evidence``), and hostile text in it shown as text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_tree, mkdocs_build

from icp_docs.cli import main
from icp_docs.data.evidence_file import EvidenceError, load_evidence, parse_evidence
from icp_docs.lint import check
from icp_docs.render import charts
from icp_docs.render.pages import render_pages
from icp_docs.spec import scaffold
from icp_docs.spec.load import load_playbook

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "fixtures" / "projects" / "project"
EVIDENCE = HERE / "fixtures" / "evidence" / "project.json"
ROOT = HERE.parent
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>](javascript:alert(1)) | x |"


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EVIDENCE.read_text())
    data.update(changes)
    return data


def _pages(evidence: dict[str, Any] | None) -> dict[str, str]:
    result = check(PROJECT / "specs")
    assert result.playbook is not None
    loaded = None if evidence is None else parse_evidence(json.dumps(evidence))
    return {p.path: p.markdown for p in render_pages(result.playbook, evidence=loaded)}


# ---- The file ---------------------------------------------------------------------------------

def test_the_fixture_file_loads_with_every_figure() -> None:
    evidence = load_evidence(EVIDENCE)
    seg = evidence.segments["multi-country-payroll"]
    assert (evidence.as_of.isoformat(), evidence.deals, evidence.wins) == ("2026-11-30", 100, 40)
    assert (seg.deals, seg.wins, seg.non_fit.win_rate, seg.lift) == (40, 25, 0.25, 2.5)
    assert seg.grades.items()[0] == ("A", 25) and seg.grades.total == 100
    assert evidence.knockouts[0].reason == "red flag: SAP S/4HANA"


def test_unknown_keys_are_tolerated_and_the_models_frozen() -> None:
    data = _data(written_by="icp-docs 9.0")
    data["segments"]["multi-country-payroll"]["new_figure"] = 3
    evidence = parse_evidence(json.dumps(data))
    with pytest.raises(ValueError, match="frozen"):
        evidence.deals = 3  # type: ignore[misc]


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d.pop("as_of"), "as_of: Field required"),
    (lambda d: d.update(as_of="last week"), "as_of: Input should be a valid date"),
    (lambda d: d["segments"]["staffing-agencies"].update(won="12"),
     'segments.staffing-agencies.won: Input should be a valid integer (got "12")'),
    (lambda d: d["segments"]["staffing-agencies"].update(won=True),
     "segments.staffing-agencies.won: Input should be a valid integer (got true)"),
    (lambda d: d["segments"]["staffing-agencies"]["grades"].update(A=-1),
     "segments.staffing-agencies.grades.A: Input should be greater than or equal to 0"),
    (lambda d: d["knockouts"][0].pop("reason"), "knockouts[0].reason: Field required"),
    (lambda d: d.update(segments=[]), "segments: Input should be an object (got [])"),
])
def test_a_bad_value_is_named_by_file_and_json_path(change: Any, said: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(EvidenceError) as caught:
        parse_evidence(json.dumps(data), "data/evidence.json")
    assert str(caught.value).startswith("data/evidence.json: ")
    assert said in str(caught.value)


@pytest.mark.parametrize(("raw", "said"), [
    (b'{"as_of": "2026-11-30",\n  "deals": }', "line 2, column 12: not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"", "line 1, column 1: not valid JSON"),
])
def test_a_file_that_is_not_evidence_says_so(raw: bytes, said: str) -> None:
    with pytest.raises(EvidenceError, match=re.escape(said)):
        parse_evidence(raw, "e.json")


def test_a_missing_file_or_a_folder_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"^gone\.json: no such file"):
        load_evidence(tmp_path / "gone.json", shown="gone.json")
    with pytest.raises(EvidenceError, match="is a folder"):
        load_evidence(tmp_path)


def test_several_problems_are_listed_one_a_line() -> None:
    data = _data(deals="x", won="y")
    with pytest.raises(EvidenceError) as caught:
        parse_evidence(json.dumps(data), "e.json")
    assert str(caught.value).splitlines()[0] == "e.json: 2 problems:"
    assert len(caught.value.problems) == 2


# ---- The pages --------------------------------------------------------------------------------

def test_without_evidence_the_fit_page_says_how_to_make_one() -> None:
    pages = _pages(None)
    fit = pages["playbook/fit.md"]
    assert "icp-docs evidence deals.csv --out data/evidence.json" in fit
    assert "<svg" not in fit
    assert "From the data" not in pages["playbook/segments/multi-country-payroll/index.md"]


def test_the_fit_report_shows_each_figure_with_a_chart_and_a_table() -> None:
    fit = _pages(_data())["playbook/fit.md"]
    assert fit.count("<svg") == 4  # win rate, coverage, grades, knock-outs
    assert fit.count("<title id=") == 4 and fit.count('role="img"') == 4
    # The win-rate table: fits against the rest, with the lift.
    row = next(line for line in fit.splitlines() if "segments/staffing-agencies/index.md" in line
               and "| 12 |" in line)
    assert "| 33% | 41% |" in row and "(no better)" in row
    assert "12 won deals (30%) fit no segment." in fit
    assert "| Industry | Retail | 7 |" in fit
    assert "| red flag&#58; SAP S/4HANA | 9 | 3 |" in fit
    assert "amount 1" in fit  # cells that did not parse


def test_a_segment_page_shows_its_figures_beside_the_written_evidence() -> None:
    pages = _pages(_data())
    validated = pages["playbook/segments/multi-country-payroll/index.md"]
    written = validated.index('!!! success "Validated (ICP)"')
    data = validated.index("## :material-chart-bar: From the data")
    assert written < data < validated.index("## :material-domain: Firmographics")
    assert "| Won / lost / churned | 20 / 15 / 5 |" in validated
    assert "| Win rate of fits | 62% |" in validated
    assert "| Median won deal | €48K |" in validated
    assert "| Grades (all deals) | A 25 · B 15 · C 30 · D 20 · none 10 |" in validated
    assert '!!! success "The data backs this validated segment"' in validated
    assert "(the written evidence claims 9)" in validated
    hypothesis = pages["playbook/segments/staffing-agencies/index.md"]
    assert "backs this validated" not in hypothesis
    assert '!!! warning "Fits win no more often than the rest"' in hypothesis


def test_a_validated_segment_the_data_does_not_back_says_why() -> None:
    data = _data()
    data["segments"]["multi-country-payroll"].update(won=4, churned=1, lost=35)
    page = _pages(data)["playbook/segments/multi-country-payroll/index.md"]
    assert '!!! warning "The data does not back this validated segment"' in page
    assert "claims 9 closed-won deals, but the evidence from data has 5" in page


def test_a_segment_missing_from_the_evidence_has_no_figures() -> None:
    data = _data()
    del data["segments"]["staffing-agencies"]
    pages = _pages(data)
    assert "The evidence file has no figures for this segment." in \
        pages["playbook/segments/staffing-agencies/index.md"]
    assert "| — | — | — | — | n/a | n/a | n/a |" in pages["playbook/fit.md"]


def test_hostile_text_in_the_evidence_is_shown_as_text() -> None:
    data = _data(source=HOSTILE, refresh=HOSTILE,
                 unmatched_attributes=[{"field": HOSTILE, "value": HOSTILE, "count": 1}],
                 knockouts=[{"reason": HOSTILE, "lost": 1, "churned": 0}],
                 unparsed={HOSTILE: 2})
    data["segments"][HOSTILE] = data["segments"]["staffing-agencies"]
    pages = _pages(data)
    for path in ("playbook/fit.md", "playbook/segments/multi-country-payroll/index.md"):
        page = pages[path]
        assert "alert(1)" in page  # shown...
        for raw in ("<script", "<img", "](javascript", "| x |"):
            assert raw not in page, (path, raw)  # ...never as markup


def test_charts_escape_their_labels_and_keep_their_ids_across_builds() -> None:
    group = charts.Group(HOSTILE, [charts.Bar(HOSTILE, 0.5, HOSTILE)])
    first = charts.bars(HOSTILE, HOSTILE, [group], 1.0)
    assert "<script" not in first and "<img" not in first and "\n" not in first
    assert first == charts.bars(HOSTILE, HOSTILE, [group], 1.0)
    assert first.startswith('<div class="icp-chart"><svg ')


# ---- The commands -----------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    (root / "data").mkdir()
    (root / "data" / "evidence.json").write_text(EVIDENCE.read_text())
    monkeypatch.chdir(root)
    return root


def test_render_with_evidence_writes_the_figures(project: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "specs", "--out", "md", "--evidence", "data/evidence.json"]) == 0
    fit = (project / "md" / "playbook" / "fit.md").read_text()
    assert fit.count("<svg") == 4
    assert "W131" in capsys.readouterr().err  # lint read the evidence too


@pytest.mark.parametrize(("content", "said"), [
    (None, "icp-docs: --evidence data/evidence.json: no such file"),
    ('{"as_of": 1}', "icp-docs: --evidence data/evidence.json: 6 problems:"),
])
def test_a_bad_evidence_file_stops_render_and_validate(project: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       content: str | None, said: str) -> None:
    file = project / "data" / "evidence.json"
    if content is None:
        file.unlink()
    else:
        file.write_text(content)
    for command in (["render", "specs", "--out", "md"], ["validate", "specs"]):
        assert main([*command, "--evidence", "data/evidence.json"]) == 1
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err
    assert not (project / "md").exists()


def test_validate_with_evidence_runs_the_rules_about_deals(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "specs", "--strict"]) == 0
    capsys.readouterr()
    assert main(["validate", "specs", "--strict", "--evidence", "data/evidence.json"]) == 1
    out = capsys.readouterr().out
    assert "specs/segments/staffing-agencies.yml:1:5: warning[W131]: id: 12 fitting deals" in out


# ---- The sample and the scaffolds -------------------------------------------------------------

def test_the_sample_evidence_fits_the_sample_playbook() -> None:
    evidence = load_evidence(ROOT / "data" / "evidence.json")
    specs = load_playbook(ROOT / "specs")
    assert specs.playbook is not None
    assert set(evidence.segments) == {s.id for s in specs.playbook.segments}
    result = check(ROOT / "specs", evidence=evidence)
    assert [d.format() for d in result.diagnostics] == []


def _uncommented(text: str, drop: tuple[str, ...]) -> str:
    """A scaffold with its commented examples switched on (the lines they replace dropped)."""
    lines = [line for line in text.splitlines(keepends=True) if line.strip() not in drop]
    text = "".join(lines)
    text = re.sub(r"^# (accounts:|  )", r"\1", text, flags=re.M)  # "# accounts:", "#   rates:"
    return re.sub(r"^( +)#   ((?:  )?(?:- |[a-z_]+:))", r"\1\2", text,
                  flags=re.M)  # "  #   industries:", "  #     - B2B software: [...]"


def test_the_scaffolds_commented_examples_are_valid(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    book = scaffold.new_playbook(specs, __import__("datetime").date(2026, 11, 1))
    segment = scaffold.new_segment(specs, "new-one")
    book.write_text(_uncommented(book.read_text(), ()))
    segment.write_text(_uncommented(segment.read_text(), (
        "industries: [TODO industry]", "geographies: [TODO country]",
        "employees: {min: 50, max: 500}       # a real ICP excludes most companies")))
    loaded = load_playbook(specs)
    assert [d.format() for d in loaded.diagnostics if d.severity == "error"] == []
    assert loaded.playbook is not None
    firm = loaded.playbook.segments[0].spec.firmographics
    assert firm.industries[0].match == ("COMPUTER_SOFTWARE", "Computer Software")
    assert firm.employees is not None and firm.employees.knockout
    accounts = loaded.playbook.spec.accounts
    assert (accounts.columns.technologies, accounts.rates) == ("Tech stack", {"EUR": 1.08})
    signals = loaded.playbook.spec.anti_icp[0].signals
    assert signals[1].match == {"technologies": ("QuickBooks Online", "QBO")}


# ---- The site: real mkdocs build and serve ----------------------------------------------------

class _Markup(HTMLParser):
    """Every tag and attribute of a page, and its text, to tell markup from text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.script = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script += data
        else:
            self.text.append(data)


def _read(page: Path) -> _Markup:
    parser = _Markup()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _with_evidence(root: Path, data: dict[str, Any] | str | None) -> Path:
    """The project's mkdocs.yml given ``evidence: data/evidence.json``, and that file."""
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert "  - icp\n" in text
    config.write_text(text.replace("  - icp\n", "  - icp:\n      evidence: data/evidence.json\n"))
    if data is not None:
        (root / "data").mkdir(exist_ok=True)
        (root / "data" / "evidence.json").write_text(
            data if isinstance(data, str) else json.dumps(data))
    return config


@pytest.mark.slow
def test_a_build_with_evidence_has_the_fit_report_and_the_figures(tmp_path: Path) -> None:
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    hostile = _data(knockouts=[{"reason": HOSTILE, "lost": 2, "churned": 1}],
                    unmatched_attributes=[{"field": "industry", "value": HOSTILE, "count": 4}])
    done = mkdocs_build(_with_evidence(root, hostile), tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "warning[W131]" in done.stderr  # the site's lint read the evidence
    site = tmp_path / "site" / "playbook"
    fit = _read(site / "fit" / "index.html")
    words = " ".join(fit.text)
    assert "Win rate of fitting accounts against the rest, by segment" in words  # <title>
    assert "62%" in words and "2.50\u00d7" in words and "Customers your ICP misses" in words
    assert HOSTILE in words  # the hostile text, shown as text ...
    assert not [a for a in fit.attrs if a[1].startswith("on") or "javascript:" in a[2]]
    assert not [a for a in fit.attrs if a[0] == "img" and a[2] == "x"]  # ... never as markup
    assert "alert(1)" not in fit.script
    assert ("svg", "role", "img") in fit.attrs
    segment = _read(site / "segments" / "multi-country-payroll" / "index.html")
    said = " ".join(segment.text)
    assert "From the data" in said and "The data backs this validated segment" in said
    assert "Win rate of fits" in said and "62%" in said
    # The fit report is in the nav of every page, after the change log.
    assert ("a", "href", "../fit/") in _read(site / "journey" / "index.html").attrs


@pytest.mark.slow
@pytest.mark.parametrize(("data", "said"), [
    (None, "icp: evidence: data/evidence.json: no such file"),
    ('{"as_of": "2026-11-30", "deals": 1, "won": 1, "lost": 0, "churned": 0, '
     '"segments": {"multi-country-payroll": {"deals": 1, "won": -1, "lost": 0, "churned": 0}}}',
     "data/evidence.json: segments.multi-country-payroll.won: Input should be greater than"),
    ('{"as_of": ', "data/evidence.json: line 1, column 11: not valid JSON"),
])
def test_a_bad_evidence_file_fails_the_build_with_its_problem(tmp_path: Path,
                                                             data: str | None,
                                                             said: str) -> None:
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    done = mkdocs_build(_with_evidence(root, data), tmp_path / "site")
    assert done.returncode == 1
    assert said in done.stderr and "Traceback" not in done.stderr

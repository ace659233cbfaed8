"""The render engine: golden Markdown of every page kind, template overrides, the filters, and
``icp-docs render``.

Regenerate the snapshots after an intended change with::

    UPDATE_GOLDEN=1 pytest tests/test_render.py
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_tree

from icp_docs.cli import main
from icp_docs.diagnostics import Code, Diagnostic
from icp_docs.lint import check
from icp_docs.money import amount, money_range
from icp_docs.render import filters, site
from icp_docs.render.environment import TemplateProblem
from icp_docs.render.pages import Page, render_pages, stand_ins
from icp_docs.spec.load import LoadResult

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "fixtures" / "projects" / "project"
GOLDEN = HERE / "golden"
BROKEN_SEGMENT = "id: broken-one\nlabel: [unclosed\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture project with one extra, broken, segment file."""
    root = tmp_path_factory.mktemp("render") / "project"
    copy_tree(PROJECT, root)
    (root / "specs" / "segments" / "broken-one.yml").write_text(BROKEN_SEGMENT)
    return root


@pytest.fixture(scope="module")
def loaded(project: Path) -> LoadResult:
    result = check(project / "specs", cwd=project)
    assert result.playbook is not None
    return result


@pytest.fixture(scope="module")
def pages(loaded: LoadResult) -> dict[str, Page]:
    assert loaded.playbook is not None
    found = render_pages(loaded.playbook, broken=loaded.broken,
                         revisions={"multi-country-payroll": "abc1234"})
    return {p.path: p for p in found}


def _golden_name(path: str) -> str:
    return path.removeprefix("playbook/").replace("/", "__")


def test_every_page_kind_is_rendered(pages: dict[str, Page]) -> None:
    kinds = {p.kind for p in pages.values()}
    assert kinds == {"overview", "segments", "segment", "persona", "checklist", "checklists",
                     "anti_icp", "journey", "changelog", "fit", "broken"}
    assert sorted(pages) == sorted([
        "playbook/index.md", "playbook/segments/index.md",
        "playbook/segments/multi-country-payroll/index.md",
        "playbook/segments/multi-country-payroll/personas/payroll-lead/index.md",
        "playbook/segments/multi-country-payroll/personas/cfo/index.md",
        "playbook/segments/multi-country-payroll/checklist.md",
        "playbook/segments/staffing-agencies/index.md",
        "playbook/segments/staffing-agencies/personas/finance-director/index.md",
        "playbook/segments/staffing-agencies/personas/payroll-manager/index.md",
        "playbook/segments/staffing-agencies/checklist.md",
        "playbook/segments/broken-one/index.md",
        "playbook/checklists.md", "playbook/anti-icp.md", "playbook/journey.md",
        "playbook/changelog.md", "playbook/fit.md",
    ])


@pytest.mark.parametrize("path", [
    "playbook/segments/multi-country-payroll/index.md",
    "playbook/segments/multi-country-payroll/checklist.md",
    "playbook/checklists.md",
])
def test_scoring_names_every_band(pages: dict[str, Page], path: str) -> None:
    """The segment page, its checklist and the all-checklists page name what every score
    means: strong, the scores between the thresholds, and disqualify."""
    text = html.unescape(pages[path].markdown)
    for band in ("yes: strong lead", "yes: nurture", "yes: disqualify"):
        assert band in text, band
    assert re.search(r"\d+-\d+ yes: nurture|\d+ yes: nurture", text)


@pytest.mark.parametrize("path", [
    "playbook/index.md",
    "playbook/segments/index.md",
    "playbook/segments/multi-country-payroll/index.md",
    "playbook/segments/staffing-agencies/index.md",
    "playbook/segments/multi-country-payroll/personas/payroll-lead/index.md",
    "playbook/segments/multi-country-payroll/checklist.md",
    "playbook/checklists.md",
    "playbook/anti-icp.md",
    "playbook/journey.md",
    "playbook/changelog.md",
    "playbook/fit.md",
    "playbook/segments/broken-one/index.md",
])
def test_golden(pages: dict[str, Page], path: str) -> None:
    golden = GOLDEN / _golden_name(path)
    actual = pages[path].markdown
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == golden.read_text(encoding="utf-8")


def test_sources_point_at_the_yaml(pages: dict[str, Page], project: Path) -> None:
    segments = project / "specs" / "segments"
    assert pages["playbook/index.md"].source == project / "specs" / "playbook.yml"
    persona = pages["playbook/segments/multi-country-payroll/personas/cfo/index.md"]
    assert persona.source == segments / "multi-country-payroll.yml"
    assert pages["playbook/segments/broken-one/index.md"].source == segments / "broken-one.yml"


def test_segment_content(pages: dict[str, Page]) -> None:
    validated = pages["playbook/segments/multi-country-payroll/index.md"].markdown
    hypothesis = pages["playbook/segments/staffing-agencies/index.md"].markdown
    assert "Hypothesis (ECP): an assumption to validate, not a fact" in hypothesis
    assert '!!! success "Validated (ICP)"' in validated
    assert "9 of our 12 largest accounts" in validated
    assert "**Employees:** 200-1,500" in validated
    assert "**Revenue:** €20M\u2013€300M" in validated
    assert "| CFO | Approves | — |" in validated
    assert "| Payroll lead | Recommends | €15K |" in validated
    # Strong triggers first, with their windows.
    assert validated.index("A new country added") < validated.index("Audit season")
    assert "| 60 days |" in validated
    assert "[Head of Payroll](personas/payroll-lead/index.md)" in validated


def test_hypothesis_segment_shows_the_evidence_gathered_so_far(tmp_path: Path) -> None:
    """The guide welcomes interviews and pilots on a hypothesis, and its page asks for them:
    what was recorded must be on the page, not only in the YAML."""
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    seg = root / "specs" / "segments" / "staffing-agencies.yml"
    seg.write_text(seg.read_text().replace("status: hypothesis\n", (
        "status: hypothesis\n"
        "evidence:\n"
        "  - kind: interviews\n"
        "    summary: 6 of 8 agency finance leads pay contractors from a spreadsheet.\n"
        "    count: 8\n"
        "    as_of: 2026-09-30\n")))
    result = check(root / "specs", cwd=root)
    assert result.playbook is not None, [d.format() for d in result.diagnostics]
    page = next(p for p in render_pages(result.playbook)
                if p.path == "playbook/segments/staffing-agencies/index.md").markdown
    assert "Hypothesis (ECP): an assumption to validate, not a fact" in page
    assert "6 of 8 agency finance leads pay contractors from a spreadsheet." in page
    assert "**Interviews** (8), as of 2026-09-30" in page


def test_checklist_content(pages: dict[str, Page]) -> None:
    page = pages["playbook/segments/multi-country-payroll/checklist.md"].markdown
    boxes = '<input type="checkbox" aria-labelledby="criterion-multi-country-payroll-'
    assert page.count(boxes) == 4
    assert "3 or more yes: strong lead; 2 yes: nurture; fewer than 2 yes: disqualify." in page
    assert "<strong>knockout</strong>" in page
    assert "spec revision abc1234" in page
    own = pages["playbook/segments/staffing-agencies/checklist.md"].markdown
    # Its own thresholds (overrides of the playbook's).
    assert "2 or more yes: strong lead; 1 yes: nurture; no yes at all: disqualify." in own
    everything = pages["playbook/checklists.md"].markdown
    assert len(re.findall(r'<div class="icp-checklist[ "]', everything)) == 2


def test_checklist_questions_have_ids_unique_on_the_all_checklists_page(
        tmp_path: Path) -> None:
    """Each box is named by its question's id. Segment "saas" asking "enterprise-budget" and
    segment "saas-enterprise" asking "budget" must not give both questions one id, or the
    second segment's box is announced with the first one's question."""
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    segments = root / "specs" / "segments"
    source = next(segments.glob("*.yml"))
    text = source.read_text()
    first_id = re.search(r"^\s+- id: (\S+)", text.split("criteria:", 1)[1], re.M)
    assert first_id is not None
    for segment_id, criterion_id in (("saas", "enterprise-budget"), ("saas-enterprise", "budget")):
        own = re.sub(r"^id: \S+", f"id: {segment_id}", text, count=1, flags=re.M)
        head, criteria = own.split("criteria:", 1)
        criteria = criteria.replace(f"- id: {first_id.group(1)}", f"- id: {criterion_id}", 1)
        (segments / f"{segment_id}.yml").write_text(f"{head}criteria:{criteria}")
    source.unlink()
    result = check(root / "specs", cwd=root)
    assert result.playbook is not None, [d.format() for d in result.diagnostics]
    everything = next(p for p in render_pages(result.playbook)
                      if p.path == "playbook/checklists.md").markdown
    ids = re.findall(r'<span class="icp-question" id="([^"]+)"', everything)
    labels = re.findall(r'aria-labelledby="([^"]+)"', everything)
    assert len(ids) > len(set(re.findall(r'id="checklist-([^"]+)"', everything)))
    assert len(ids) == len(set(ids)) and sorted(labels) == sorted(ids)


def test_broken_segment_page_shows_the_problem(pages: dict[str, Page]) -> None:
    page = pages["playbook/segments/broken-one/index.md"].markdown
    assert "specs/segments/broken-one.yml:2:8</code>" in page
    assert "error[E001]" in page
    overview = pages["playbook/index.md"].markdown
    assert "[broken-one](segments/broken-one/index.md): 1 error" in overview


def test_stand_ins_cover_pages_of_a_segment_that_broke(pages: dict[str, Page]) -> None:
    before = [Page("playbook/segments/broken-one/personas/x/index.md", "old", "X", None,
                   "persona", "broken-one"), *pages.values()]
    covered = stand_ins(before, list(pages.values()))
    assert [p.path for p in covered] == ["playbook/segments/broken-one/personas/x/index.md"]
    assert "error[E001]" in covered[0].markdown


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_history_feeds_the_segment_pages(tmp_path: Path) -> None:
    """A real git history: 2026-Q2, then a refresh 2026-Q3 that changes one segment."""
    repo = tmp_path / "repo"
    copy_tree(PROJECT / "specs", repo / "specs")
    book = repo / "specs" / "playbook.yml"
    book.write_text(book.read_text().replace("refresh: 2026-Q3", "refresh: 2026-Q2"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Q2")
    book.write_text(book.read_text().replace("refresh: 2026-Q2", "refresh: 2026-Q3"))
    seg = repo / "specs" / "segments" / "staffing-agencies.yml"
    seg.write_text(seg.read_text().replace("tier: 2", "tier: 3"))
    _git(repo, "commit", "-q", "-am", "Q3")
    from icp_docs.history.changelog import load_history

    result = check(repo / "specs", cwd=repo)
    assert result.playbook is not None
    history = load_history(result.playbook)
    pages = {p.path: p.markdown for p in render_pages(result.playbook, history=history)}
    segment = pages["playbook/segments/staffing-agencies/index.md"]
    assert "Changed in the last refresh" in segment
    assert "tier" in segment.split("Changed in the last refresh")[1]
    other = pages["playbook/segments/multi-country-payroll/index.md"]
    assert "Changed in the last refresh" not in other
    overview = pages["playbook/index.md"]
    assert "| 3 | Secondary | Hypothesis (ECP) | 2 | 2026-Q3 |" in overview
    assert "| 1 | Core | Validated (ICP) | 2 | 2026-Q2 |" in overview


def test_prefix_moves_every_page(loaded: LoadResult) -> None:
    assert loaded.playbook is not None
    paths = [p.path for p in render_pages(loaded.playbook, prefix="/gtm/icp/")]
    assert all(p.startswith("gtm/icp/") for p in paths)
    with pytest.raises(ValueError, match="inside the docs folder"):
        render_pages(loaded.playbook, prefix="../out")


def test_override_one_block(loaded: LoadResult, tmp_path: Path) -> None:
    assert loaded.playbook is not None
    (tmp_path / "persona.md.jinja").write_text(
        '{% extends "_base/persona.md.jinja" %}\n'
        "{% block header %}\n# {{ persona.title | inline }} (our header)\n{% endblock %}\n")
    pages = {p.path: p.markdown for p in render_pages(loaded.playbook, templates_dir=tmp_path)}
    persona = pages["playbook/segments/multi-country-payroll/personas/payroll-lead/index.md"]
    assert "# Head of Payroll (our header)" in persona
    assert "Role in the buying committee" in persona  # the other blocks are still ours
    segment = pages["playbook/segments/multi-country-payroll/index.md"]
    assert "(our header)" not in segment


def test_broken_override_is_reported_with_file_and_line(loaded: LoadResult,
                                                        tmp_path: Path) -> None:
    assert loaded.playbook is not None
    (tmp_path / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n{% block title %}\n{{ spec.nope }}\n'
        "{% endblock %}\n{% block jobs %}{% if %}{% endblock %}\n")
    with pytest.raises(TemplateProblem,
                       match=r"segment\.md\.jinja:5:1: error\[E019\]: template syntax error"):
        render_pages(loaded.playbook, templates_dir=tmp_path)


@pytest.mark.parametrize(("expression", "said"), [
    ("1/0", "ZeroDivisionError: division by zero"),
    ('"a" + 1', "TypeError: can only concatenate str"),
    ("spec.personas[99]", "template error: list object has no element 99"),
])
def test_an_override_raising_while_rendering_is_its_author_s_error(
        loaded: LoadResult, tmp_path: Path, expression: str, said: str) -> None:
    # A plain Python error inside an override was a traceback in mkdocs build, an internal
    # error in icp-docs render, and hanging pages in serve.
    assert loaded.playbook is not None
    (tmp_path / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n{% block badges %}\n'
        f"{{{{ {expression} }}}}\n{{% endblock %}}\n")
    with pytest.raises(TemplateProblem, match=r"segment\.md\.jinja:3:1: error\[E019\]: ") as exc:
        render_pages(loaded.playbook, templates_dir=tmp_path)
    assert said in str(exc.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("*em* and `code`", "<em>em</em> and <code>code</code>"),
    ("<script>alert(1)</script>", "&#60;script&#62;alert(1)&#60;/script&#62;"),
    ("[x](javascript:alert(1))", "&#91;x&#93;(javascript&#58;alert(1))"),
    ("[ok](https://a.example/p_q)",
     '<a href="https&#58;//a.example/p&#95;q" rel="noopener noreferrer">ok</a>'),
    ("a | b {: onclick=x}", "a &#124; b &#123;&#58; onclick&#61;x&#125;"),
    ("line\nbreak", "line break"),
])
def test_inline_filter(text: str, expected: str) -> None:
    assert filters.inline(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("We close in 12 days.", "\u201cWe close in 12 days.\u201d"),
    # Marks the author wrote around the whole quote are not doubled.
    ('"We close in 12 days."', "\u201cWe close in 12 days.\u201d"),
    ("\u201cAlready curly\u201d", "\u201cAlready curly\u201d"),
    ("'Single marks'", "\u201cSingle marks\u201d"),
    # A quote inside the quote takes single marks.
    ('He called it "the beast" twice.', "\u201cHe called it \u2018the beast\u2019 twice.\u201d"),
    ('"Close" or "lose"', "\u201c\u2018Close\u2019 or \u2018lose\u2019\u201d"),
    ('I run `grep "x"` on "it"', '\u201cI run <code>grep "x"</code> on \u2018it\u2019\u201d'),
    # An apostrophe inside keeps single marks around the whole as they are.
    ("'It's broken'", "\u201c'It's broken'\u201d"),
    ("<b>*we*</b>", "\u201c&#60;b&#62;<em>we</em>&#60;/b&#62;\u201d"),
    (None, ""),
])
def test_quote_filter(text: str | None, expected: str) -> None:
    assert filters.quote(text) == expected


def test_block_filter_is_one_raw_html_line() -> None:
    html = filters.block("# Title\n\npara\n\n- a <style>x</style>\n")
    assert "\n" not in html
    assert html.startswith('<div class="icp-prose"><h3>Title</h3>')
    assert "&#60;style&#62;" in html


@pytest.mark.parametrize(("low", "high", "unit", "expected"), [
    (200, 1500, "", "200-1,500"), (200, None, "", "200+"), (None, 50, "", "up to 50"),
    (None, None, "", "any"), (6, 25, "years", "6-25 years"), (3, 3, "", "3"),
])
def test_span(low: int | None, high: int | None, unit: str, expected: str) -> None:
    # What a reader sees: "+" is written as an entity (pymdownx.keys reads "++").
    assert html.unescape(filters.span(low, high, unit)) == expected


def test_pages_read_as_sentences_and_lists_of_one_style(pages: dict[str, Page]) -> None:
    """The persona's pains are a headed list like the working day's (no "Pain:" bullets among
    plain ones); the overview says who decides in words, not "Buying committee. Yes"."""
    persona = pages["playbook/segments/multi-country-payroll/personas/payroll-lead/index.md"]
    assert "**Pain:**" not in persona.markdown
    assert "**What it costs them**\n\n- " in persona.markdown
    overview = pages["playbook/index.md"].markdown
    assert "**Who decides.** A buying committee: several people decide together." in overview
    assert "Buying committee.** Yes" not in overview


#: One compact money form on every page and the printed sheet (icp_docs.money).
MONEY = [
    # (low, high, currency, shown)
    (30_000_000.0, 250_000_000.0, "USD", "$30M\u2013$250M"),
    (5_000_000.0, None, "EUR", "\u20ac5M+"),
    (None, 2_000_000.0, "USD", "up to $2M"),
    (3_000_000.0, 3_000_000.0, "GBP", "\u00a33M"),
    (None, None, "USD", "any"),
    (40_000.0, None, "CHF", "CHF 40K+"),
    (1_500.0, 2_500_000.0, "USD", "$1.5K\u2013$2.5M"),
    (1_250_000.0, 4e9, "JPY", "\u00a51.25M\u2013\u00a54B"),
    (950.0, 1e12, "INR", "\u20b9950\u2013\u20b91T"),
    # Shortening would round it: in full.
    (1_234_567.0, 12_345.0, "USD", "$1,234,567\u2013$12,345"),
    (0.0, 999_999.0, "CAD", "CAD 0\u2013CAD 999,999"),
    (1e30, None, "USD", "$1" + ",000" * 10 + "+"),
]


@pytest.mark.parametrize(("low", "high", "currency", "shown"), MONEY)
def test_money_has_one_compact_form(low: float | None, high: float | None, currency: str,
                                    shown: str) -> None:
    assert money_range(low, high, currency) == shown
    # The site's filter says the same, made inert for Markdown.
    assert html.unescape(filters.money_span(low, high, currency)) == shown
    if high is None and low is not None and not shown.startswith("any"):
        assert html.unescape(filters.money(low, currency)) == shown.removesuffix("+")


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (950, "950"), (1_000, "1K"), (1_500, "1.5K"), (40_000, "40K"),
    (999_999, "999,999"), (2.5e6, "2.5M"), (1.25e6, "1.25M"), (1.255e6, "1,255,000"),
    (7e9, "7B"), (1.5, "1.5"), (1234.5, "1,234.5"),
])
def test_amount_is_short_only_when_exact(value: float, shown: str) -> None:
    assert amount(value) == shown


def test_render_command_writes_and_refuses(project: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    specs = tmp_path / "specs"
    copy_tree(PROJECT / "specs", specs)
    out = tmp_path / "out"
    assert main(["render", str(specs), "--out", str(out)]) == 0
    index = out / "playbook" / "index.md"
    assert "Tallybook payroll reconciliation" in index.read_text()
    manifest = json.loads((out / ".icp-docs-render.json").read_text())
    assert "playbook/index.md" in manifest["files"]
    assert main(["render", str(specs), "--out", str(out)]) == 0  # ours: rewritten
    index.write_text("edited by hand\n")
    assert main(["render", str(specs), "--out", str(out)]) == 1
    assert index.read_text() == "edited by hand\n"
    assert "refusing to overwrite" in capsys.readouterr().err
    other = tmp_path / "other"
    (other / "playbook").mkdir(parents=True)
    (other / "playbook" / "journey.md").write_text("mine\n")
    assert main(["render", str(specs), "--out", str(other)]) == 1
    assert (other / "playbook" / "journey.md").read_text() == "mine\n"
    assert not (other / "playbook" / "index.md").exists()  # refused before writing anything


def test_render_command_removes_a_removed_segment_s_pages(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    copy_tree(PROJECT / "specs", specs)
    out = tmp_path / "out"
    assert main(["render", str(specs), "--out", str(out)]) == 0
    folder = out / "playbook" / "segments" / "staffing-agencies"
    assert (folder / "personas").is_dir()
    (out / "playbook" / "notes.md").write_text("the team's own page\n")
    (specs / "segments" / "staffing-agencies.yml").unlink()
    assert main(["render", str(specs), "--out", str(out)]) == 0
    assert not folder.exists()  # its pages, and the folders they leave empty
    assert (out / "playbook" / "segments" / "index.md").is_file()
    assert (out / "playbook" / "notes.md").read_text() == "the team's own page\n"


@pytest.mark.parametrize(("value", "expected"), [
    (1500, "1,500"), (2.5, "2.5"), (2000.0, "2,000"), (1234.567, "1,234.57"),
    (10**30, "1," + ",".join(["000"] * 10)), (1e30, "1," + ",".join(["000"] * 10)),
    (10**400, "10" + ",000" * 133),
])
def test_number_shows_large_numbers_as_written(value: float, expected: str) -> None:
    # An int is shown exactly (a float of 10**400 overflows); a float by its shortest
    # decimal, not by its binary value (1e30 is 1,000,...,019,884,624,838,656 as a float).
    assert filters.number(value) == expected


def test_render_command_shows_a_huge_count_rather_than_failing(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    copy_tree(PROJECT / "specs", specs)
    seg = specs / "segments" / "staffing-agencies.yml"
    text = seg.read_text()
    assert "  employees:\n    min: 50\n    max: " in text
    seg.write_text(text.replace("    max: ", f"    max: {10**400} # ", 1))
    assert main(["render", str(specs), "--out", str(tmp_path / "out")]) == 0
    pages = tmp_path / "out" / "playbook" / "segments" / seg.stem
    for page in ("index.md", "checklist.md"):  # the firmographics, and the checklist's "who"
        assert "10" + ",000" * 133 in (pages / page).read_text()


def test_render_command_fails_on_spec_errors(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    specs = tmp_path / "specs"
    copy_tree(PROJECT / "specs", specs)
    (specs / "segments" / "broken-one.yml").write_text(BROKEN_SEGMENT)
    assert main(["render", str(specs), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "broken-one.yml:2:8:" in err and "error[E001]" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", [
    "Plain words, digits 1,500 and (brackets).", "a  b", "tab\there", "x: y | z",
    "ends with space ", "  leading", "200-1,500 {braces} $5 ^caret =eq", "- item", "1. one",
])
def test_inline_fast_path_matches_the_full_pipeline(text: str) -> None:
    full = filters._sanitise(filters._parser().renderInline(text).replace("\n", " "),
                             filters.INLINE_TAGS)
    assert filters.inline(text) == filters.line_safe(full)


def test_titles_are_words_only_and_escaped() -> None:
    assert filters.text_only("Checklist: *a* <b>") == "Checklist: a <b>"
    assert filters.title("Checklist: *a* <b> & c") == "Checklist&#58; a &#60;b&#62; &#38; c"
    assert filters.title("</title><script>") == "&#60;/title&#62;&#60;script&#62;"


def test_site_decisions() -> None:
    """The plugin's choices, as pure functions (no MkDocs)."""
    assert site.mentions_prefix(["index.md", {"Playbook": ["playbook/journey.md"]}], "playbook")
    assert not site.mentions_prefix(["index.md", {"Guide": ["guide/playbook.md"]}], "playbook")
    assert site.nav_paths("gtm") == [{"Overview": "gtm/index.md"}, "gtm/segments/index.md",
                                     "gtm/checklists.md", "gtm/anti-icp.md", "gtm/journey.md",
                                     "gtm/changelog.md", "gtm/fit.md"]
    missing = site.missing_extensions(["admonition", {"toc": {}}, "pymdownx.tasklist"],
                                      {"pymdownx.tasklist": {"custom_checkbox": False}})
    assert "admonition" not in missing and "toc" not in missing and "tables" in missing
    assert missing["pymdownx.tasklist"] == {"custom_checkbox": False, "clickable_checkbox": True}
    # The journey's row headers; a site that lists the extension itself gets it once.
    assert missing["icp_docs.render.row_headers"] == {}
    assert "icp_docs.render.row_headers" not in site.missing_extensions(
        ["icp_docs.render.row_headers"], {})
    assert site.edit_path(PROJECT / "specs/playbook.yml", PROJECT / "docs") == \
        "../specs/playbook.yml"
    assert site.add_robots("<html><head><title>x</title></head>") == \
        f"<html><head><title>x</title>{site.ROBOTS}</head>"


def test_report_levels_and_failures(loaded: LoadResult) -> None:
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    warning = Diagnostic("s.yml", 1, 1, Code.NO_TRIGGER, "triggers", "none")
    levels = site.report_levels([*errors, warning], strict=False)
    assert (logging.INFO, warning.format()) in levels
    assert all(level == logging.ERROR for level, _ in levels[:-1] if "error[" in _)
    assert (logging.WARNING, warning.format()) in site.report_levels([warning], strict=True)
    assert site.fails(errors, strict=False)
    assert not site.fails([warning], strict=False)
    assert site.fails([warning], strict=True)


def test_scratch_rewrites_only_changed_pages() -> None:
    scratch = site.Scratch()
    try:
        first = scratch.put("playbook/index.md", "one")
        stamp = first.stat().st_mtime_ns
        assert scratch.put("playbook/index.md", "one").stat().st_mtime_ns == stamp
        assert scratch.put("playbook/index.md", "two").read_text() == "two"
        assert scratch.root not in (PROJECT / "docs").parents
    finally:
        scratch.remove()
    assert not scratch.root.exists()

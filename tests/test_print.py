"""Printable checklists: real headless Chromium prints the built sites to PDF.

One Chromium and one local server per session (per xdist worker) serve every print; the
sample site is the shared ``built_site``. A second, generated project holds the longest
checklists the lint rule allows, and one it warns about, to show where the page ends.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import SPECS, copy_tree, mkdocs_build
from pypdf import PageObject, PdfReader

from icp_docs.cli import main
from icp_docs.lint import check
from icp_docs.lint.rules import MAX_CHECKLIST_CHARS, MAX_CRITERIA
from icp_docs.printing import assets as print_assets
from icp_docs.printing import sheet
from icp_docs.printing.browser import PAPER_MM, Printer, install_hint, serve
from icp_docs.printing.command import stamped
from icp_docs.printing.site import find_checklists
from icp_docs.printing.stamp import revision_stamps
from icp_docs.spec.load import Playbook
from icp_docs.spec.models import Criterion

# Tests that print with Chromium are marked browser; those that build a site, slow.
browser = pytest.mark.browser
slow = pytest.mark.slow

PAPERS = ("a4", "letter")
MM_PER_PT = 25.4 / 72
# Text that only the site's chrome (header, nav, search, footer, buttons) would put on a page.
CHROME = ("Skip to content", "Initializing search", "Ledgerline ICP playbook", "Writing specs",
          "Lint rules", "Printing checklists", "Edit this page", "Made with", "Back to top",
          "Segment page", "Print this checklist", "Print all checklists")


def _text(page: PageObject) -> str:
    return " ".join(page.extract_text().split())


def _pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _size_mm(reader: PdfReader, index: int = 0) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width) * MM_PER_PT, float(box.height) * MM_PER_PT


def _cli(*args: str, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (as a user or CI runs it)."""
    return subprocess.run([sys.executable, "-m", "icp_docs", "checklists", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def sample() -> Playbook:
    playbook = check(SPECS).playbook
    assert playbook is not None and len(playbook.segments) == 5
    return playbook


@pytest.fixture(scope="session")
def sample_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as base:
        yield base + "playbook/"


# ---- The sample site ------------------------------------------------------------------------


@browser
@slow
@pytest.mark.parametrize("paper", PAPERS)
def test_each_checklist_prints_on_one_page(printer: Printer, sample_url: str, sample: Playbook,
                                           paper: str) -> None:
    stamps = revision_stamps(s.source.file for s in sample.segments)
    for segment in sample.segments:
        data, fits = printer.pdf(f"{sample_url}segments/{segment.id}/checklist/", paper)
        reader = _pdf(data)
        assert len(reader.pages) == 1, segment.id
        assert _size_mm(reader) == pytest.approx(PAPER_MM[paper], abs=0.5)
        assert [f.shrunk for f in fits] == [False]  # the CSS alone fits it: so does Ctrl+P
        text = _text(reader.pages[0])
        spec = segment.spec
        strong, below = sample.thresholds(spec)
        for criterion in spec.qualification.criteria:
            assert criterion.question in text
        for other in sample.segments:
            if other is not segment:
                assert other.spec.qualification.criteria[0].question not in text
        assert f"TIER {spec.tier}" in text
        # Every band of scores is named on paper, the one between the thresholds too.
        assert (f"{strong} or more yes: strong lead; {below}-{strong - 1} yes: nurture; "
                f"fewer than {below} yes: disqualify") in text
        assert "WHO" in text and "WHY NOW" in text and "WALK AWAY IF" in text
        assert spec.disqualifiers[0].detail in text
        assert f"Refresh {sample.spec.refresh}" in text
        assert f"spec revision {stamps[segment.source.file.resolve()]}" in text
        assert not [c for c in CHROME if c in text]


@browser
@slow
@pytest.mark.parametrize("paper", PAPERS)
def test_the_pack_prints_one_page_per_segment_in_tier_order(
        printer: Printer, sample_url: str, sample: Playbook, paper: str) -> None:
    data, fits = printer.pdf(f"{sample_url}checklists/", paper)
    reader = _pdf(data)
    assert len(reader.pages) == len(sample.segments)
    assert [f.id for f in fits] == [f"checklist-{s.id}" for s in sample.segments]
    tiers = [s.spec.tier for s in sample.segments]
    assert tiers == sorted(tiers)
    for page, segment in zip(reader.pages, sample.segments, strict=True):
        text = _text(page)
        assert text.startswith(f"TIER {segment.spec.tier}")
        assert all(c.question in text for c in segment.spec.qualification.criteria)
        others = [s for s in sample.segments if s is not segment]
        assert not [s.id for s in others if s.spec.qualification.criteria[-1].question in text]
        assert "Qualification checklists" not in text  # the page's own title and intro
        assert not [c for c in CHROME if c in text]


@browser
@slow
def test_print_button_calls_window_print(printer: Printer, sample_url: str,
                                         built_site: Path) -> None:
    html = (built_site / "playbook/segments/multi-entity-close/checklist/index.html").read_text()
    assert "data-icp-print" in html and "assets/icp/print.js" in html
    assert "onclick" not in html  # wired from the script: a strict CSP still allows it
    page = printer.open(f"{sample_url}segments/multi-entity-close/checklist/")
    try:
        page.emulate_media(media="screen")
        page.evaluate("() => { window.__printed = 0; "
                      "window.print = () => { window.__printed += 1; }; }")
        button = page.get_by_role("button", name="Print this checklist")
        assert button.is_visible()
        button.click()
        assert page.evaluate("window.__printed") == 1
        page.emulate_media(media="print")
        assert not button.is_visible()
    finally:
        page.close()


@browser
@slow
def test_cli_prints_the_pack_and_a_page_renders_at_paper_size(built_site: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    out.write_bytes(stamped(b"%PDF-1.4 an older pack\n"))  # our own earlier output: replaced
    done = _cli("--pdf", str(out), "--paper", "letter", "--site", str(built_site))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert done.stderr == ""  # nothing needed shrinking
    reader = PdfReader(out)
    assert len(reader.pages) == 5
    assert _size_mm(reader, 4) == pytest.approx(PAPER_MM["letter"], abs=0.5)
    dpi = 100
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(out), str(tmp_path / "page")], check=True, timeout=60)
    png = (tmp_path / "page.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    expected = [mm / 25.4 * dpi for mm in PAPER_MM["letter"]]
    assert abs(width - expected[0]) <= 2.5 and abs(height - expected[1]) <= 2.5


# ---- The longest checklists ---------------------------------------------------------------

BASE = yaml.safe_load((SPECS / "segments" / "multi-entity-close.yml").read_text())
WORDS = ("Does the account confirm in its own words and with a named owner that the monthly "
         "close takes longer than it should and that fixing it matters this year ") * 40
DIMENSIONS = ("jobs_to_be_done", "technographics", "firmographics", "alternatives",
              "reachability", "triggers", "budget", "persona")


def _question(number: int, length: int) -> str:
    text = f"Q{number} {WORDS}"[:length - 1].rstrip()
    return text + "x" * (length - 1 - len(text)) + "?"


def _segment(segment_id: str, lengths: list[int]) -> dict[str, object]:
    """The sample's tier-1 segment with the longest summary lines the page clamps, and
    criteria of the given lengths, all knock-outs (the widest right-hand column)."""
    spec = dict(BASE, id=segment_id)
    spec["label"] = ("Multi-entity finance teams closing the books across many subsidiaries, "
                     "currencies and audit regimes every single month")
    spec["triggers"] = [{"event": "A long trigger that goes on about a new legal entity or a "
                         "foreign subsidiary opened in a new market, " * 3, "strength": "strong",
                         "window_days": 90}] * 4
    spec["disqualifiers"] = [{"reason": "no_pain", "detail": "A long disqualifier saying why "
                              "the close is already fast enough and nobody minds, " * 3}] * 4
    spec["qualification"] = {"criteria": [
        {"id": f"criterion-{i + 1}", "question": _question(i + 1, n),
         "dimension": DIMENSIONS[i % len(DIMENSIONS)], "knockout": True}
        for i, n in enumerate(lengths)]}
    return spec


def _edge(setting: sheet.Setting) -> list[int]:
    """The most two-line questions that still get this density."""
    length = 2 * setting.chars_per_line
    lengths: list[int] = []
    while setting.height([_criterion(n) for n in [*lengths, length]]) <= setting.budget_mm:
        lengths.append(length)
    return lengths


def _criterion(length: int) -> Criterion:
    return Criterion(id="c", question="x" * length, dimension="budget")


def _model_worst() -> list[int]:
    """The criteria within the lint rule's caps that the tight density's estimate finds
    longest: every question just over a line, then lines added while characters remain."""
    cpl = sheet.SETTINGS[-1].chars_per_line
    lengths = [cpl + 1] * MAX_CRITERIA
    i = 0
    while sum(lengths) + cpl <= MAX_CHECKLIST_CHARS:
        lengths[i % MAX_CRITERIA] += cpl
        i += 1
    return lengths


LONG_SEGMENTS = {
    # Within the lint rule: the CSS fits them (printing from the browser works too).
    "longest-even": [MAX_CHECKLIST_CHARS // MAX_CRITERIA] * MAX_CRITERIA,
    "longest-uneven": [MAX_CHECKLIST_CHARS - 20 * (MAX_CRITERIA - 1)] + [20] * (MAX_CRITERIA - 1),
    "longest-estimate": _model_worst(),
    "edge-roomy": _edge(sheet.SETTINGS[0]),
    "edge-compact": _edge(sheet.SETTINGS[1]),
    # Far beyond it: only the command's shrinking keeps it on one page.
    "far-too-long": [150] * 22,
}
WITHIN_CAPS = ("longest-even", "longest-uneven", "longest-estimate")


@pytest.fixture(scope="session")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("long") / "project"
    (root / "specs" / "segments").mkdir(parents=True)
    (root / "docs").mkdir()
    shutil.copy(SPECS / "playbook.yml", root / "specs" / "playbook.yml")
    for segment_id, lengths in LONG_SEGMENTS.items():
        (root / "specs" / "segments" / f"{segment_id}.yml").write_text(
            yaml.safe_dump(_segment(segment_id, lengths), sort_keys=False), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Long checklists\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        # The dark palette: print must still come out black on white.
        "site_name: Long checklists\ntheme:\n  name: material\n  palette:\n"
        "    scheme: slate\n    primary: deep purple\nplugins:\n  - icp\n",
        encoding="utf-8")
    done = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert done.returncode == 0, done.stderr
    return root


@slow
def test_the_long_fixtures_are_what_they_claim(long_site: Path) -> None:
    result = check(long_site / "specs")
    assert result.playbook is not None
    warned = {Path(d.path).stem for d in result.diagnostics if d.code.slug == "checklist-too-long"}
    over_caps = {name for name, lengths in LONG_SEGMENTS.items()
                 if len(lengths) > MAX_CRITERIA or sum(lengths) > MAX_CHECKLIST_CHARS}
    assert warned == over_caps
    assert "far-too-long" in warned and not warned & set(WITHIN_CAPS)
    by_id = {s.id: s.spec.qualification.criteria for s in result.playbook.segments}
    assert sheet.density(by_id["edge-roomy"]) == "roomy"
    assert sheet.density(by_id["edge-compact"]) == "compact"
    assert sheet.density(by_id["longest-estimate"]) == "tight"
    # The lint rule's caps and the page agree: whatever the caps allow, the page holds.
    assert all(sheet.fits(by_id[name]) for name in WITHIN_CAPS)
    assert not sheet.fits(by_id["far-too-long"])


@browser
@slow
@pytest.mark.parametrize("paper", PAPERS)
def test_the_longest_allowed_checklists_fit_one_page(printer: Printer, long_site: Path,
                                                     paper: str, tmp_path: Path) -> None:
    playbook = check(long_site / "specs").playbook
    assert playbook is not None
    order = [s.id for s in playbook.segments]
    with serve(long_site / "site") as base:
        data, fits = printer.pdf(f"{base}playbook/checklists/", paper)
        standalone, alone = printer.pdf(f"{base}playbook/segments/longest-even/checklist/", paper)
    reader = _pdf(data)
    assert len(reader.pages) == len(LONG_SEGMENTS)
    # Only the one far beyond the lint rule needed the command's shrinking.
    assert {f.id.removeprefix("checklist-"): (f.shrunk, f.fits) for f in fits} == {
        name: (name == "far-too-long", True) for name in LONG_SEGMENTS}
    for page, segment_id in zip(reader.pages, order, strict=True):
        text = _text(page)
        assert f"· {segment_id} " in text
        assert re.search(rf"\bQ{len(LONG_SEGMENTS[segment_id])}\b", text)  # the last criterion
        assert "spec revision not in git" in text  # the fixture is no git repository
    assert len(_pdf(standalone).pages) == 1
    assert [(f.shrunk, f.fits) for f in alone] == [(False, True)]
    # Black on white paper, though the site is dark and purple: no colour anywhere (without
    # print.css, Material's admonition and task list colours print).
    brightness, coloured = _ink(data, tmp_path)
    assert brightness > 200 and coloured == 0


def _ink(pdf: bytes, folder: Path) -> tuple[float, float]:
    """The first page at 40 dpi: (mean brightness 0-255, share of coloured pixels)."""
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-singlefile",
                    str(folder / "in.pdf"), str(folder / "page")], check=True, timeout=60)
    magic, width, height, depth, pixels = (folder / "page.ppm").read_bytes().split(maxsplit=4)
    assert (magic, depth) == (b"P6", b"255")
    count = int(width) * int(height)
    rgb = [pixels[i:i + 3] for i in range(0, 3 * count, 3)]
    coloured = sum(1 for px in rgb if max(px) - min(px) > 40)
    return sum(pixels[:3 * count]) / (3 * count), coloured / count


@browser
@slow
def test_a_checklist_too_long_for_the_page_is_shrunk_with_a_warning(long_site: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "far.pdf"
    done = _cli("--pdf", str(out), "--paper", "letter", "--segment", "far-too-long",
                "--site", str(long_site / "site"))
    assert done.returncode == 0, done.stderr
    assert "far-too-long was shrunk to fit one letter page" in done.stderr
    assert "W117" in done.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert "Q22" in _text(reader.pages[0])


# A product named in full, as a RevOps lead would write it: with a long segment id the
# footer's line cannot hold everything.
LONG_PRODUCT = ("Ledgerline month-end close automation for multi-entity finance teams in "
                "North America")


@browser
@slow
@pytest.mark.parametrize("paper", PAPERS)
def test_the_footer_keeps_the_revision_whole_beside_a_long_product(
        printer: Printer, tmp_path_factory: pytest.TempPathFactory, paper: str) -> None:
    """The revision is what tells a stale sheet from a current one: the product gives way."""
    root = tmp_path_factory.mktemp("product")
    copy_tree(SPECS, root / "specs")
    playbook = yaml.safe_load((root / "specs" / "playbook.yml").read_text())
    playbook["product"] = LONG_PRODUCT
    (root / "specs" / "playbook.yml").write_text(yaml.safe_dump(playbook, sort_keys=False))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Product\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Product\ntheme:\n  name: material\n"
                                     "plugins:\n  - icp\n", encoding="utf-8")
    done = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert done.returncode == 0, done.stderr
    with serve(root / "site") as base:
        data, fits = printer.pdf(
            f"{base}playbook/segments/usage-revenue-reconciliation/checklist/", paper)
    reader = _pdf(data)
    assert len(reader.pages) == 1 and [f.shrunk for f in fits] == [False]
    text = _text(reader.pages[0])
    assert f"Refresh {playbook['refresh']} · spec revision not in git" in text
    assert "Ledgerline month-end close" in text


# ---- Problems: a clear message, exit 1, nothing overwritten ----------------------------------


@slow
def test_problems_are_explained(built_site: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*args: str) -> str:
        assert main(["checklists", *args]) == 1
        said = capsys.readouterr()
        assert said.out == "" and "Traceback" not in said.err
        return said.err

    site = str(built_site)
    assert run("--pdf", str(tmp_path), "--site", site) == (
        f"icp-docs: {tmp_path} is a folder; give a file name such as "
        f"{tmp_path / 'checklists.pdf'}\n")
    notes = tmp_path / "notes.pdf"
    notes.write_text("my call notes", encoding="utf-8")
    assert "exists and is not a PDF; not overwriting it" in run("--pdf", str(notes), "--site", site)
    assert notes.read_text(encoding="utf-8") == "my call notes"
    # A PDF icp-docs did not write (or one of ours changed since) is never replaced.
    theirs = tmp_path / "contract.pdf"
    theirs.write_bytes(b"%PDF-1.7 a signed contract\n")
    assert "exists and was not written by icp-docs checklists, or was changed since; not " \
        "overwriting it (--force replaces it)" in run("--pdf", str(theirs), "--site", site)
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(stamped(b"%PDF-1.7 our pack\n").replace(b"our", b"my"))
    assert "was changed since" in run("--pdf", str(edited), "--site", site)
    assert theirs.read_bytes() == b"%PDF-1.7 a signed contract\n"
    said = run("--pdf", str(tmp_path / "x.pdf"), "--segment", "nope", "--site", site)
    assert "unknown segment 'nope'" in said and "multi-entity-close" in said
    said = run("--pdf", str(tmp_path / "x.pdf"), "--segment", "multi-entity-clse", "--site", site)
    assert f"no checklist page for it in {site}; did you mean 'multi-entity-close'?" in said
    said = run("--pdf", str(tmp_path / "missing" / "x.pdf"), "--site", site)
    assert "does not exist; create the folder first" in said
    said = run("--pdf", str(tmp_path / "x.pdf"), "--site", str(tmp_path / "nosite"),
               "--config", str(tmp_path / "nomkdocs.yml"))
    assert "nomkdocs.yml: no such file" in said
    said = run("--pdf", str(tmp_path / "x.pdf"), "--site", str(tmp_path))
    assert "has no checklist pages: is the icp plugin listed" in said
    monkeypatch.setenv("PATH", str(tmp_path))  # no Chromium on it: said before any build
    assert "Chromium was not found" in run("--pdf", str(tmp_path / "x.pdf"), "--site",
                                           str(tmp_path / "nosite"))
    # Nothing left behind but the files the test made.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.pdf", "edited.pdf",
                                                          "notes.pdf"]


@slow
def test_a_failed_build_is_explained(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_tree(SPECS, project / "specs")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Hi\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - icp\n", encoding="utf-8")
    bad = project / "specs" / "segments" / "multi-entity-close.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("tier: 1", "tier: 7"),
                   encoding="utf-8")
    done = _cli("--pdf", "out.pdf", cwd=project)
    assert done.returncode == 1
    assert "mkdocs build of" in done.stderr and "failed" in done.stderr
    assert "multi-entity-close.yml" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "out.pdf").exists()


KNOWN = ("marketplace-payout-matching, multi-entity-close, outsourced-close-firms, "
         "pe-rollup-integration, usage-revenue-reconciliation")


@slow
def test_a_problem_with_a_temporary_build_names_the_config_not_a_deleted_folder(
        tmp_path: Path) -> None:
    # Without site/, the command builds into a temporary folder that is gone when it says
    # what is wrong: the message points at what the user has, mkdocs.yml. (An INHERIT keeps
    # the specs from being asked first, so the built pages are.)
    project = tmp_path / "project"
    copy_tree(SPECS, project / "specs")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Hi\n", encoding="utf-8")
    (project / "base.yml").write_text("plugins:\n  - icp\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: x\nINHERIT: base.yml\n", encoding="utf-8")
    done = _cli("--pdf", "out.pdf", "--segment", "nope", cwd=project)
    assert done.returncode == 1
    [line] = [x for x in done.stderr.splitlines() if "unknown segment" in x]
    assert line == ("icp-docs: unknown segment 'nope': no checklist page for it in the site "
                    f"built from mkdocs.yml (segments: {KNOWN})"), line
    assert "icp-docs-site-" not in done.stderr


@pytest.mark.parametrize(("segment", "says"), [
    ("multi-entity-clse", "icp-docs: unknown segment 'multi-entity-clse': playbook-specs has "
     f"no segment of that id; did you mean 'multi-entity-close'? (segments: {KNOWN})"),
    ("nope", f"icp-docs: unknown segment 'nope': playbook-specs has no segment of that id "
     f"(segments: {KNOWN})"),
])
def test_an_unknown_segment_is_named_before_any_site_is_built(
        tmp_path: Path, segment: str, says: str) -> None:
    # Without site/, a build would take a while only to say the id is wrong: the specs
    # named in mkdocs.yml (tags such as Material's !!python/name and all) tell at once.
    project = tmp_path / "project"
    copy_tree(SPECS, project / "playbook-specs")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Hi\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - search\n  - icp:\n      specs_dir: playbook-specs\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8")
    scratch = tmp_path / "tmp"  # where a temporary build would go
    scratch.mkdir()
    done = _cli("--pdf", "out.pdf", "--segment", segment, cwd=project,
                env={"TMPDIR": str(scratch)})
    assert (done.returncode, done.stdout, done.stderr) == (1, "", says + "\n")
    assert list(scratch.iterdir()) == [] and not (project / "site").exists()
    assert not (project / "out.pdf").exists()


@browser
@slow
def test_without_a_site_the_command_builds_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_tree(SPECS, project / "specs")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Hi\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: material\nplugins:\n"
                                        "  - icp\n", encoding="utf-8")
    done = _cli("--pdf", "one.pdf", "--segment", "outsourced-close-firms", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "building the site" in done.stderr
    assert len(PdfReader(project / "one.pdf").pages) == 1
    assert not (project / "site").exists()  # built in a temporary folder, not in the project


# ---- Set-up: the documented install, finding the browser, the PDF's mode ------------------

ROOT = SPECS.parent
HINT_TAIL = "(or set ICP_DOCS_CHROMIUM to the path of a Chromium or Chrome executable)"


def _without_chromium_variable() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "ICP_DOCS_CHROMIUM"}


def _run(env: dict[str, str], *args: str, cwd: Path | None = None,
         umask: int = -1) -> subprocess.CompletedProcess[str]:
    """``icp-docs checklists`` in its own process with exactly this environment."""
    return subprocess.run([sys.executable, "-m", "icp_docs", "checklists", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
                          env=env, umask=umask)


@slow
def test_without_chromium_the_error_says_the_command_that_installs_it(
        built_site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"  # a PATH with no browser on it
    empty.mkdir()
    env = {**_without_chromium_variable(), "PATH": str(empty)}
    done = _run(env, "--pdf", str(tmp_path / "pack.pdf"), "--site", str(built_site))
    sudo = "" if os.geteuid() == 0 else "sudo "
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("icp-docs: Chromium was not found; install it: "
                           f"{sudo}apt-get install chromium {HINT_TAIL}\n")
    assert not (tmp_path / "pack.pdf").exists()


@pytest.mark.parametrize(("platform", "root", "command"), [
    ("linux", False, "sudo apt-get install chromium"),
    ("linux", True, "apt-get install chromium"),  # root in a container has no sudo, often
    ("darwin", False, "brew install --cask google-chrome"),
])
def test_the_install_hint_is_one_command_for_the_platform(platform: str, root: bool,
                                                          command: str) -> None:
    assert install_hint(platform, root) == f"{command} {HINT_TAIL}"


@browser
@slow
def test_the_chromium_variable_names_the_browser_to_print_with(
        built_site: Path, chromium: str, tmp_path: Path) -> None:
    # A broken "chromium" first on the PATH: the search would find it, the variable does not.
    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    env = {**_without_chromium_variable(),
           "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "one.pdf"
    args = ("--pdf", str(out), "--segment", "multi-entity-close", "--site", str(built_site))
    done = _run(env, *args)
    assert done.returncode == 1 and f"Chromium at {fake} did not start" in done.stderr
    missing = tmp_path / "no-such-chrome"
    done = _run({**env, "ICP_DOCS_CHROMIUM": str(missing)}, *args)
    assert (done.returncode, done.stderr) == (1, (
        f"icp-docs: ICP_DOCS_CHROMIUM={missing} is not an executable file; set it to the path "
        "of Chromium or Chrome, or unset it to search the PATH\n"))
    done = _run({**env, "ICP_DOCS_CHROMIUM": chromium}, *args)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 1


@browser
@slow
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_the_pdf_gets_the_mode_a_plain_write_would(built_site: Path, tmp_path: Path,
                                                   umask: int, mode: int) -> None:
    out = tmp_path / "one.pdf"
    args = ("--pdf", str(out), "--segment", "outsourced-close-firms", "--site", str(built_site))
    done = _run(dict(os.environ), *args, umask=umask)
    assert done.returncode == 0, done.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(mode)
    out.chmod(0o640)  # replacing a PDF keeps the mode its owner gave it
    done = _run(dict(os.environ), *args, umask=umask)
    assert done.returncode == 0, done.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["one.pdf"]
    out.write_bytes(b"%PDF-1.7 printed elsewhere\n")  # not ours: only --force replaces it
    assert _run(dict(os.environ), *args, umask=umask).returncode == 1
    done = _run(dict(os.environ), *args, "--force", umask=umask)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) == 1


@slow
def test_without_playwright_the_error_says_how_to_get_it(built_site: Path,
                                                         tmp_path: Path) -> None:
    # An installation without the site extra: the import of playwright fails as it would.
    code = ("import sys; sys.modules['playwright'] = None; from icp_docs.cli import main; "
            f"sys.exit(main(['checklists', '--pdf', {str(tmp_path / 'x.pdf')!r}, "
            f"'--site', {str(built_site)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert (done.returncode, done.stderr) == (1, (
        "icp-docs: Playwright is not installed; install icp-docs with its site extra (in its "
        "clone: pip install -e '.[site]')\n"))


def _readme_first_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```sh\n(.*?)\n```", readme, re.M | re.S)[0]


@browser
@slow
def test_the_readme_set_up_prints_the_pack(tmp_path: Path, chromium: str) -> None:
    # The README's first command in a fresh copy of the checkout, with a build for the serve,
    # then the main job: everything it needs comes from that one install.
    command = _readme_first_command()
    assert command.startswith("python3 -m venv .venv && ") and command.endswith(" mkdocs serve")
    clone = tmp_path / "icp-docs"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "*.egg-info", "__pycache__", ".*_cache", "build"))
    env = {k: v for k, v in _without_chromium_variable().items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if not p.startswith(sys.prefix))  # not this test's venv
    script = (command.removesuffix(" mkdocs serve") + " mkdocs build -q"
              " && icp-docs checklists --pdf pack.pdf")
    done = subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == "pack.pdf"
    assert len(PdfReader(clone / "pack.pdf").pages) == 5


# ---- Pure parts: no browser, no build ---------------------------------------------------------


def test_density_is_the_loosest_that_fits(sample: Playbook) -> None:
    assert [sheet.density(s.spec.qualification.criteria) for s in sample.segments] == \
        ["roomy"] * 5
    roomy, compact, tight = sheet.SETTINGS
    assert sheet.density([_criterion(n) for n in _edge(roomy)]) == "roomy"
    assert sheet.density([_criterion(n) for n in [*_edge(roomy), 2 * roomy.chars_per_line]]) \
        == "compact"
    assert sheet.density([_criterion(n) for n in _edge(compact)]) == "compact"
    assert sheet.density([_criterion(n) for n in _model_worst()]) == "tight"
    assert sheet.fits([_criterion(n) for n in _model_worst()])
    # One line more than the caps allow no longer fits: the caps are as loose as they can be.
    worst = _model_worst()
    longer = [*worst[:-1], worst[-1] + tight.chars_per_line]
    assert sum(longer) > MAX_CHECKLIST_CHARS and not sheet.fits([_criterion(n) for n in longer])
    assert sheet.density([_criterion(150)] * 40) == "tight" and not sheet.fits(
        [_criterion(150)] * 40)


@pytest.mark.parametrize(("strong_at", "disqualify_below", "rule"), [
    (5, 3, "5 or more yes: strong lead; 3-4 yes: nurture; fewer than 3 yes: disqualify"),
    (5, 4, "5 or more yes: strong lead; 4 yes: nurture; fewer than 4 yes: disqualify"),
    (4, 1, "4 or more yes: strong lead; 1-3 yes: nurture; no yes at all: disqualify"),
    (2, 1, "2 or more yes: strong lead; 1 yes: nurture; no yes at all: disqualify"),
    (3, 0, "3 or more yes: strong lead; fewer than 3 yes: nurture"),
    (1, 0, "1 or more yes: strong lead; no yes at all: nurture"),
])
def test_scoring_rule_names_every_score(strong_at: int, disqualify_below: int,
                                        rule: str) -> None:
    assert sheet.scoring_rule(strong_at, disqualify_below) == rule
    # Each band is named once, by one of the three names.
    bands = sheet.scoring_bands(strong_at, disqualify_below)
    named = {name for _, name in bands}
    assert named <= set(sheet.BANDS) and "strong lead" in named and len(named) == len(bands)


def test_who_and_why_now_are_short(sample: Playbook) -> None:
    segment = sample.segment("multi-entity-close")
    assert segment is not None
    spec = segment.spec
    assert sheet.who(spec, "USD") == [
        "B2B software, Professional services, Light manufacturing and distribution",
        "200-1,500 employees, $30M\u2013$250M revenue",
        "United States, Canada, United Kingdom, Ireland"]
    # As on the segment page: strong first, then the most urgent window.
    assert sheet.why_now(spec) == [
        "A new CFO or Controller joined (last 60 days)",
        "A new legal entity or foreign subsidiary opened (last 90 days)",
        "An audit management letter flagged reconciliation or intercompany controls "
        "(last 120 days)"]
    weak = spec.model_copy(update={"triggers": spec.triggers[4:]})
    assert sheet.why_now(weak) == ["Annual budget planning season opens (weak, last 45 days)",
                                   'Job posting for a senior accountant mentioning '
                                   '"intercompany" (weak)']
    assert sheet.walk_away(spec) == [d.detail for d in spec.disqualifiers[:3]]
    bare = spec.model_copy(update={"disqualifiers": [], "triggers": []})
    assert sheet.why_now(bare) == []
    assert sheet.walk_away(bare)[0].startswith("Holding companies with dormant entities: ")


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_revision_stamps_come_from_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    folder = repo / "specs" / "segments"
    folder.mkdir(parents=True)
    kept, edited, new = (folder / f"{n}.yml" for n in ("kept", "edited", "new"))
    _git(repo, "init", "-q")
    kept.write_text("id: kept\n")
    edited.write_text("id: edited\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    first = _git(repo, "rev-parse", "--short", "HEAD")
    edited.write_text("id: edited\nlabel: x\n")
    _git(repo, "commit", "-q", "-am", "second")
    second = _git(repo, "rev-parse", "--short", "HEAD")
    edited.write_text("id: edited\nlabel: y\n")
    new.write_text("id: new\n")
    stamps = revision_stamps([kept, edited, new])
    assert stamps == {kept.resolve(): first, edited.resolve(): f"{second} (modified)",
                      new.resolve(): "not committed"}
    outside = tmp_path / "loose.yml"
    outside.write_text("id: loose\n")
    assert revision_stamps([outside]) == {outside.resolve(): "not in git"}


def test_assets_are_listed_once(tmp_path: Path) -> None:
    css: list[str] = ["extra.css"]
    js: list[object] = []
    for _ in range(2):  # serve rebuilds call on_config again
        print_assets.add_to_config(css, js)
    assert css == ["extra.css", "assets/icp/print.css"] and js == ["assets/icp/print.js"]
    assert set(print_assets.files_to_add({"assets/icp/print.css"})) == {"assets/icp/print.js"}
    assert all(src.is_file() for src in print_assets.files_to_add(set()).values())


def test_checklist_pages_are_found_whatever_the_prefix(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for page in ("guide/gtm/checklists/index.html", "guide/gtm/segments/a/checklist/index.html",
                 "guide/gtm/segments/b/checklist/index.html", "guide/gtm/segments/c/index.html"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<html></html>")
    pages = find_checklists(site)
    assert pages.prefix == "guide/gtm"
    assert pages.pack() == "guide/gtm/checklists/"
    assert pages.segment("b") == "guide/gtm/segments/b/checklist/"
    assert pages.segment("c") is None and pages.segment("../a") is None
    assert pages.segment_ids() == ["a", "b"]
    flat = tmp_path / "flat"  # use_directory_urls: false
    (flat / "playbook" / "segments" / "a").mkdir(parents=True)
    (flat / "playbook" / "checklists.html").write_text("<html></html>")
    (flat / "playbook" / "segments" / "a" / "checklist.html").write_text("<html></html>")
    pages = find_checklists(flat)
    assert (pages.pack(), pages.segment("a")) == ("playbook/checklists.html",
                                                  "playbook/segments/a/checklist.html")

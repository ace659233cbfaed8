"""The MkDocs plugin, through real ``mkdocs build`` runs of the sample and of fixture projects."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import BROKEN_LINK_PERSONA, ROOT, copy_tree, mkdocs_build

from icp_docs.spec.load import load_playbook

PROJECT = Path(__file__).resolve().parent / "fixtures" / "projects" / "project"
SAMPLE_SEGMENTS = sorted(p.stem for p in (ROOT / "specs" / "segments").glob("*.yml"))

pytestmark = pytest.mark.slow


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plugin") / "project"
    copy_tree(PROJECT, root)
    return root


@pytest.fixture(scope="module")
def fixture_site(project: Path) -> Path:
    """The fixture project built with --strict; checks that its docs/ and specs/ are
    untouched by the build."""
    before = _snapshot(project / "docs"), _snapshot(project / "specs")
    site = project.parent / "site"
    done = mkdocs_build(project / "mkdocs.yml", site, "--strict")
    assert done.returncode == 0, done.stderr
    assert (_snapshot(project / "docs"), _snapshot(project / "specs")) == before
    return site


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    return root


def test_sample_site_has_every_page(built_site: Path) -> None:
    pages = ["index.html", "playbook/index.html", "playbook/segments/index.html",
             "playbook/checklists/index.html", "playbook/anti-icp/index.html",
             "playbook/journey/index.html", "playbook/changelog/index.html",
             "playbook/fit/index.html"]
    for segment in SAMPLE_SEGMENTS:
        pages += [f"playbook/segments/{segment}/index.html",
                  f"playbook/segments/{segment}/checklist/index.html"]
    missing = [p for p in pages if not (built_site / p).is_file()]
    assert not missing
    personas = list((built_site / "playbook" / "segments").glob("*/personas/*/index.html"))
    assert len(personas) >= len(SAMPLE_SEGMENTS) * 3
    for name in ("writing-specs", "site", "templates"):
        assert (built_site / name / "index.html").is_file(), name


def test_sample_fit_report_shows_the_sample_evidence(built_site: Path) -> None:
    # mkdocs.yml names data/evidence.json: the report has its charts out of the box.
    fit = (built_site / "playbook" / "fit" / "index.html").read_text()
    assert fit.count("<div class=\"icp-chart\"><svg") == 4 and "Customers your ICP misses" in fit
    segment = (built_site / "playbook" / "segments" / "multi-entity-close" / "index.html")
    assert "The data backs this validated segment" in segment.read_text()


def test_sample_noindex_on_playbook_pages_only(built_site: Path) -> None:
    robots = '<meta name="robots" content="noindex, nofollow">'
    assert robots in (built_site / "playbook/journey/index.html").read_text()
    checklist = built_site / "playbook/segments/multi-entity-close/checklist/index.html"
    assert robots in checklist.read_text()
    assert robots not in (built_site / "index.html").read_text()


def test_sample_nav_is_bounded(built_site: Path) -> None:
    """Deep pages are not in the nav: a page that does not link them has no link to them."""
    html = (built_site / "playbook/anti-icp/index.html").read_text()
    assert "/personas/" not in html
    assert "checklist/" not in html
    nav = (built_site / "playbook/journey/index.html").read_text()
    assert nav.count('class="md-nav__link') < 60


def test_sample_checklists_have_real_checkboxes(built_site: Path) -> None:
    html = (built_site / "playbook/segments/multi-entity-close/checklist/index.html").read_text()
    boxes = re.findall(r'<li class="task-list-item">\s*<label class="task-list-control">'
                       r'<input type="checkbox"[^>]*>', html)
    assert len(boxes) == 8
    assert "disabled" not in html.split('class="task-list"')[1].split("</ul>")[0]
    assert "5 or more yes: strong lead; 3-4 yes: nurture; fewer than 3 yes: disqualify." in html


@pytest.mark.parametrize("page", ["playbook/segments/multi-entity-close/checklist/index.html",
                                  "playbook/checklists/index.html"])
def test_sample_checklist_boxes_are_labelled_by_their_questions(built_site: Path,
                                                                page: str) -> None:
    """A screen reader names each checkbox by its question, not "checkbox, not checked"."""
    html = (built_site / page).read_text()
    boxes = re.findall(r'<input type="checkbox"([^>]*)>', html.split("</header>", 1)[1])
    named = [re.search(r'aria-labelledby="([^"]+)"', attrs) for attrs in boxes]
    assert boxes and all(named), boxes[:2]
    ids = [m.group(1) for m in named if m]
    assert len(set(ids)) == len(ids)  # one question each, even with every segment on a page
    for target in ids:
        question = re.findall(rf'<span class="icp-question" id="{re.escape(target)}">', html)
        assert len(question) == 1, target
    assert len(re.findall(r'\bid="([^"]+)"', html)) == \
        len(set(re.findall(r'\bid="([^"]+)"', html)))


def test_sample_search_leaves_out_the_print_pack_only(built_site: Path) -> None:
    # The pack repeats every checklist: each question would be found twice.
    index = json.loads((built_site / "search/search_index.json").read_text())
    places = [doc["location"] for doc in index["docs"]]
    assert not [p for p in places if p.startswith("playbook/checklists/")]
    assert any(p.startswith("playbook/segments/multi-entity-close/checklist/") for p in places)
    assert any(p.startswith("playbook/journey/") for p in places)


def test_fixture_strict_build(fixture_site: Path) -> None:
    page = fixture_site / "playbook/segments/multi-country-payroll/personas/cfo/index.html"
    html = page.read_text()
    assert 'href="https://git.example.com/acme/gtm/edit/main/specs/segments/' \
           'multi-country-payroll.yml"' in html
    assert "<title>Chief Financial Officer - Fixture playbook</title>" in html
    hypothesis = (fixture_site / "playbook/segments/staffing-agencies/index.html").read_text()
    assert "Hypothesis (ECP): an assumption to validate, not a fact" in hypothesis


def test_explicit_nav_gets_the_playbook_section(fixture_site: Path) -> None:
    html = (fixture_site / "index.html").read_text()
    for target in ("playbook/", "playbook/segments/", "playbook/checklists/",
                   "playbook/anti-icp/", "playbook/journey/", "playbook/changelog/"):
        assert f'href="{target}"' in html, target
    assert 'href="playbook/segments/staffing-agencies/"' not in html


def _heading_levels(html: str) -> list[int]:
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    return [int(level) for level in re.findall(r"<h([1-6])\b", article)]


def test_notes_headings_do_not_skip_levels(tmp_path: Path) -> None:
    """Notes sit under the page's "Notes" (h2): however deep the author's first heading is,
    it becomes the next level down, and the ones below it follow without a gap."""
    root = _copy(tmp_path)
    seg = root / "specs/segments/multi-country-payroll.yml"
    seg.write_text(seg.read_text().replace(
        "notes: |\n",
        "notes: |\n  ## Background\n\n  Why we care.\n\n  ### In Spain\n\n  Twice in March.\n\n"
        "  #### Detail\n\n  The fix.\n\n  ## Next\n\n"))
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site/playbook/segments/multi-country-payroll/index.html").read_text()
    assert re.search(r"<h3[^>]*>Background</h3>.*<h4[^>]*>In Spain</h4>.*"
                     r"<h5[^>]*>Detail</h5>.*<h3[^>]*>Next</h3>", html, re.S)
    levels = _heading_levels(html)
    assert levels[0] == 1
    skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
    assert not skips, levels


class _Tables(HTMLParser):
    """The first cell of each body row, as (tag, scope), per table, of a page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[tuple[str, str | None]]] = []
        self.depth = self.row = 0  # inside <article>; cells seen in the current row
        self.body = False  # inside a <tbody>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "article"
        if not self.depth:
            return
        if tag == "tbody":
            self.tables.append([])
            self.body = True
        elif tag == "tr":
            self.row = 0
        elif tag in ("td", "th") and self.body:
            if self.row == 0:
                self.tables[-1].append((tag, dict(attrs).get("scope")))
            self.row += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "article"
        self.body = self.body and tag != "tbody"


def _first_cells(page: Path) -> list[list[tuple[str, str | None]]]:
    parser = _Tables()
    parser.feed(page.read_text())
    return parser.tables


def test_journey_tables_have_row_headers_and_the_user_s_tables_do_not(tmp_path: Path) -> None:
    """A screen reader moving along a journey row hears its stage: the stage cells are
    <th scope="row">. A table of the docs folder, bold first column or not, stays as written."""
    root = _copy(tmp_path)
    (root / "docs/stages.md").write_text(
        "# Stages\n\n| Stage | Note |\n|---|---|\n| **One** | a |\n| **Two** | b |\n")
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site", "--strict")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    journey = _first_cells(site / "playbook/journey/index.html")
    # The matrix (every stage) and one table per segment with a journey.
    assert len(journey) == 3 and len(journey[0]) == 3, journey  # three stages
    assert all(cell == ("th", "row") for table in journey for cell in table), journey
    segment = _first_cells(site / "playbook/segments/multi-country-payroll/index.html")
    assert segment[-1] == [("th", "row")] * 3, segment  # its journey: three steps
    assert ("th", "row") not in [c for t in segment[:-1] for c in t]  # its other tables
    assert _first_cells(site / "stages/index.html") == [[("td", None), ("td", None)]]
    html = (site / "playbook/journey/index.html").read_text()
    assert '<th scope="row"><strong>' in html  # the stage keeps its bold


def test_strict_fails_on_a_lint_warning(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    seg = root / "specs/segments/staffing-agencies.yml"
    seg.write_text(seg.read_text().replace(
        "  - event: A new client in another country\n    strength: strong\n",
        "  - event: A new client in another country\n    strength: weak\n"))
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "s1", "--strict")
    assert done.returncode == 1
    assert re.search(r"WARNING\s+-\s+specs/segments/staffing-agencies\.yml:\d+:\d+: "
                     r"warning\[W105\]: triggers", done.stderr), done.stderr
    assert "Traceback" not in done.stderr
    relaxed = mkdocs_build(root / "mkdocs.yml", tmp_path / "s2")
    assert relaxed.returncode == 0, relaxed.stderr
    assert re.search(r"INFO\s+-\s+specs/segments/staffing-agencies\.yml:\d+:\d+: "
                     r"warning\[W105\]", relaxed.stderr)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - icp\n", "  - icp:\n      strict: true\n"))
    assert mkdocs_build(config, tmp_path / "s3").returncode == 1
    config.write_text(config.read_text().replace(
        "      strict: true\n", "      strict: true\n      lint_disable: [weak-triggers-only]\n"))
    done = mkdocs_build(config, tmp_path / "s4")
    assert done.returncode == 0, done.stderr


def test_spec_error_fails_even_without_strict(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    seg = root / "specs/segments/staffing-agencies.yml"
    seg.write_text(seg.read_text().replace("tier: 2", "tier: 7"))
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 1
    assert "specs/segments/staffing-agencies.yml:4:7: error[E010]: tier:" in done.stderr
    assert "icp: the specs have 1 error, 0 warnings (listed above)" in done.stderr
    assert done.stderr.count("error[E010]") == 1  # each problem said once
    assert "Traceback" not in done.stderr
    (root / "specs/playbook.yml").unlink()
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 1
    assert "error[E008]" in done.stderr and "Traceback" not in done.stderr


def test_options_prefix_overrides_and_automatic_nav(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    config = root / "mkdocs.yml"
    text = config.read_text().replace("nav:\n  - Home: index.md\n", "")
    config.write_text(text.replace("  - icp\n", "  - icp:\n      prefix: gtm/icp\n"))
    (root / "docs/index.md").write_text("# Fixture\n\n[Playbook](gtm/icp/index.md)\n")
    (root / "docs/gtm/icp").mkdir(parents=True)  # the team's own page in the playbook's folder
    (root / "docs/gtm/icp/notes.md").write_text("# Team notes\n")
    overrides = root / "overrides/icp"
    overrides.mkdir(parents=True)
    (overrides / "persona.md.jinja").write_text(
        '{% extends "_base/persona.md.jinja" %}\n{% block header %}\n'
        "# {{ persona.title | inline }}\n\nOur own persona header.\n{% endblock %}\n")
    done = mkdocs_build(config, tmp_path / "site", "--strict")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    persona = site / "gtm/icp/segments/multi-country-payroll/personas/cfo/index.html"
    assert "Our own persona header." in persona.read_text()
    assert "Role in the buying committee" in persona.read_text()
    home = (site / "index.html").read_text()
    assert 'href="gtm/icp/journey/"' in home  # the automatic nav lists the bounded pages
    assert "personas/cfo/" not in home
    # ... in the order the guide gives, after the docs' own pages, not by file name.
    links = re.findall(r'href="(gtm/icp/[\w/-]*)" class="md-nav__link', home)
    assert list(dict.fromkeys(links)) == [
        "gtm/icp/", "gtm/icp/segments/", "gtm/icp/checklists/", "gtm/icp/anti-icp/",
        "gtm/icp/journey/", "gtm/icp/changelog/", "gtm/icp/fit/",
        "gtm/icp/notes/"]  # one section, ours first
    labels = {re.sub(r"<[^>]+>|\s+", "", m) for m in
              re.findall(r'href="gtm/icp/" class="md-nav__link[^>]*>(.*?)</a>', home, re.S)}
    # The section itself (navigation.indexes) or "Overview"; never the product's name.
    assert labels and labels <= {"Playbook", "Overview"}, labels
    assert sorted(p.name for p in (root / "docs/gtm").rglob("*")) == ["icp", "notes.md"]


def test_broken_override_fails_cleanly(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    overrides = root / "overrides/icp"
    overrides.mkdir(parents=True)
    (overrides / "journey.md.jinja").write_text('{% extends "_base/journey.md.jinja" %}\n'
                                                "{% block intro %}{% for %}{% endblock %}\n")
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 1
    assert "journey.md.jinja:2:1: error[E019]: template syntax error" in done.stderr
    assert "Traceback" not in done.stderr


def _sample(tmp_path: Path, name: str, plugin_options: str = "") -> Path:
    """A copy of the repository's own project (sample playbook and user guide)."""
    root = tmp_path / name
    root.mkdir()
    for part in ("docs", "specs", "overrides", "data"):  # data: the evidence mkdocs.yml names
        copy_tree(ROOT / part, root / part)
    config = (ROOT / "mkdocs.yml").read_text()
    anchor = "      templates: overrides/icp/\n"
    assert anchor in config
    (root / "mkdocs.yml").write_text(config.replace(anchor, anchor + plugin_options))
    return root


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text()
            for p in (site / "playbook").rglob("*.html")}


HELPED = re.compile(r"icp: (\d+) generated pages converted, (\d+) taken as converted before")


def test_a_build_with_the_helper_process_equals_a_build_without(tmp_path: Path) -> None:
    # A forked helper converts pages from the last one back while the build works forward:
    # the site must be the same, page for page, as one the build converts alone.
    helped = _sample(tmp_path, "helped")
    alone = _sample(tmp_path, "alone", "      parallel: false\n")
    done = mkdocs_build(helped / "mkdocs.yml", tmp_path / "s1", "--strict", "-v")
    assert done.returncode == 0, done.stderr
    found = HELPED.search(done.stderr)
    assert found and int(found[2]) > 5, done.stderr[-3000:]  # the helper did convert pages
    done = mkdocs_build(alone / "mkdocs.yml", tmp_path / "s2", "--strict", "-v")
    assert done.returncode == 0, done.stderr
    found = HELPED.search(done.stderr)
    assert found and int(found[2]) == 0
    one, two = _pages(tmp_path / "s1"), _pages(tmp_path / "s2")
    assert len(one) > 30 and one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []


def test_pages_another_plugin_changed_are_converted_as_changed(tmp_path: Path) -> None:
    # The helper converts the Markdown the plugin generated; a hook that edits every page's
    # Markdown must still see its edit on every page.
    root = _sample(tmp_path, "hooked")
    (root / "hooks.py").write_text(
        "def on_page_markdown(markdown, page, config, files):\n"
        "    return markdown + '\\n\\nAdded by a hook.\\n'\n")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - hooks.py\n")
    done = mkdocs_build(config, tmp_path / "site", "-v")
    assert done.returncode == 0, done.stderr
    pages = _pages(tmp_path / "site")
    assert len(pages) > 30
    assert [p for p, html in pages.items() if "Added by a hook." not in html] == []


def test_warnings_of_pages_the_helper_converted_are_told_once(tmp_path: Path) -> None:
    root = _sample(tmp_path, "warned")
    (root / "overrides" / "icp" / "persona.md.jinja").write_text(BROKEN_LINK_PERSONA)
    done = mkdocs_build(root / "mkdocs.yml", tmp_path / "site", "--strict")
    assert done.returncode == 1
    warned = [line.split("'")[1] for line in done.stderr.splitlines() if "missing.md" in line]
    book = load_playbook(root / "specs").playbook
    assert book is not None
    expected = sum(len(segment.spec.personas) for segment in book.segments)
    assert len(warned) == len(set(warned)) == expected, done.stderr
    assert "Traceback" not in done.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("options", "site_dir", "holds"), [
    ("", "specs", "specs folder"),
    ("", "overrides", "templates folder"),
    ("", "overrides/icp", "templates folder"),
    # An ancestor of the specs that does not hold docs/ (MkDocs checks that one itself).
    ("\n      specs_dir: gtm/specs", "gtm", "specs folder"),
])
def test_a_site_dir_over_the_user_s_folders_is_refused_before_anything_is_deleted(
        tmp_path: Path, options: str, site_dir: str, holds: str) -> None:
    root = _copy(tmp_path)
    (root / "overrides" / "icp").mkdir(parents=True, exist_ok=True)
    (root / "overrides" / "icp" / "README.md").write_text("Our notes on the templates.\n")
    if "gtm/specs" in options:
        (root / "gtm").mkdir()
        (root / "specs").rename(root / "gtm" / "specs")
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert "  - icp\n" in text
    config.write_text(text.replace("  - icp\n", f"  - icp:{options or ' {}'}\n", 1))
    before = _tree(root)
    done = mkdocs_build(config, root / site_dir)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"site_dir {root / site_dir} holds the {holds}" in done.stderr, done.stderr
    assert _tree(root) == before


@pytest.mark.parametrize("prefix", ["../out", "a/../../b", "."])
def test_a_prefix_leaving_the_docs_folder_is_a_config_error(tmp_path: Path,
                                                            prefix: str) -> None:
    root = _copy(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - icp\n",
                                                 f"  - icp:\n      prefix: '{prefix}'\n", 1))
    done = mkdocs_build(config, tmp_path / "site")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Config value 'plugins': Plugin 'icp' option 'prefix': prefix" in done.stderr
    assert "must stay inside the docs folder" in done.stderr


def test_a_templates_folder_that_does_not_exist_is_warned_of(tmp_path: Path) -> None:
    # A misspelt folder left every override unused without a word.
    root = _copy(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - icp\n", "  - icp:\n      templates: overides/icp/\n", 1))
    done = mkdocs_build(config, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "WARNING -  icp: templates folder overides/icp/ does not exist" in done.stderr
    assert mkdocs_build(config, tmp_path / "strict", "--strict").returncode == 1
    config.write_text(config.read_text().replace("overides/icp/", "overrides/icp/"))
    assert "templates folder" not in mkdocs_build(config, tmp_path / "site").stderr

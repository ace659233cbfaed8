"""The semantic diff: one row per change kind, output snapshots, and the command's contract."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import copy_tree

from icp_docs.cli import main
from icp_docs.history import compare, render
from icp_docs.history.changes import Impact
from icp_docs.history.diff import diff_playbooks
from icp_docs.history.text import code, show
from icp_docs.spec.load import Playbook, load_playbook

HISTORY = Path(__file__).resolve().parent / "fixtures" / "history"
SNAPSHOTS = HISTORY / "snapshots"
BASE = HISTORY / "v1" / "specs"
SEG = "multi-entity-close"

State = dict[str, Any]  # {"book": playbook data, "segments": {file stem: segment data}}


def _base() -> State:
    segments = {p.stem: yaml.safe_load(p.read_text()) for p in (BASE / "segments").glob("*.yml")}
    return {"book": yaml.safe_load((BASE / "playbook.yml").read_text()), "segments": segments}


def _write(state: State, folder: Path) -> Playbook:
    (folder / "segments").mkdir(parents=True)
    (folder / "playbook.yml").write_text(yaml.safe_dump(state["book"], sort_keys=False))
    for stem, data in state["segments"].items():
        (folder / "segments" / f"{stem}.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    result = load_playbook(folder)
    assert result.ok and result.playbook is not None, result.diagnostics
    return result.playbook


def seg(state: State) -> dict[str, Any]:
    return state["segments"][SEG]  # type: ignore[no-any-return]


def criterion(state: State, ident: str) -> dict[str, Any]:
    return next(c for c in seg(state)["qualification"]["criteria"] if c["id"] == ident)


def _rename(state: State) -> None:
    data = state["segments"].pop("agency-close")
    data["id"] = "outsourced-close-firms"
    state["segments"]["outsourced-close-firms"] = data


def _add_segment(state: State) -> None:
    data = copy.deepcopy(state["segments"]["usage-billing"])
    data.update(id="billing-ops", label="Billing operations teams moving to invoice automation")
    data["personas"] = [{"id": "billing-lead", "title": "Billing lead", "role": "champion"}]
    data["qualification"] = {"strong_at": 1, "disqualify_below": 0, "criteria": [
        {"id": "invoices", "question": "Over 5,000 invoices?", "dimension": "firmographics"}]}
    state["segments"]["billing-ops"] = data


def _validate(state: State) -> None:
    seg(state)["status"] = "validated"
    seg(state)["evidence"] = [{"kind": "closed_won", "summary": "23 accounts", "count": 23}]


def _reorder(state: State) -> None:
    seg(state)["personas"].reverse()
    seg(state)["qualification"]["criteria"].reverse()
    seg(state)["firmographics"]["industries"].reverse()


Mutate = Callable[[State], None]
# id, the edit that makes the new spec from the old one, the expected changes as
# (kind, impact, segment, path, old, new), and a word the first change's line must hold.
CASES: list[tuple[str, Mutate, list[tuple[Any, ...]], str | None]] = [
    ("segment-added", _add_segment,
     [("segment-added", "targeting", "billing-ops", "", None,
       "Billing operations teams moving to invoice automation")], "id:"),
    ("segment-removed", lambda s: s["segments"].pop("usage-billing"),
     [("segment-removed", "breaking", "usage-billing", "", "Usage-priced software companies "
       "reconciling metered billing to revenue", None)], "id: usage-billing"),
    ("segment-renamed", _rename,
     [("segment-renamed", "wording", "outsourced-close-firms", "id", "agency-close",
       "outsourced-close-firms")], "id: outsourced-close-firms"),
    ("tier", lambda s: seg(s).update(tier=1),
     [("value-changed", "breaking", SEG, "tier", 2, 1)], "tier:"),
    ("priority", lambda s: seg(s).update(priority="secondary"),
     [("value-changed", "breaking", SEG, "priority", "core", "secondary")], "priority:"),
    ("employees-range", lambda s: seg(s)["firmographics"]["employees"].update(max=5000),
     [("value-changed", "targeting", SEG, "firmographics.employees",
       {"min": 250, "max": 2000}, {"min": 250, "max": 5000})], "employees"),
    ("label-reworded", lambda s: seg(s).update(label="Multi-entity finance teams closing "
                                                    "the books across their subsidiaries"),
     [("value-changed", "wording", SEG, "label", "Multi-entity finance teams closing the "
       "books across subsidiaries", "Multi-entity finance teams closing the books across "
       "their subsidiaries")], "label:"),
    ("status", _validate,
     [("status-changed", "targeting", SEG, "status", "hypothesis", "validated"),
      ("item-added", "targeting", SEG, "evidence[closed_won]", None,
       {"kind": "closed_won", "summary": "23 accounts", "count": 23})], "status:"),
    ("knockout", lambda s: criterion(s, "three-plus-entities").update(knockout=False),
     [("knockout-changed", "breaking", SEG,
       "qualification.criteria[three-plus-entities].knockout", True, False)], "knockout"),
    ("criterion-added", lambda s: seg(s)["qualification"]["criteria"].append(
        {"id": "supported-erp", "question": "NetSuite or Intacct?",
         "dimension": "technographics"}),
     [("item-added", "breaking", SEG, "qualification.criteria[supported-erp]", None,
       {"id": "supported-erp", "question": "NetSuite or Intacct?",
        "dimension": "technographics"})], "supported-erp"),
    ("criterion-removed", lambda s: seg(s)["qualification"]["criteria"].pop(),
     [("item-removed", "breaking", SEG, "qualification.criteria[timeline]",
       {"id": "timeline", "question": "Do they want a shorter close before year-end?",
        "dimension": "jobs_to_be_done"}, None)], "timeline"),
    ("criterion-question", lambda s: criterion(s, "timeline").update(
        question="Do they want the close shorter this year?"),
     [("value-changed", "breaking", SEG, "qualification.criteria[timeline].question",
       "Do they want a shorter close before year-end?",
       "Do they want the close shorter this year?")], "question:"),
    ("segment-threshold", lambda s: seg(s)["qualification"].update(strong_at=5),
     [("threshold-changed", "breaking", SEG, "qualification.strong_at", 4, 5)], "strong_at"),
    ("default-threshold", lambda s: s["book"]["qualification"].update(strong_at=3),
     [("threshold-changed", "breaking", None, "qualification.strong_at", 4, 3)], "strong_at"),
    ("persona-added", lambda s: seg(s)["personas"].append(
        {"id": "finance-systems-manager", "title": "Finance Systems Manager",
         "role": "technical_buyer"}),
     [("item-added", "messaging", SEG, "personas[finance-systems-manager]", None,
       {"id": "finance-systems-manager", "title": "Finance Systems Manager",
        "role": "technical_buyer"})], "finance-systems-manager"),
    ("persona-removed", lambda s: seg(s)["personas"].pop(0),
     [("item-removed", "messaging", SEG, "personas[controller]",
       {"id": "controller", "title": "Corporate Controller", "role": "champion",
        "quotes": ["Our fourth entity is where the spreadsheet became a liability."]},
       None)], "controller"),
    ("persona-title", lambda s: seg(s)["personas"][1].update(title="CFO"),
     [("value-changed", "messaging", SEG, "personas[cfo].title", "Chief Financial Officer",
       "CFO")], "title:"),
    # A persona's buying role changes who is pursued in the account (the economic buyer, or a
    # blocker to get past), not only what is said to them.
    ("persona-role", lambda s: seg(s)["personas"][1].update(role="blocker"),
     [("value-changed", "targeting", SEG, "personas[cfo].role", "economic_buyer", "blocker")],
     "role:"),
    ("quote-reworded", lambda s: seg(s)["personas"][0].update(quotes=["Entity four broke it."]),
     [("entries-changed", "wording", SEG, "personas[controller].quotes",
       ["Our fourth entity is where the spreadsheet became a liability."],
       ["Entity four broke it."])], "Entity four"),
    ("trigger-added", lambda s: seg(s)["triggers"].append(
        {"event": "A new CFO joined", "strength": "strong"}),
     [("item-added", "targeting", SEG, "triggers[A new CFO joined]", None,
       {"event": "A new CFO joined", "strength": "strong"})], "A new CFO joined"),
    ("trigger-window", lambda s: seg(s)["triggers"][0].update(window_days=60),
     [("value-changed", "targeting", SEG,
       "triggers[A new legal entity or foreign subsidiary opened].window_days", 90, 60)],
     "window_days"),
    ("anti-icp-added", lambda s: seg(s)["anti_icp"].append(
        {"name": "BlackLine subsidiaries", "looks_like": "A long close.",
         "why_not": "The parent mandates its tool.", "signals": ["A group IT mandate"]}),
     [("item-added", "targeting", SEG, "anti_icp[BlackLine subsidiaries]", None,
       {"name": "BlackLine subsidiaries", "looks_like": "A long close.",
        "why_not": "The parent mandates its tool.", "signals": ["A group IT mandate"]})],
     "BlackLine"),
    ("anti-icp-reworded", lambda s: seg(s)["anti_icp"][0].update(looks_like="Ten entities."),
     [("value-changed", "wording", SEG,
       "anti_icp[Holding companies with dormant entities].looks_like",
       "Ten or more legal entities on paper.", "Ten entities.")], "looks_like"),
    ("disqualifier-detail", lambda s: seg(s)["disqualifiers"][0].update(detail="Five days."),
     [("value-changed", "targeting", SEG, "disqualifiers[no_pain].detail",
       "The close already takes five business days or fewer.", "Five days.")], "detail:"),
    ("industry-added", lambda s: seg(s)["firmographics"]["industries"].append("Healthcare"),
     [("entries-changed", "targeting", SEG, "firmographics.industries",
       ["B2B software", "Professional services"],
       ["B2B software", "Professional services", "Healthcare"])], "Healthcare"),
    ("budget-limit", lambda s: seg(s)["budget"][0].update(limit=150000),
     [("value-changed", "targeting", SEG, "budget[Chief Financial Officer].limit",
       100000, 150000)], "limit:"),
    ("technographics-set", lambda s: seg(s).update(technographics={"uses": ["NetSuite"]}),
     [("entries-changed", "targeting", SEG, "technographics.uses", [], ["NetSuite"])],
     "NetSuite"),
    ("journey-step-added", lambda s: seg(s)["journey"].update(decision="We signed."),
     [("item-added", "messaging", SEG, "journey[decision]", None, {"quote": "We signed."})],
     "decision:"),
    ("journey-quote", lambda s: seg(s)["journey"].update({"problem-exists": "Five now."}),
     [("value-changed", "messaging", SEG, "journey[problem-exists].quote",
       "We closed in eight days with two entities; now we have five.", "Five now.")],
     "problem-exists"),
    ("notes-added", lambda s: seg(s).update(notes="Ask for transaction volume."),
     [("value-changed", "wording", SEG, "notes", None, "Ask for transaction volume.")],
     "notes:"),
    ("playbook-owner", lambda s: s["book"].update(owner="Dana Ortiz"),
     [("value-changed", "wording", None, "owner", "Priya Raman, Head of Revenue Operations",
       "Dana Ortiz")], "owner:"),
    ("global-anti-icp", lambda s: s["book"]["anti_icp"].pop(),
     [("item-removed", "targeting", None, "anti_icp[Owner-run small businesses]",
       {"name": "Owner-run small businesses",
        "looks_like": "They reconcile bank accounts every month.",
        "why_not": "One entity and no Controller; the close fits in an afternoon.",
        "signals": ["Books kept in QuickBooks Online"]}, None)], "Owner-run"),
    ("stage-added", lambda s: s["book"]["journey_stages"].append(
        {"id": "relief", "name": "Relief", "example": "Home by six."}),
     [("item-added", "messaging", None, "journey_stages[relief]", None,
       {"id": "relief", "name": "Relief", "example": "Home by six."})], "relief"),
    ("summary", lambda s: s["book"]["summary"].update(buying_committee=False),
     [("value-changed", "messaging", None, "summary.buying_committee", True, False)],
     "buying_committee"),
    ("reordered-only", _reorder, [], None),
]


@pytest.mark.parametrize(("mutate", "expected", "on_line"),
                         [pytest.param(m, e, w, id=i) for i, m, e, w in CASES])
def test_change_kinds(tmp_path: Path, mutate: Mutate, expected: list[tuple[Any, ...]],
                      on_line: str | None) -> None:
    old_state = _base()
    new_state = copy.deepcopy(old_state)
    mutate(new_state)
    old, new = _write(old_state, tmp_path / "old"), _write(new_state, tmp_path / "new")
    changes = diff_playbooks(old, new)
    found = [(c.kind, c.impact.label, c.segment, c.path, c.old, c.new) for c in changes]
    assert found == expected
    for change in changes:
        # The place to look: the new file, or the old one for what was removed.
        assert ("/old/" in change.file) == change.kind.endswith("removed"), change.file
    if changes:
        first = changes[0]
        line = Path(first.file).read_text().splitlines()[first.line - 1]
        assert on_line is not None and on_line in line, (first.line, line)


def test_default_threshold_names_the_segments_that_use_it(tmp_path: Path) -> None:
    state = _base()
    seg(state)["qualification"]["strong_at"] = 4  # its own value: the default is not its
    new_state = copy.deepcopy(state)
    new_state["book"]["qualification"]["strong_at"] = 3
    changes = diff_playbooks(_write(state, tmp_path / "a"), _write(new_state, tmp_path / "b"))
    (change,) = changes
    assert change.as_dict()["applies_to"] == ["agency-close", "usage-billing"]
    assert change.describe() == "default: strong lead at 4 -> 3 yes answers (used by 2 segments)"


@pytest.mark.parametrize("spacing", ["  ", "\u2028", "\n"])
def test_a_change_of_spacing_alone_says_so(tmp_path: Path, spacing: str) -> None:
    # Shown as a seller reads it, spacing collapses: "'a b' -> 'a b'" would look like nothing.
    state = _base()
    new_state = copy.deepcopy(state)
    label = seg(state)["label"]
    seg(new_state)["label"] = label.replace(" ", spacing, 1)
    (change,) = diff_playbooks(_write(state, tmp_path / "a"), _write(new_state, tmp_path / "b"))
    assert change.describe() == "label: only the spacing changed"
    assert change.explain("markdown").endswith(
        "label: only the spacing changed — *wording only: nothing changes in how you sell*")


def test_explanations_in_each_style() -> None:
    old = load_playbook(HISTORY / "v1" / "specs").playbook
    new = load_playbook(HISTORY / "v2" / "specs").playbook
    assert old is not None and new is not None
    tier = next(c for c in diff_playbooks(old, new) if c.path == "tier")
    assert tier.describe() == "tier: 2 -> 1"
    assert tier.explain("markdown") == ("🔴 **breaking** tier: `2` → `1` — *now a "
                                        "higher-priority segment: spend more time here*")
    assert tier.explain("text").endswith(":4: [breaking] multi-entity-close: tier: 2 -> 1 — "
                                         "now a higher-priority segment: spend more time here")
    assert tier.explain("github").startswith("::warning file=")
    assert ",line=4,col=1,title=ICP breaking change in multi-entity-close::tier" in \
        tier.explain("github")


def test_an_annotation_for_a_removal_goes_on_the_new_file() -> None:
    # GitHub puts an annotation on a line of the pull request's version of the file: the
    # removed criterion's old line (61) would land on whatever line 61 is now.
    old_dir, new_dir = HISTORY / "v1" / "specs", HISTORY / "v3" / "specs"
    old, new = load_playbook(old_dir).playbook, load_playbook(new_dir).playbook
    assert old is not None and new is not None
    removed = next(c for c in diff_playbooks(old, new) if c.path == "qualification.criteria"
                   "[timeline]")
    file = "segments/multi-entity-close.yml"
    assert removed.file.endswith(f"v1/specs/{file}")  # the text says where it was
    assert "- id: timeline" in (old_dir / file).read_text().splitlines()[removed.line - 1]
    annotation = removed.explain("github")
    assert f"v3/specs/{file},line=" in annotation
    line = int(annotation.split(",line=")[1].split(",")[0])
    assert (new_dir / file).read_text().splitlines()[line - 1].strip() == "criteria:"


@pytest.mark.parametrize(("value", "shown"), [
    ({"min": 200, "max": 2000}, "200-2,000"), ({"min": 200}, "200+"), ({"max": 50}, "up to 50"),
    ({"min": 1.5e7, "max": 2.5e8, "currency": "USD"}, "USD 15,000,000-250,000,000"),
    (True, "yes"), (None, "none"), (["a", "b"], "a, b"), (2.5, "2.5"),
    # Whole numbers exactly as written: no float rounds them, nor overflows on them.
    (10**25, "10,000,000,000,000,000,000,000,000"), (1e30, "1,000" + ",000" * 9),
    ({"min": 1, "max": 10**400}, "1-10" + ",000" * 133),
    ({"max": 2**63}, "up to 9,223,372,036,854,775,808"),
])
def test_values_are_shown_as_sellers_read_them(value: Any, shown: str) -> None:
    assert show(value) == shown


def test_markdown_values_cannot_inject() -> None:
    assert code("<script>alert(1)</script>") == "`<script>alert(1)</script>`"
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"


def test_a_name_on_several_lines_stays_in_its_code_span(tmp_path: Path) -> None:
    # A list entry is named by its text (an anti-ICP cousin's name), which YAML lets run
    # over several lines: a line of its own in the report would be raw HTML to Markdown.
    minimal = Path(__file__).resolve().parent / "fixtures" / "engine" / "minimal"
    copy_tree(minimal, tmp_path / "old")
    copy_tree(minimal, tmp_path / "new")
    book = tmp_path / "new" / "playbook.yml"
    data = yaml.safe_load(book.read_text())
    data["anti_icp"][0]["name"] = "Resellers ```\n<script>alert(1)</script>\n``` too"
    book.write_text(yaml.safe_dump(data))
    old, new = (load_playbook(tmp_path / side).playbook for side in ("old", "new"))
    assert old is not None and new is not None
    report = render(compare(old, new, "old", "new"), "markdown")
    assert "<script" not in markdown.markdown(report)
    assert code("a\nb\r\nc") == "`a b c`"


def test_impacts_are_ordered_and_parsed() -> None:
    assert Impact.BREAKING > Impact.TARGETING > Impact.MESSAGING > Impact.WORDING
    assert Impact.parse(" Breaking ") is Impact.BREAKING
    with pytest.raises(ValueError, match="choose from breaking, targeting, messaging, wording"):
        Impact.parse("major")


@pytest.mark.parametrize("style", ["markdown", "json", "text", "github"])
def test_output_snapshots(style: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    # Paths in the output are relative to the working directory (annotations: to the root
    # of the git repository, so the copy stays outside any).
    for version in ("v1", "v3"):
        copy_tree(HISTORY / version, tmp_path / version)
    monkeypatch.chdir(tmp_path)
    code_ = main(["diff", "v1/specs", "v3/specs", "--format", style])
    out = capsys.readouterr().out
    assert code_ == 0
    suffix = {"markdown": "md", "json": "json", "text": "txt", "github": "github.txt"}[style]
    snapshot = SNAPSHOTS / f"v1-v3.{suffix}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(out)
    assert out == snapshot.read_text(), f"run with UPDATE_GOLDEN=1 to accept: {snapshot}"


@pytest.fixture(scope="module")
def unreleased(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v3 with the unreleased edits over it: two changes, both breaking."""
    folder = tmp_path_factory.mktemp("unreleased") / "specs"
    copy_tree(HISTORY / "v3" / "specs", folder)
    copy_tree(HISTORY / "unreleased" / "specs", folder, dirs_exist_ok=True)
    return folder


@pytest.mark.parametrize(("args", "code_"), [
    ([], 0), (["--exit-code"], 1), (["--fail-on", "breaking"], 1),
    (["--fail-on", "messaging,wording"], 0), (["--fail-on", "wording", "--exit-code"], 1),
    (["--fail-on", "targeting", "--fail-on", "breaking"], 1),
])
def test_exit_codes(args: list[str], code_: int, unreleased: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    v3 = str(HISTORY / "v3" / "specs")
    assert main(["diff", v3, v3, *args]) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["diff", v3, str(unreleased), *args, "--format", "json"]) == code_
    impacts = {c["impact"] for c in json.loads(capsys.readouterr().out)["changes"]}
    assert impacts == {"breaking"}


def test_bad_usage_exits_2_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # not a git repository
    for args, message in (
        ([str(HISTORY / "v1/specs"), "--fail-on", "major"], "unknown impact 'major'"),
        (["HEAD~1"], "is not inside a git repository"),
    ):
        with pytest.raises(SystemExit) as exc:
            main(["diff", *args])
        assert exc.value.code == 2
        assert message in capsys.readouterr().err


def test_invalid_specs_are_diagnostics_not_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "playbook.yml").write_text("product: [unclosed\n")
    done = subprocess.run([sys.executable, "-m", "icp_docs", "diff", str(HISTORY / "v1/specs"),
                           "broken"], cwd=tmp_path, text=True, capture_output=True, check=False)
    assert done.returncode == 1
    assert "broken/playbook.yml:1:10: error[E001]" in done.stderr  # the unclosed "["
    assert "cannot diff: the specs at broken have 1 error" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_json_is_complete() -> None:
    old = load_playbook(HISTORY / "v1" / "specs").playbook
    new = load_playbook(HISTORY / "v3" / "specs").playbook
    assert old is not None and new is not None
    data = json.loads(json.dumps([c.as_dict() for c in diff_playbooks(old, new)]))
    kinds = {d["kind"] for d in data}
    assert kinds == {"value-changed", "status-changed", "knockout-changed", "threshold-changed",
                     "item-added", "item-removed", "entries-changed", "segment-added",
                     "segment-removed", "segment-renamed"}
    assert all({"kind", "impact", "segment", "path", "old", "new", "file", "line", "message"}
               <= set(d) for d in data)


def test_the_change_that_adds_the_specs_shows_every_segment_added(tmp_path: Path) -> None:
    from fixtures.history.repo import git

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("# Playbook\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start")
    copy_tree(HISTORY / "v1" / "specs", repo / "specs")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the specs")
    done = subprocess.run([sys.executable, "-m", "icp_docs", "diff", "HEAD~1", "HEAD",
                           "--format", "json"], cwd=repo, text=True, capture_output=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "there are no specs at HEAD~1" in done.stderr
    changes = json.loads(done.stdout)["changes"]
    added = load_playbook(HISTORY / "v1" / "specs").playbook
    assert added is not None
    assert sorted(c["segment"] for c in changes) == sorted(s.id for s in added.segments)
    assert {c["kind"] for c in changes} == {"segment-added"}


def test_a_base_with_segments_but_no_playbook_is_not_taken_for_no_specs(tmp_path: Path) -> None:
    from fixtures.history.repo import git

    repo = tmp_path / "repo"
    copy_tree(HISTORY / "v1" / "specs", repo / "specs")
    (repo / "specs" / "playbook.yml").unlink()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Segments first")
    copy_tree(HISTORY / "v1" / "specs", repo / "specs", dirs_exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "icp_docs", "diff", "HEAD"], cwd=repo,
                          text=True, capture_output=True, check=False)
    assert done.returncode == 1
    assert "no specs at" not in done.stderr
    assert "cannot diff: the specs at HEAD (" in done.stderr and "no playbook.yml" in done.stderr
    # A folder is never taken for "no specs": a mistyped path must not pass --fail-on.
    (tmp_path / "elsewhere").mkdir()
    done = subprocess.run([sys.executable, "-m", "icp_docs", "diff", str(tmp_path / "elsewhere"),
                           "specs", "--fail-on", "breaking"], cwd=repo, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 1 and "no specs at" not in done.stderr


def _outside_code(markdown: str) -> str:
    """What GitHub reads as text in a comment: code spans left out, entities decoded."""
    words = re.sub(r"<code>.*?</code>|(`+).*?\1", "", markdown)
    return html.unescape(words)


def test_markdown_cannot_mention_people_or_issues(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # GitHub links @user and #123 in a comment's text after the Markdown is rendered, so an
    # entity does not stop it: a label or an error message must not ping anyone.
    old, new = _base(), _base()
    seg(new)["label"] = "@octocat and @acme/finance teams closing books (see #12)"
    _write(old, tmp_path / "old")
    _write(new, tmp_path / "new")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"),
                 "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "octocat" in out
    text = _outside_code(out)
    assert not re.search(r"@\w|#\d", text), text
    assert "@\u200boctocat and @\u200bacme/finance" in text  # still reads the same
    broken = tmp_path / "new" / "segments" / f"{SEG}.yml"
    broken.write_text(broken.read_text() + "'@octocat #12': 1\n")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"),
                 "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert "octocat" in out and not re.search(r"@\w|#\d", _outside_code(out)), out


def test_markdown_paths_cannot_inject(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    # A change's path names list entries by their text (budget[<role>].limit), outside the
    # code spans that hold the values: that text must not become HTML, a link or a mention.
    role = "@octocat <details><summary>open</summary> [link](https://evil.example/) | x"
    old, new = _base(), _base()
    for state in (old, new):
        seg(state)["budget"][0]["role"] = role
    seg(new)["budget"][0]["limit"] = 150000
    seg(new)["personas"][0]["quotes"] = ["![pixel](https://tracker.example/p.gif)"]
    _write(old, tmp_path / "old")
    _write(new, tmp_path / "new")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"),
                 "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "limit" in out and "octocat" in out
    text = _outside_code(out)
    assert "<details>" not in out and "](https://evil" not in out and "![" not in text
    assert not re.search(r"@\w", text), text
    assert role.replace("@", "@\u200b") in text  # shown as written


def test_a_long_reworded_text_shows_every_word_that_changed(tmp_path: Path) -> None:
    # Cut down to the words that differ, a long quote must not then be cut again at its end:
    # "My CFO signed the same week" -> "that week" was shown as "My CFO sign…" -> "My CF…".
    state = _base()
    new_state = copy.deepcopy(state)
    seg(state)["journey"]["decision"] = ("The parallel run matched our numbers to the cent and "
                                         "found two things we missed. My CFO signed the same week.")
    seg(new_state)["journey"]["decision"] = ("The parallel run matched October to the cent and "
                                             "found two eliminations we had missed. My CFO "
                                             "signed that week.")
    (change,) = diff_playbooks(_write(state, tmp_path / "a"), _write(new_state, tmp_path / "b"))
    for style in ("text", "markdown"):
        said = change.describe(style)  # type: ignore[arg-type]
        assert "signed the same week." in said and "signed that week." in said, said
        assert "our numbers" in said and "October" in said, said


def test_a_reworded_criterion_is_named_as_the_checklist_reads(tmp_path: Path) -> None:
    state = _base()
    new_state = copy.deepcopy(state)
    criterion(new_state, "timeline")["question"] = "Do they want the close shorter this year?"
    (change,) = diff_playbooks(_write(state, tmp_path / "a"), _write(new_state, tmp_path / "b"))
    assert change.kind == "value-changed"  # the JSON contract is unchanged
    assert change.path == "qualification.criteria[timeline].question"
    assert change.describe() == ("criterion 'timeline' reworded: 'Do they want a shorter close "
                                 "before year-end?' -> 'Do they want the close shorter this "
                                 "year?'")
    # Words a seller reads aloud in quotes, not in code: only identifiers are code.
    assert change.explain("markdown") == (
        "🔴 **breaking** criterion `timeline` reworded: “Do they want a shorter close before "
        "year-end?” → “Do they want the close shorter this year?” — *a checklist question "
        "reads differently: ask it the new way*")


#: What each kind of change means for a seller, by the case above that makes it.
ADVICE = {
    "segment-added": "a new segment to prospect: read its page and checklist",
    "segment-removed": "we no longer pursue this segment: stop prospecting it",
    "tier": "now a higher-priority segment: spend more time here",
    "priority": "now a lower-priority segment: spend less time here",
    "status": "proven by evidence now: sell to it with confidence",
    "knockout": "a no to this question no longer ends the deal: keep qualifying",
    "criterion-added": "a new question on the checklist: ask it on your next calls",
    "criterion-removed": "a question left the checklist: stop asking it",
    "criterion-question": "a checklist question reads differently: ask it the new way",
    "segment-threshold": "a strong lead now takes more yes answers: qualify harder",
    "default-threshold": "a strong lead now takes fewer yes answers: more calls move forward",
    "persona-role": "this person's part in the buying decision changed: re-check whom you "
                    "need on side",
    "trigger-added": "a new reason to reach out now: watch for it",
    "employees-range": "which companies fit changed: check your account lists against it",
    "budget-limit": "who holds the budget, or how much, changed: check who signs",
    "label-reworded": "wording only: nothing changes in how you sell",
}


@pytest.mark.parametrize(("mutate", "advice"),
                         [pytest.param(m, ADVICE[i], id=i) for i, m, _, _ in CASES
                          if i in ADVICE])
def test_each_change_says_what_it_means_for_sellers(tmp_path: Path, mutate: Mutate,
                                                    advice: str) -> None:
    old_state = _base()
    new_state = copy.deepcopy(old_state)
    mutate(new_state)
    old, new = _write(old_state, tmp_path / "old"), _write(new_state, tmp_path / "new")
    first = diff_playbooks(old, new)[0]
    assert first.advice == advice
    # In every output: the diff's text and Markdown (the PR comment, the change log), the
    # annotations, and the JSON as a field of its own beside the unchanged ones.
    assert first.explain("text").endswith(f" — {advice}")
    assert first.explain("markdown").endswith(f" — *{advice}*")
    assert first.explain("github").endswith(f" — {advice}")
    data = first.as_dict()
    assert data["advice"] == advice and data["message"] == first.describe("text")


def test_a_tier_down_is_less_time_and_no_change_relearns_anything() -> None:
    from icp_docs.history.advice import advise
    assert advise("value-changed", "tier", 1, 3, "breaking") == \
        "now a lower-priority segment: spend less time here"
    assert advise("value-changed", "priority", "secondary", "core", "breaking") == \
        "now a higher-priority segment: spend more time here"
    assert "relearn" not in Impact.BREAKING.meaning
    assert "priority" in Impact.BREAKING.meaning  # a tier change is breaking: say why


def test_segment_labels_in_markdown_are_words_not_code(tmp_path: Path) -> None:
    """The change log and the PR comment set a segment's label as text (in quotes), never in
    a monospaced code span; an id stays code."""
    old_state = _base()
    new_state = copy.deepcopy(old_state)
    _add_segment(new_state)
    _rename(new_state)
    old, new = _write(old_state, tmp_path / "old"), _write(new_state, tmp_path / "new")
    changes = diff_playbooks(old, new)
    added = next(c for c in changes if c.kind == "segment-added")
    assert "segment added: \u201cBilling operations teams moving to invoice automation\u201d" \
        in added.explain("markdown")
    assert "`" not in added.describe("markdown")
    renamed = next(c for c in changes if c.kind == "segment-renamed")
    assert "`agency-close`" in renamed.describe("markdown")

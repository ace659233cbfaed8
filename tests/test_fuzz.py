"""Fuzzing: mutated sample specs and random YAML never make the loader raise; every problem
comes back as a diagnostic with a real line and column."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import assert_same_verdict, copy_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_docs.diagnostics import Code, Diagnostic
from icp_docs.lint import check
from icp_docs.spec.build import Builder, Stop, Unusual, build_plain
from icp_docs.spec.yaml import load_bytes
from icp_docs.spec.yaml12 import EventLoader

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [p.read_bytes() for p in sorted((ROOT / "specs" / "segments").glob("*.yml"))]
SAMPLES += [(ROOT / "specs" / "playbook.yml").read_bytes()]
MINIMAL = ROOT / "tests" / "fixtures" / "engine" / "minimal"
YAML_BITS = st.sampled_from([
    ":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "? ", "|\n", ">-\n",
    "#", "'", '"', "\n", "\n  ", "\t", "---\n", "...\n", "<<: ", "~", "null", "true", "2026-13-01",
    "0x1F", "1e9", ".inf", "@", "`", "%YAML 1.2\n", "\\", "\ufeff", "\x00", "\x85", "\u2028",
])

FAST = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A sample spec with bytes flipped, cut short, or random YAML or unicode put in."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "yaml", "unicode", "delete"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "yaml":
            data[at:at] = "".join(draw(st.lists(YAML_BITS, max_size=8))).encode()
        elif action == "unicode":
            data[at:at] = draw(st.text(max_size=8)).encode("utf-8", "surrogatepass")
        else:
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=20), st.dates())
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=30)


def assert_well_formed(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        assert isinstance(d.code, Code)
        assert d.line >= 1 and d.column >= 1, d
        assert d.message and "\n" not in d.format(), d


@FAST
@given(mutated())
def test_mutated_samples_never_raise(raw: bytes) -> None:
    doc = load_bytes(raw, "f.yml")
    assert_well_formed(doc.diagnostics)
    assert doc.data is None or isinstance(doc.data, dict)


@FAST
@given(documents)
def test_random_documents_never_raise(data: object) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    doc = load_bytes(raw, "f.yml")
    assert_well_formed(doc.diagnostics)


@FAST
@given(st.lists(YAML_BITS | st.text(max_size=5), max_size=40).map("".join))
def test_random_yaml_text_never_raises(text: str) -> None:
    doc = load_bytes(text.encode("utf-8", "surrogatepass"), "f.yml")
    assert_well_formed(doc.diagnostics)


def built_both_ways(text: str) -> tuple[object, object]:
    """What :func:`build_plain` and the full :class:`Builder` make of ``text``: data and marks,
    or the exception that stopped each (the Builder's problems, as reported, stand for it)."""
    results: list[object] = []
    for plain in (True, False):
        loader = EventLoader(text)
        reported: list[object] = []
        builder = Builder(lambda *problem, into=reported: into.append(problem))
        try:
            if plain:
                data, marks = build_plain(loader)
            else:
                data, marks = builder.run(loader), builder.marks
            results.append(("built", data, list(marks), reported))
        except (Unusual, Stop, yaml.YAMLError) as exc:
            results.append((type(exc).__name__, reported))
        finally:
            loader.dispose()
    return results[0], results[1]


@FAST
@given(st.one_of(mutated().map(lambda raw: raw.decode("utf-8", "replace")),
                 documents.map(lambda data: yaml.safe_dump({"k": data}, allow_unicode=True)),
                 st.lists(YAML_BITS | st.text(max_size=5), max_size=40).map("".join)))
def test_the_plain_builder_agrees_with_the_full_one(text: str) -> None:
    plain, full = built_both_ways(text)
    # Whatever the plain path builds, the full one builds the same way, without a problem.
    if plain[0] == "built":
        assert plain == full


@pytest.mark.parametrize("name", [p.name for p in sorted(
    (ROOT / "specs" / "segments").glob("*.yml"))] + ["playbook.yml"])
def test_the_plain_builder_reads_the_sample_specs(name: str) -> None:
    path = ROOT / "specs" / ("" if name == "playbook.yml" else "segments") / name
    plain, full = built_both_ways(path.read_text(encoding="utf-8"))
    assert plain[0] == "built" and plain == full


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n", "<<: {a: 1}\n", "- a\n",
    "a: 1\n---\nb: 2\n", "a: " + "[" * 70 + "]" * 70 + "\n", "? [a]\n: 1\n",
])
def test_the_plain_builder_leaves_the_unusual_to_the_full_one(text: str) -> None:
    plain, _ = built_both_ways(text)
    assert plain[0] in ("Unusual", "ParserError", "ComposerError")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    specs = tmp_path_factory.mktemp("fuzz") / "specs"
    copy_tree(MINIMAL, specs)
    yield specs


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=mutated(), which=st.sampled_from(["segments/payroll-ops.yml", "playbook.yml"]))
def test_the_full_load_and_lint_never_raise_and_the_command_line_agrees(
        folder: Path, raw: bytes, which: str) -> None:
    shutil.copyfile(MINIMAL / "playbook.yml", folder / "playbook.yml")
    segment = "segments/payroll-ops.yml"
    shutil.copyfile(MINIMAL / segment, folder / segment)
    (folder / which).write_bytes(raw)
    result = check(folder, today=dt.date(2026, 9, 1))
    assert_well_formed(result.diagnostics)
    assert result.diagnostics == sorted(result.diagnostics)
    assert_same_verdict(folder, today=dt.date(2026, 9, 1))

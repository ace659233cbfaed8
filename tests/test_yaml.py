"""The positioned YAML loader: positions, duplicate keys, limits, tags, encodings."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.constructor import SafeConstructor

from icp_docs.diagnostics import Code
from icp_docs.spec.refused import REFUSED
from icp_docs.spec.yaml import MAX_BYTES, MAX_DEPTH, field_path, load_bytes, load_file
from icp_docs.spec.yaml12 import INT_TAG, TIMESTAMP_TAG, resolve


def problems(raw: bytes | str) -> list[tuple[str, int, int, str]]:
    data = raw.encode() if isinstance(raw, str) else raw
    doc = load_bytes(data, "f.yml")
    return [(d.code.value, d.line, d.column, d.field) for d in doc.diagnostics]


def test_positions_of_values_and_keys_are_one_based() -> None:
    doc = load_bytes(b"# comment\na: 1\nlist:\n  - x\n  - {k: v}\n", "f.yml")
    pos = doc.positions
    assert doc.diagnostics == []
    assert doc.data == {"a": 1, "list": ["x", {"k": "v"}]}
    assert pos.of(("a",)) == (2, 4)
    assert pos.of(("a",), key=True) == (2, 1)
    assert pos.of(("list", 1, "k")) == (5, 9)
    assert pos.of(("list", 1, "k"), key=True) == (5, 6)
    # A missing value is blamed on its nearest ancestor.
    assert pos.of(("list", 1, "missing")) == (5, 5)
    assert pos.of(("nowhere",)) == (2, 1)


def test_every_duplicate_key_is_reported_and_the_first_value_kept() -> None:
    doc = load_bytes(b"a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "f.yml")
    found = [(d.code, d.line, d.column, d.field) for d in doc.diagnostics]
    assert found == [(Code.DUPLICATE_KEY, 4, 3, "b.c"), (Code.DUPLICATE_KEY, 5, 1, "a")]
    assert "first at line 3" in doc.diagnostics[0].message
    assert doc.data == {"a": 1, "b": {"c": 1}}


@pytest.mark.parametrize(("text", "value"), [
    ("NO", "NO"), ("yes", "yes"), ("on", "on"), ("true", True), ("False", False),
    ("10:30", "10:30"), ("010", "010"), ("0x10", 16), ("0o17", 15), ("1_000", 1000),
    ("-5", -5), ("2.5", 2.5), ("~", None), ("", None), ("2026-01-31", dt.date(2026, 1, 31)),
    ("2026-13-45", "2026-13-45"), ("'12'", "12"),
])
def test_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    doc = load_bytes(f"v: {text}\n".encode(), "f.yml")
    assert doc.diagnostics == []
    assert doc.data["v"] == value
    assert type(doc.data["v"]) is type(value)


_constructor = SafeConstructor()


@settings(max_examples=400, deadline=None, database=None)
@given(text=st.one_of(st.from_regex(r"\A[-+]?[0-9_]{1,8}\Z"),
                      st.from_regex(r"\A0[xo][0-9a-f_]{0,4}\Z"),
                      st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z"), st.integers().map(str)))
def test_numbers_and_dates_are_what_pyyaml_makes_of_them(text: str) -> None:
    # The loader builds whole numbers and dates itself, faster than PyYAML's constructor.
    tag = resolve(text)
    if tag not in (INT_TAG, TIMESTAMP_TAG):
        return
    try:
        expected = _constructor.yaml_constructors[tag](_constructor, yaml.ScalarNode(tag, text))
    except ValueError:
        expected = text  # a date that does not exist stays text, for the field to judge
    value = load_bytes(f"v: {text}\n".encode(), "f.yml").data["v"]
    assert (value, type(value)) == (expected, type(expected))


def _locs(value: object, loc: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [loc]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locs(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _locs(item, (*loc, i))
    return found


_KEYS = st.sampled_from(["id", "label", "personas", "a", "b"])
_TREES = st.recursive(st.one_of(st.integers(0, 9), st.text("xy ", max_size=3)),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(_KEYS, inner, max_size=3)),
                      max_leaves=12)


@settings(max_examples=200, deadline=None, database=None)
@given(tree=st.dictionaries(_KEYS, _TREES, min_size=1, max_size=4), shared=st.booleans())
def test_a_position_counted_along_the_data_is_the_one_the_index_gives(tree: dict[str, object],
                                                                      shared: bool) -> None:
    # The first lookups count their way to the mark; later ones use an index of every value.
    if shared:
        tree["copy"] = tree[next(iter(tree))]  # dumped as an anchor and an alias
    doc = load_bytes(yaml.safe_dump(tree).encode(), "f.yml")
    assert doc.data == tree
    every = _locs(doc.data)
    for loc in [*every, *((*loc, "missing") for loc in every), *((*loc, 7) for loc in every)]:
        for key in (False, True):
            counted = type(doc.positions)(doc.positions.marks, doc.data)
            indexed = type(doc.positions)(doc.positions.marks, doc.data)
            indexed._index()
            assert counted.of(loc, key=key) == indexed.of(loc, key=key), (loc, key)


def test_keys_are_kept_as_written() -> None:
    doc = load_bytes(b"null: a\nTrue: b\n1: c\n", "f.yml")
    assert list(doc.data) == ["null", "True", "1"]


def test_python_tags_never_construct_anything(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    attacks = [
        f'a: !!python/object/apply:os.system ["touch {marker}"]',
        f'a: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]',
        "a: !!python/name:os.system",
        f'!!python/object/apply:os.system ["touch {marker}"]: 1',
    ]
    for attack in attacks:
        assert [p[0] for p in problems(attack)] == ["E009"], attack
    assert not marker.exists()


@pytest.mark.parametrize(("text", "shown"), [
    ("a: !!set {x, y}", "!!set"), ("a: !!binary aGk=", "!!binary"), ("a: !custom x", "!custom"),
    ("a: !!omap [x: 1]", "!!omap"), ("a: !!python/tuple [1]", "!!python/tuple"),
])
def test_only_plain_tags_are_allowed(text: str, shown: str) -> None:
    doc = load_bytes(text.encode(), "f.yml")
    [diag] = doc.diagnostics
    assert (diag.code, diag.line, diag.column) == (Code.UNSUPPORTED_TAG, 1, 4)
    assert shown in diag.message
    # The tagged value stands for nothing, and the rest of the file is read on.
    assert doc.data == {"a": REFUSED}


def test_a_refused_value_is_refused_wherever_an_alias_copies_it() -> None:
    doc = load_bytes(b"a: &x !custom {k: &y 1}\nb: *x\nc: *y\nd: [!!binary aGk=, 2]\n", "f.yml")
    assert [(d.code.value, d.line, d.column, d.field) for d in doc.diagnostics] == [
        ("E009", 1, 4, "a"), ("E009", 4, 5, "d[0]")]
    assert doc.data == {"a": REFUSED, "b": REFUSED, "c": REFUSED, "d": [REFUSED, 2]}
    # The positions still match the data after the value left out.
    assert doc.positions.of(("d", 1)) == (4, 20)
    assert doc.positions.of(("c",)) == (3, 4)
    # An anchor written again later is the later value's.
    doc = load_bytes(b"a: !x {k: &y 1}\nb: &y [1]\nc: *y\n", "f.yml")
    assert doc.data == {"a": REFUSED, "b": [1], "c": [1]}


def test_a_refused_value_survives_the_trip_to_a_worker() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(REFUSED)) is REFUSED


def test_merge_keys_are_refused() -> None:
    assert problems("base: &b {x: 1}\nother:\n  <<: *b\n") == [("E009", 3, 3, "other")]


def test_a_plain_alias_is_fine() -> None:
    doc = load_bytes(b"a: &x [1, 2]\nb: *x\n", "f.yml")
    assert doc.diagnostics == []
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    # Blamed on the alias in a3 that takes the expansion past 10,000 values, and its field.
    assert problems("\n".join(levels)) == [("E005", 4, 45, "a3[7]")]


@pytest.mark.parametrize(("text", "field"), [("a: &x [1, *x]", "a[1]"), ("a: &x {k: *x}", "a.k")])
def test_a_self_referencing_alias_is_refused(text: str, field: str) -> None:
    assert problems(text) == [("E005", 1, 11, field)]


def test_an_alias_without_its_anchor_is_invalid_yaml_in_its_own_field() -> None:
    assert problems("a: *nowhere\n") == [("E001", 1, 4, "a")]
    # It spoils that field only: the rest of the file is read, positions still line up.
    doc = load_bytes(b"a: [1, *nowhere]\nb: *later\nc: &later 2\nd: *later\ne: 5\n", "f.yml")
    assert [(d.code.value, d.line, d.column, d.field) for d in doc.diagnostics] == [
        ("E001", 1, 8, "a[1]"), ("E001", 2, 4, "b")]
    assert doc.data == {"a": [1, REFUSED], "b": REFUSED, "c": 2, "d": 2, "e": 5}
    assert doc.positions.of(("e",)) == (5, 4)


def test_deep_nesting_is_refused_without_crashing_the_interpreter() -> None:
    # libyaml's composer recurses in C: this input used to kill the process (SIGSEGV).
    code = (
        "from icp_docs.spec.yaml import load_bytes\n"
        "for raw in (b'a:\\n  ' + b'- ' * 200000 + b'x', b'? ' * 200000,\n"
        "            b'a: ' + b'[' * 300000, b'a: ' + b'[' * 3000 + b']' * 3000):\n"
        "    print(*[d.code.value for d in load_bytes(raw, 'f.yml').diagnostics])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["E018", "E010", "E018", "E018"]


@pytest.mark.parametrize(("raw", "field"), [
    # Block style: our own limit stops it; flow style: libyaml's own stops it first.
    (b"x:\n" + b"".join(b"  " * i + b"  a%d:\n" % i for i in range(70)) + b"  " * 70 + b"b: 1",
     "x." + ".".join(f"a{i}" for i in range(MAX_DEPTH - 1))),
    (b"id: " + b"[" * 70 + b"]" * 70, "id" + "[0]" * (MAX_DEPTH - 1)),
])
def test_too_deep_names_the_path_down_to_where_reading_stopped(raw: bytes, field: str) -> None:
    (problem,) = load_bytes(raw, "f.yml").diagnostics
    assert (problem.code.value, problem.field) == ("E018", field)


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 2
    doc = load_bytes(b"a: " + b"[" * depth + b"]" * depth, "f.yml")
    assert doc.diagnostics == []


def test_non_utf8_points_at_the_bad_byte_counting_characters() -> None:
    raw = "a: 1\nname: Zürich ".encode() + b"\xff\n"
    assert problems(raw) == [("E003", 2, 14, "")]


@pytest.mark.parametrize("raw", [
    "a: 1".encode("utf-16"), "a: 1".encode("utf-32"), "name: Zürich".encode("latin-1")])
def test_other_encodings_are_not_utf8(raw: bytes) -> None:
    assert [p[0] for p in problems(raw)] == ["E003"]


def test_a_byte_order_mark_is_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbfa: 1\n", "f.yml").data == {"a": 1}


def test_a_byte_order_mark_is_no_column_of_the_first_line() -> None:
    # Notepad saves with a BOM; no editor shows it or counts it as a column.
    assert problems(b"\xef\xbb\xbfid: Z\xfcrich\n") == [("E003", 1, 6, "")]
    assert problems(b"\xef\xbb\xbfid: a\r\nlabel: Z\xfc\r\n") == [("E003", 2, 9, "")]


def test_a_control_character_is_located() -> None:
    assert problems("a: 1\nb: x\x07y\n") == [("E001", 2, 5, "")]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_line_and_paragraph_separators_are_characters_as_editors_read_them(
        separator: str) -> None:
    # libyaml (YAML 1.1) breaks lines at them; editors and YAML 1.2 do not. Pasted into a
    # value, one shifted every later problem a line down, and split a plain value in two.
    doc = load_bytes(f"a: one{separator}two\nb: 'x{separator}y'\nb: 2\n{separator}c: 3\n"
                     .encode(), "f.yml")
    assert [(d.code.value, d.line, d.column) for d in doc.diagnostics] == [("E002", 3, 1)]
    assert "(first at line 2)" in doc.diagnostics[0].message
    assert doc.data == {"a": f"one{separator}two", "b": f"x{separator}y", f"{separator}c": 3}
    assert doc.positions.of((f"{separator}c",), key=True) == (4, 1)
    assert problems(f"a: 1\nb: [x{separator}, y\n") == [("E001", 2, 4, "")]


def test_a_next_line_character_is_refused_where_it_stands() -> None:
    # U+0085 is a line break to libyaml, and invisible in editors: often a mangled '…'.
    doc = load_bytes("a: 1\nb: wait\x85 what\n".encode(), "f.yml")
    assert [(d.code.value, d.line, d.column) for d in doc.diagnostics] == [("E001", 2, 8)]
    assert "U+0085" in doc.diagnostics[0].message
    assert doc.data is None


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n  # comments\n", "---\n", "---\n...\n"])
def test_empty_files(text: str) -> None:
    assert problems(text) == [("E006", 1, 1, "")]


@pytest.mark.parametrize(("text", "kind"), [
    ("- a\n- b\n", "a list"), ("just text\n", "a single value"), ("\n\n42\n", "a single value")])
def test_the_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    doc = load_bytes(text.encode(), "f.yml")
    [diag] = doc.diagnostics
    assert diag.code == Code.NOT_A_MAPPING
    assert kind in diag.message


def test_a_second_document_is_refused_where_it_starts() -> None:
    [found] = load_bytes(b"a: 1\n---\nb: 2\n", "f.yml").diagnostics
    assert (found.code, found.line, found.column) == (Code.YAML_SYNTAX, 2, 1)
    assert "one document" in found.message


def test_the_size_limit_holds_for_bytes_and_files(tmp_path: Path) -> None:
    big = b"a: " + b"x" * MAX_BYTES + b"\n"
    assert problems(big) == [("E004", 1, 1, "")]
    path = tmp_path / "big.yml"
    path.write_bytes(big)
    [diag] = load_file(path, "big.yml").diagnostics
    assert diag.code == Code.FILE_TOO_LARGE and "1 MiB" in diag.message
    assert problems(b"a: " + b"x" * (MAX_BYTES - 10) + b"\n") == []


def test_an_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "seg.yml"
    folder.mkdir()
    [diag] = load_file(folder, "seg.yml").diagnostics
    assert diag.code == Code.YAML_SYNTAX and "cannot read" in diag.message


def test_field_paths_read_like_the_yaml() -> None:
    assert field_path(("personas", 2, "role")) == "personas[2].role"
    assert field_path((0, "a")) == "[0].a"
    assert field_path(()) == ""


@pytest.mark.parametrize(("text", "line", "column", "says"), [
    # Blamed where the mistake begins, not where libyaml gave up (a line or a file later).
    ("id: a\nlabel: b\ntier 1\npriority: core\n", 3, 1, "no ':' after its key"),
    ("id: a\npriority: [core\nstatus: x\n", 2, 11, "the '[' that opens here is not closed"),
    ("id: a\nx: {a: 1\ny: 2\n", 2, 4, "the '{' that opens here is not closed"),
    ('id: a\nlabel: "Multi\nfoo: bar\n' + "x: y\n" * 50, 2, 8,
     "the quote that opens here is not closed (read on to the end of the file)"),
    ("id: a\nemployees:\n\tmin: 200\n", 3, 1, "indent with spaces, not tabs"),
    ("id: a\nlist:\n  -\tb\n", 3, 4, "indent with spaces, not tabs"),
    ("id: a\nlabel: b\n  tier: 1\n", 3, 7, "indent this line as the keys around it"),
    ("a:\n  - b\n c: d\n", 3, 2, "not indented as the keys"),
    ("id: a\ndetail: Note: single sites\n", 2, 13, "inside the value: put the whole value in "
     "quotes"),
    ("id: a\nlist:\n  - detail: Note: x\n", 3, 17, "inside the value"),
    ('id: a\nnotes: "He said "hi""\n', 2, 18, "text goes on after the value has ended"),
    ("id: a\nx: 'it's'\n", 2, 8, "text goes on after the value has ended"),
    ('id: a\nlabel: "abc\n', 2, 8, "is not closed (read on to the end of the file)"),
    # Left open, closed by the next quote far below: blamed where it opens.
    ('id: a\nlabel: "Payroll teams\ntier: 1\nnotes: a "quoted" word\n', 2, 8,
     "the quote that opens here closes only on line 4: is a closing quote missing"),
    # A ': ' past 1,024 characters: libyaml's limit on a key's length, not a missing ':'.
    ("id: a\nnotes: x\n" + "k" * 1100 + ": more\n", 3, 1101, "more than 1,024 characters"),
    ("id: a\nlist:\n  - " + "k" * 1100 + ": more\n", 3, 1105, "more than 1,024 characters"),
])
def test_syntax_errors_point_where_the_mistake_is(text: str, line: int, column: int,
                                                   says: str) -> None:
    [found] = load_bytes(text.encode(), "f.yml").diagnostics
    assert (found.code, found.line, found.column) == (Code.YAML_SYNTAX, line, column)
    assert found.message.startswith("invalid YAML: ") and says in found.message

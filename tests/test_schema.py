"""The JSON Schema: draft-07 (what yaml-language-server speaks), accepts the sample specs,
rejects broken ones, documents every field, and the committed copy never drifts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from icp_docs.spec.descriptions import FIELDS
from icp_docs.spec.models import Model
from icp_docs.spec.schema import DRAFT, KINDS, render, schema

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "engine" / "minimal"
SPEC_FILES = [ROOT / "specs" / "playbook.yml", *sorted((ROOT / "specs" / "segments").glob("*.yml")),
              MINIMAL / "playbook.yml", *sorted((MINIMAL / "segments").glob("*.yml"))]


def plain(value: Any) -> Any:
    """YAML data as JSON sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(kind: str) -> Draft7Validator:
    body = schema(kind)
    Draft7Validator.check_schema(body)
    return Draft7Validator(body)


def kind_of(path: Path) -> str:
    return "playbook" if path.stem == "playbook" else "segment"


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_schema_accepts_valid_specs(path: Path) -> None:
    data = plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [e.message for e in validator(kind_of(path)).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d.update(tierx=1), "Additional properties"),
    (lambda d: d["firmographics"]["employees"].update(min=-5), "is not valid under any"),
    (lambda d: d.update(tier=4), "is not one of"),
    (lambda d: d.update(priority="main"), "is not one of"),
    (lambda d: d.pop("label"), "'label' is a required property"),
    (lambda d: d.update(id="Payroll_Ops"), "does not match"),
    (lambda d: d["personas"][0].update(role="boss"), "is not one of"),
    (lambda d: d["qualification"]["criteria"][0].update(knockout="yes"), "is not of type"),
    (lambda d: d["journey"].update(decision={"quot": "x"}), "is not valid under any"),
    (lambda d: d["firmographics"].update(industries=[]), "should be non-empty"),
    (lambda d: d["evidence"][0].update(count=-1), "is not valid under any"),
])
def test_the_schema_rejects_broken_segments(change: Any, fragment: str) -> None:
    data = plain(yaml.safe_load((MINIMAL / "segments" / "payroll-ops.yml").read_text()))
    change(data)
    messages = [e.message for e in validator("segment").iter_errors(data)]
    assert any(fragment in m for m in messages), messages


def test_the_schema_rejects_a_broken_playbook() -> None:
    data = plain(yaml.safe_load((MINIMAL / "playbook.yml").read_text()))
    data["refresh"] = "2026-Q5"
    data["summary"]["buying_committee"] = "yes"
    assert len(list(validator("playbook").iter_errors(data))) == 2


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_committed_schema_is_what_the_command_writes(kind: str) -> None:
    committed = (ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == render(kind), "run: icp-docs schema --out schema"


def test_the_schema_is_draft_07_without_later_keywords() -> None:
    for kind in KINDS:
        text = json.dumps(schema(kind))
        assert schema(kind)["$schema"] == DRAFT
        assert "$defs" not in text and "prefixItems" not in text and "unevaluated" not in text


def test_every_field_has_a_description() -> None:
    models = {cls.__name__: cls for cls in _subclasses(Model)}
    for name, cls in models.items():
        assert set(cls.model_fields) <= set(FIELDS.get(name, {})), name
    for kind in KINDS:
        body = schema(kind)
        for definition in [body, *body["definitions"].values()]:
            for prop in definition.get("properties", {}).values():
                assert prop.get("description"), prop


def _subclasses(cls: type[Model]) -> list[type[Model]]:
    found: list[type[Model]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_the_specs_point_their_editor_at_the_schema() -> None:
    modeline = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
    for path in [ROOT / "specs" / "playbook.yml", *(ROOT / "specs" / "segments").glob("*.yml")]:
        match = modeline.match(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, path
        target = (path.parent / match[1]).resolve()
        assert target == ROOT / "schema" / f"{kind_of(path)}.schema.json"

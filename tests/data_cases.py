"""Shared by the data tests: the fixture playbook, and hand-made account rows that walk
every branch of the fit model (met, not met, unknown, knock-outs, bonus, ties)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icp_docs.spec.load import Playbook, load_playbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "playbook"
SAMPLE = Path(__file__).resolve().parent.parent / "specs"
AS_OF = dt.date(2026, 12, 1)
FIELDS = ("name", "domain", "industry", "employees", "revenue", "country", "founded_year",
          "technologies", "stage")


def playbook(folder: Path = FIXTURE) -> Playbook:
    """A specs folder loaded, failing loudly when it has errors."""
    loaded = load_playbook(folder)
    assert loaded.playbook is not None and loaded.ok, loaded.diagnostics
    return loaded.playbook


#: A row that meets every dimension of the fixture's payroll-ops segment.
FULL = {"name": "Acme", "domain": "acme.de", "industry": "COMPUTER_SOFTWARE",
        "employees": 850.0, "revenue": 20_000_000.0, "country": "DE",
        "founded_year": 2010.0, "technologies": "Personio; Slack", "stage": "Series B"}

#: Hand-made rows for the SQL-against-reference tests (the unit tests build their own).
ROWS: list[dict[str, object]] = [
    FULL,
    {**FULL, "industry": None, "employees": None, "revenue": None, "country": "  ",
     "founded_year": None, "technologies": "", "stage": None},
    {**FULL, "industry": "  retail ", "employees": 199.0},
    {**FULL, "technologies": "paychex flex,Jira ;  atlassian   jira"},
    {**FULL, "technologies": "ADP;;, ,personio", "employees": 2000.0},
    {**FULL, "employees": 2000.5, "revenue": 1e300, "founded_year": 2026.0},
    {**FULL, "employees": -3.5, "revenue": 12345678.9, "country": "Monaco"},
    {**FULL, "industry": "MARKETING_AND_ADVERTISING", "employees": 10.0, "country": None},
    {**FULL, "industry": "Software", "employees": 150.0, "country": "de"},
    {**FULL, "employees": 1234567890123456.0, "revenue": float("nan")},
    {**FULL, "employees": float("inf"), "revenue": -1e15, "founded_year": 1996.0},
    {**FULL, "industry": "Soft\tware", "country": "Deutsch\nland", "stage": "series  c"},
    {name: None for name in FIELDS},
    {},
]

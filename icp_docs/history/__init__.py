"""Refresh history: the specs at a git revision, the semantic diff, and the change log.

- :mod:`.git`: a few batched git processes (log, cat-file) and each file's last
  revision; nothing is ever checked out;
- :mod:`.snapshot`: the specs folder at a revision, loaded like the working tree;
- :mod:`.changes` and :mod:`.diff`: two playbooks in, typed changes out, each with an impact
  for sales; :mod:`.rules` says how entries are matched and what each field's impact is;
- :mod:`.text`: values as sellers read them, made safe for Markdown;
- :mod:`.report`: a whole diff as Markdown, JSON, text or GitHub annotations;
- :mod:`.changelog`: refreshes from git, for the change log page;
- :mod:`.command`: ``icp-docs diff``.
"""

from __future__ import annotations

from .changelog import History, Release, load_history
from .changes import (
    Change,
    EntriesChanged,
    Impact,
    ItemAdded,
    ItemRemoved,
    KnockoutChanged,
    SegmentAdded,
    SegmentRemoved,
    SegmentRenamed,
    StatusChanged,
    ThresholdChanged,
    ValueChanged,
)
from .diff import diff_playbooks
from .git import last_revisions
from .report import Comparison, compare, render

__all__ = [
    "Change",
    "Comparison",
    "EntriesChanged",
    "History",
    "Impact",
    "ItemAdded",
    "ItemRemoved",
    "KnockoutChanged",
    "Release",
    "SegmentAdded",
    "SegmentRemoved",
    "SegmentRenamed",
    "StatusChanged",
    "ThresholdChanged",
    "ValueChanged",
    "compare",
    "diff_playbooks",
    "last_revisions",
    "load_history",
    "render",
]

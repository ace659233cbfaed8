"""Spec files -> models: positioned YAML, pydantic models, cross-file checks."""

from __future__ import annotations

from .load import LoadResult, Playbook, Segment, Source, SpecCache, load_playbook

__all__ = ["LoadResult", "Playbook", "Segment", "Source", "SpecCache", "load_playbook"]

"""The ICP against account data: the fit model, its reference scorer, and the same scoring
compiled to one SQL query per dialect."""

from __future__ import annotations

from .compile import DIALECTS, OUTPUTS, scoring_query, scoring_select, segment_columns
from .model import (
    HUBSPOT_COLUMNS,
    FitModel,
    SegmentModel,
    UnknownSegment,
    api_columns,
    fit_model,
)
from .reference import AccountResult, SegmentResult, score_account, score_rows

__all__ = [
    "DIALECTS",
    "HUBSPOT_COLUMNS",
    "OUTPUTS",
    "AccountResult",
    "FitModel",
    "SegmentModel",
    "SegmentResult",
    "UnknownSegment",
    "api_columns",
    "fit_model",
    "score_account",
    "score_rows",
    "scoring_query",
    "scoring_select",
    "segment_columns",
]

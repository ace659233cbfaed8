"""The ICP against account data: the fit model, its reference scorer, and the same scoring
compiled to one SQL query per dialect."""

from __future__ import annotations

from .model import HUBSPOT_COLUMNS, FitModel, SegmentModel, UnknownSegment, fit_model
from .reference import AccountResult, SegmentResult, score_account, score_rows

__all__ = [
    "HUBSPOT_COLUMNS",
    "AccountResult",
    "FitModel",
    "SegmentModel",
    "SegmentResult",
    "UnknownSegment",
    "fit_model",
    "score_account",
    "score_rows",
]

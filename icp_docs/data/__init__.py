"""The ICP against account data: the fit model, its reference scorer, the same scoring
compiled to one SQL query per dialect, and the evidence from closed deals that the site and
lint read (:mod:`.evidence_file`).

Names are imported on first use: lint reads :mod:`.evidence_file` on every ``icp-docs
validate``, which must not pay for sqlglot or DuckDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

_EXPORTS = {
    "DIALECTS": "icp_docs.data.compile",
    "HUBSPOT_COLUMNS": "icp_docs.data.model",
    "OUTPUTS": "icp_docs.data.compile",
    "AccountResult": "icp_docs.data.reference",
    "FitModel": "icp_docs.data.model",
    "SegmentModel": "icp_docs.data.model",
    "SegmentResult": "icp_docs.data.reference",
    "UnknownSegment": "icp_docs.data.model",
    "api_columns": "icp_docs.data.model",
    "fit_model": "icp_docs.data.model",
    "score_account": "icp_docs.data.reference",
    "score_rows": "icp_docs.data.reference",
    "scoring_query": "icp_docs.data.compile",
    "scoring_select": "icp_docs.data.compile",
    "segment_columns": "icp_docs.data.compile",
}

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

if TYPE_CHECKING:
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


__getattr__ = exports(__name__, _EXPORTS)

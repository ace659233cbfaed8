"""Company sizes written as words: "Enterprise", "SMB", "Mid-market", "Large companies".

One vocabulary serves two rules. An industries entry that is nothing but a size word is no
industry at all (:func:`size_word_industry`, W126), whatever range the segment gives. Any
other size word, in the label or inside a real vertical ("Enterprise software", "Mid-market
payroll teams"), means something only once a size is given, so the no-company-size warning
names it (:func:`unsized_word`) rather than a second warning saying the same.

What counts as a size word, and what does not: the words sellers use for size bands
(enterprise, SMB and SME, mid-market, small, medium, large, Fortune 500, and the German
Mittelstand and the KMU, PME and PYME of German, French and Spanish playbooks), alone or
joined ("SMB & mid-market") and followed at most by a word for companies ("Large
enterprises", "Mid-sized companies"). "Startups" and "scale-ups" are left alone: they name a
stage, which has its own field (``firmographics.stages``), not a size, and they are half of
many a real vertical ("Fintech startups"). A size word with anything else in the entry is a
vertical, and left alone too: "Small business lending", "SMB banking", "Mid-market private
equity" are industries that serve companies of that size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Code, Diagnostic
from ..spec.load import Segment
from .language import _targeting_texts
from .registry import Context, Loc, segment_rule, warn
from .words import Words

# A size band that is one on its own: "Enterprise", "SMB", "Mid-market", "Fortune 500".
_BAND = (r"(?:enterprises?|smbs?|smes?|kmus?|pmes?|pymes?|mittelstand|"
         r"(?:upper[- ]|lower[- ])?mid[- ]?market|middle[- ]market|"
         r"fortune[- ]?\d{2,4}|global[- ]?2000)")
# A size adjective, which needs a company after it to be a size inside longer text ("Large
# retailers" is no size word; "Large companies" is).
_ADJECTIVE = r"(?:small|medium|mid|large|big|very small|micro)(?:[- ]?size[ds]?|[- ]sized)?"
_COMPANIES = (r"(?:business(?:es)?|compan(?:y|ies)|enterprises?|firms?|organi[sz]ations?|"
              r"orgs?|corporations?|accounts?|customers?|clients?)")
# Sizes joined: "SMB & mid-market", "Small and medium-sized", "Mid-market to enterprise".
# No two ways of joining match the same text (spaces only ever through ``\s+``), so that a
# long entry that is no size fails in linear time rather than trying every split.
_JOINED = r"(?:\s*[,&/+]\s*|\s+(?:(?:and|or|to|plus)\s+)?|-to-)"
_SIZE = rf"(?:{_BAND}|{_ADJECTIVE})"
#: An industries entry that is nothing but sizes: "SMB & mid-market", "Large enterprises",
#: "Enterprise (1000+ employees)" (a size in brackets still names no vertical).
_SIZE_ENTRY = Words(rf"^\s*{_SIZE}(?:{_JOINED}{_SIZE})*(?:\s+{_COMPANIES})?"
                    r"(?:\s*\([^()]*\d[^()]*\))?\s*[.!]?\s*$")
#: A size word inside longer text: a band, or an adjective before companies.
_SIZE_WORD = Words(rf"\b(?:{_BAND}|{_ADJECTIVE}[- ](?:and[- ]{_ADJECTIVE}[- ])?{_COMPANIES})\b")


def is_size_entry(text: str) -> bool:
    """Whether an industries entry names a company size and nothing else."""
    return _SIZE_ENTRY.found_in(text)


def _size_texts(seg: Segment) -> Iterator[tuple[Loc, str]]:
    """The label and firmographics, but not the industries entries that :func:`is_size_entry`
    finds: those are W126's to report."""
    return ((loc, text) for loc, text in _targeting_texts(seg)
            if loc[:2] != ("firmographics", "industries") or not is_size_entry(text))


def unsized_word(seg: Segment) -> tuple[str, str] | None:
    """The first size word in the label or firmographics, and where it is ("the label",
    "firmographics.industries"): a word that says nothing until a size is given. The
    no-company-size warning names it, rather than a second warning saying the same."""
    for loc, text in _size_texts(seg):
        if match := _SIZE_WORD.search(text):
            where = "the label" if loc == ("label",) else ".".join(map(str, loc[:2]))
            return match.group(0), where
    return None


def _bare(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(".!").strip())


@segment_rule(Code.SIZE_WORD_INDUSTRY)
def size_word_industry(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A company size given as an industry: the list of accounts cannot be built by
    vertical, and the size belongs in employees or revenue."""
    firm = seg.spec.firmographics
    sized = [name for name in ("employees", "revenue") if getattr(firm, name) is not None]
    fix = (f"the size is given in {sized[0]} already; name the vertical instead (e.g. "
           "'Logistics', 'Dental clinics')" if sized else
           "give the size as employees: {min: ..., max: ...} and name the vertical")
    for i, text in enumerate(firm.industries):
        if is_size_entry(text):
            yield warn(seg, Code.SIZE_WORD_INDUSTRY, ("firmographics", "industries", i),
                       f"'{_bare(text)}' is a company size, not an industry: {fix}")

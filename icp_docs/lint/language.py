"""The lint rules about wording: vague targeting words, job-title labels, jobs defined by our
product, vendor language where the customer should speak, and placeholders left in.

These are heuristics over short texts, so each pattern is narrow on purpose: a false warning
teaches people to switch a rule off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..diagnostics import Code, Diagnostic
from ..spec.load import Segment
from ..spec.source import Source
from .registry import Context, Loc, playbook_rule, segment_rule, warn
from .words import Words

_COMPANIES = r"(?:compan(?:y|ies)|business(?:es)?|firms?|organi[sz]ations?|startups?|brands?)"
_VAGUE = Words(
    r"\b(innovative|innovators?|forward[- ]thinking|world[- ]class|best[- ]in[- ]class|"
    r"cutting[- ]edge|"
    r"(?:(?:fast[- ])?growing|(?:high|hyper)[- ]?growth) (?:\w+ )?(?:companies|businesses|"
    r"startups|firms|brands)|"
    rf"{_COMPANIES} (?:that|who) (?:wants? to|are looking to) (?:grow|scale)|"
    rf"(?:any|every|all) {_COMPANIES}|all sizes|"
    r"everyone|anyone|modern companies|disruptive|synerg\w*|"
    r"(?:all|any|every|various) (?:industr(?:y|ies)|sectors?|verticals?))\b"
)
_EVERYWHERE = re.compile(
    r"^(global|globally|world[- ]?wide|anywhere|everywhere|international|all (countries|regions|"
    r"markets|geographies)|any (country|region|market|geography))$", re.IGNORECASE)


def _targeting_texts(seg: Segment) -> Iterator[tuple[Loc, str]]:
    spec = seg.spec
    yield ("label",), spec.label
    firm = spec.firmographics
    for name in ("industries", "geographies", "stages", "departments"):
        for i, text in enumerate(getattr(firm, name)):
            yield ("firmographics", name, i), text
    for key, text in firm.other.items():
        yield ("firmographics", "other", key), text


@segment_rule(Code.VAGUE_WORDS)
def vague_words(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Words that sound like targeting but exclude nobody."""
    for loc, text in _targeting_texts(seg):
        is_geo = loc[:2] == ("firmographics", "geographies")
        if (match := _VAGUE.search(text)) or (is_geo and (match := _EVERYWHERE.match(text))):
            yield warn(seg, Code.VAGUE_WORDS, loc,
                       f"'{match.group(0)}' is too vague to target: say what a seller could "
                       "check on a list of companies")


_TITLE = re.compile(
    r"\b(ceos?|cfos?|ctos?|coos?|cmos?|cros?|cisos?|cios?|vps?|svps?|evps?|heads? of|chiefs?|"
    r"directors?|managers?|officers?|engineers?|analysts?|specialists?|founders?|"
    r"controllers?|administrators?|accountants?|developers?|recruiters?|buyers?)\b",
    re.IGNORECASE,
)
# What they try to do follows "who", "to", an -ing word, or the same words in the languages
# playbooks are written in next to English: French "qui", "pour", Spanish and Portuguese
# "que", "para", and a German or Dutch relative clause (", die ...").
_PURPOSE = re.compile(r"\b(who|that|which|to|with|for|\w+ing|qui|pour|que|para)\b"
                      r"|,\s*(die|der|das|dat|welche[nrs]?)\b", re.IGNORECASE)
# -ing words that name a department or trade, not an activity: "VP Marketing" is a title.
_ING_NOUNS = frozenset((
    "marketing", "engineering", "accounting", "consulting", "manufacturing", "banking",
    "publishing", "purchasing", "billing", "recruiting", "training", "pricing", "hosting",
    "computing", "nursing", "shipping", "staffing", "lending", "printing", "clothing",
    "housing", "catering", "ticketing", "advertising",
))


@segment_rule(Code.JOB_TITLE_LABEL)
def job_title_label(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A label must say WHO they are and WHAT they try to do, not name a job title."""
    label = seg.spec.label
    rest = _TITLE.sub(" ", label)
    if any(m.group(0).lower() not in _ING_NOUNS for m in _PURPOSE.finditer(rest)):
        return
    if _TITLE.search(label):
        yield warn(seg, Code.JOB_TITLE_LABEL, ("label",),
                   f"'{label}' reads like a job title; describe who they are and what they try "
                   "to do (e.g. 'Ops-heavy clinics automating patient intake')")
    else:
        yield warn(seg, Code.JOB_TITLE_LABEL, ("label",),
                   f"'{label}' says who they are but not what they try to do (e.g. 'Ops-heavy "
                   "clinics automating patient intake')")


_PRODUCT_JOB = Words(
    r"^\s*(companies|teams|businesses|organi[sz]ations|firms|customers|people|users|accounts)"
    r"\s+(that|who|which)\s+(needs?|wants?|requires?|are looking for|use)\b"
    r"|\b(need|needing|in need of|want|wanting|looking for|buy|find|implement|adopt|deploy)s?"
    r"\s+(a|an|some|better|new)\s+([\w-]+\s+){0,3}"
    r"(tool|platform|software|solution|app|system|product)s?\b"
)


@segment_rule(Code.PRODUCT_DEFINED_JOB)
def product_defined_job(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Jobs written as "companies that need <our product>" are solution-thinking."""
    for i, job in enumerate(seg.spec.jobs_to_be_done):
        if _PRODUCT_JOB.found_in(job):
            yield warn(seg, Code.PRODUCT_DEFINED_JOB, ("jobs_to_be_done", i),
                       "this job is defined by a product; write what the customer is trying "
                       "to get done, in their words")


# The weak triggers the frameworks name, "they might want it" and "they have the budget",
# as the whole event, give or take three words: once the text goes on to say what happened
# ("Funding round closed, so they have budget", "Would need to file SOX 404 within a year of
# the IPO"), it names an event and is left alone.
_WEAK_EVENT = Words(
    r"^\s*(?:(?:they\s+|the (?:company|customer|prospect|account)\s+)?"
    r"(?:(?:might|may|could|would)\s+(?:want|need|like|be interested)|"
    r"(?:have|has)\s+(?:the\s+|a\s+|some\s+|enough\s+|spare\s+)?budget|"
    r"(?:are\s+|is\s+)?interested in)"
    r"|budget (?:is\s+)?available)\b(?:\s+\S+){0,3}[.!]?\s*$"
)


@segment_rule(Code.OVERRATED_TRIGGER)
def overrated_trigger(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A trigger marked strong that is a weak one in the frameworks' own words: it would
    keep the segment from the weak-triggers-only warning it deserves."""
    for i, trigger in enumerate(seg.spec.triggers):
        if trigger.strength == "strong" and _WEAK_EVENT.found_in(trigger.event):
            yield warn(seg, Code.OVERRATED_TRIGGER, ("triggers", i, "strength"),
                       f"'{_short(trigger.event)}' is a weak trigger: wanting it or having the "
                       "budget does not make anyone buy now; mark it weak, or name the event "
                       "that starts a purchase (a new executive, a funding round, a deadline)")


# Vendor language, not every word vendors use: customers say "our setup is not scalable",
# "I need something robust", "the switch was seamless", "we want to streamline approvals",
# "we have no leverage with the bank", "our tool is a spreadsheet" and "our product team"
# (their own). So these words count only as a vendor writes them: before the thing sold
# ("seamless integration", "robust, scalable platform", "end-to-end solution"), as a verb
# ("leverage our data", not the leverage they lack), or addressed to the reader ("streamline
# your close", "our product gives you ...").
_SOLD = (r"(?:solutions?|platforms?|software|tools?|suites?|offerings?|features?|functionality|"
         r"capabilit(?:y|ies)|integrations?|experiences?|workflows?|onboarding|connectivity|"
         r"collaboration|automation|reporting|analytics|infrastructure|architecture|apis?|"
         r"visibility|security)")
_OWN = (r"(?:team|teams|manager|managers|engineers?|engineering|leads?|leaders?|owners?|people|"
        r"org|group|vendors?|stack|roadmap|launch(?:es)?|lines?|budget|spend|licen[cs]es?|"
        r"costs?|data|admins?|department)")
_VENDOR = Words(
    rf"\b(our (?:(?:platform|solution)s?|(?P<item>product|tool|software))\b(?! {_OWN}\b)"
    r"(?(item)(?=[^.!?\n]*\byour?\b))|"
    r"leverag(?:e[sd]?|ing)\b(?= (?!(?:with|over|in|on|to|for|against|than|at|left|here|there|"
    r"because|when|if|and|or|but|buyouts?|loans?|finance)\b)[a-z])|"
    r"(?:(?:seamless|robust|scalable)(?:,? (?:and )?(?:seamless|robust|scalable))*"
    rf"(?: [\w-]+){{0,2}}?|end[- ]to[- ]end(?: [\w-]+)?) {_SOLD}|"
    r"(?:highly|infinitely|massively|truly|fully) scalable|"
    r"seamlessly (?:integrat|connect)\w*|(?:integrat|connect)\w* seamlessly|"
    r"synerg\w*|empower\w*|best[- ]in[- ]class|world[- ]class|value proposition|"
    r"streamlin\w* your|streamlined (?:[\w-]+ )?(?:experiences?|workflows?|solutions?|platforms?|"
    r"onboarding)|"
    r"unlock\w* (?:the |your |new |hidden |real |more )?(?:full |true |hidden )?(?:value|"
    r"potential|growth|insights?|power|efficienc\w*|revenue|opportunit\w*|productivity|"
    r"savings|possibilit\w*)|"
    r"holistic|turnkey|game[- ]changing|next[- ]gen\w*|revolutioni[sz]\w*|"
    r"cutting[- ]edge|frictionless)\b"
)
# The vendor's word in the customer's mouth, mocked as often as not: set off in quotation
# marks ("Their 'synergies' pitch was pure fluff"), or what they were sold, promised or
# pitched ("We were sold cutting-edge and got a spreadsheet", "all the synergy talk"). Marks
# around the whole text are the quote's own, not the customer's: vendor prose in them warns.
@functools.cache
def _mockery() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # Compiled on the first vendor word only: most runs have none, and start-up pays for
    # every pattern compiled at import.
    sold_as = re.compile(
        r"\b(?:sold|promised|pitched|claimed|advertised|marketed|touted|hyped|billed|"
        r"so[- ]called|buzzwords?|they call(?:ed)?|heard|(?:talk(?:ed|ing)?|went on) about)"
        r"(?:\s+(?:us|me|on|as|a|an|the|some|all|this|that|their|it|to|be|was|would|like)){0,4}"
        "\\s*[\"'\u2018\u201c\u00ab]?$", re.IGNORECASE)
    after = re.compile("^[\"'\u2019\u201d\u00bb]?\\s+(?:pitch(?:es)?|talk|buzzwords?|nonsense|"
                       "fluff|jargon|speak|bingo)\\b", re.IGNORECASE)
    set_off = re.compile("(?<!\\w)[\"'\u2018\u201c\u00ab][^\"\u201c\u201d\u00ab\u00bb\n]{1,60}?"
                         "[\"'\u2019\u201d\u00bb](?!\\w)")
    return sold_as, after, set_off


def _mocked(text: str, match: re.Match[str]) -> bool:
    sold_as, after, set_off = _mockery()
    start, end = match.span()
    if sold_as.search(text[:start]) or after.match(text[end:]):
        return True
    return any(span.start() <= start and end <= span.end() and
               (text[:span.start()].strip() or text[span.end():].strip(" .!?"))
               for span in set_off.finditer(text))


def _vendor_words(text: str) -> re.Match[str] | None:
    """The first vendor word in ``text`` that the customer does not quote or mock."""
    return next((m for m in _VENDOR.finditer(text) if not _mocked(text, m)), None)


def _customer_quotes(seg: Segment) -> Iterator[tuple[Loc, str]]:
    """The segment's texts that are the customer's own words: its journey's quotes and its
    personas' verbatim quotes."""
    for stage, value in seg.spec.journey.items():
        if isinstance(value, str):
            yield ("journey", stage), value
        else:
            yield ("journey", stage, "quote"), value.quote
    for i, persona in enumerate(seg.spec.personas):
        for j, quote in enumerate(persona.quotes):
            yield ("personas", i, "quotes", j), quote


@segment_rule(Code.VENDOR_LANGUAGE)
def vendor_language(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Journey and persona quotes must be what the customer says, not what we say."""
    for loc, quote in _customer_quotes(seg):
        if match := _vendor_words(quote):
            yield warn(seg, Code.VENDOR_LANGUAGE, loc,
                       f"'{match.group(0)}' is vendor language; write the quote as the "
                       "customer would say it")


@playbook_rule(Code.VENDOR_LANGUAGE)
def vendor_language_stages(ctx: Context) -> Iterator[Diagnostic]:
    """The playbook's stage examples are customer quotes too."""
    for i, stage in enumerate(ctx.playbook.spec.journey_stages):
        if match := _vendor_words(stage.example):
            yield ctx.playbook.source.diagnostic(
                Code.VENDOR_LANGUAGE, ("journey_stages", i, "example"),
                f"'{match.group(0)}' is vendor language; write the example as the customer "
                "would say it")


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."


_PLACEHOLDER = re.compile(r"(?<![\w-])(?:TODO|TBD|FIXME)(?![\w-])|(?i:lorem ipsum)")


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))


def _placeholders(source: Source, spec: BaseModel) -> Iterator[Diagnostic]:
    # A quick look over the whole spec first: walking every field is ten times slower.
    dumped = spec.model_dump_json()
    if not any(word in dumped for word in ("TODO", "TBD", "FIXME")) and \
            "lorem ipsum" not in dumped.lower():
        return
    for loc, text in _strings(spec, ()):
        if match := _PLACEHOLDER.search(text):
            yield source.diagnostic(Code.PLACEHOLDER, loc,
                                    f"placeholder '{match.group(0)}' left in; write the real "
                                    "text or remove the field")


@segment_rule(Code.PLACEHOLDER)
def placeholder(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A TODO left from `icp-docs new segment` would be published and printed as it is."""
    yield from _placeholders(seg.source, seg.spec)


@playbook_rule(Code.PLACEHOLDER)
def placeholder_playbook(ctx: Context) -> Iterator[Diagnostic]:
    """The same, in playbook.yml."""
    yield from _placeholders(ctx.playbook.source, ctx.playbook.spec)

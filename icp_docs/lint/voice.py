"""W122 not-their-words: jobs and quotes that describe the customer instead of quoting them.

A description is the vendor stating, in the present, what the customer is, needs or feels:
"The prospect recognises ...", "They need ...", "Customers want ...", "The buyer is looking
for ...", "Finance teams struggle ...". The customer speaking of someone else is not one,
though it is in the third person too: what a colleague, the board or a vendor did ("The
analyst left the week before the board meeting", "They changed the export format again"),
a thing named after a person ("The customer portal went down", "The prospect list is
useless"), a particular occasion ("The CFO is on holiday this week"), a question ("They want
a daily close? With what team?"). So a text warns when it opens with the customer as its
subject (a pronoun, the vendor's words for the customer, a job title or a department's
teams) and goes on, in the present, to say what that subject is or does.

tests/test_lint_corpus.py measures the rule on customer quotes and vendor descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Code, Diagnostic
from ..spec.load import Segment
from .language import _PRODUCT_JOB, _customer_quotes, _short
from .registry import Context, playbook_rule, segment_rule, warn
from .words import Words

_FIRST_PERSON = Words(
    r"\b(i|i['\u2019](?:m|ve|ll|d)|me|my|mine|myself|we|we['\u2019](?:re|ve|ll|d)|us|our|ours|"
    r"ourselves|let['\u2019]s)\b"
)
# The customer is what the text opens with ("They struggle ...", "When they add ...",
# "Typically, the CFO ..."). Further in, "they" and "their" are as often the customer's own
# sellers, clients or auditors ("Pay sellers on time, so that they stay"), which the customer
# would say just so.
_OPENS = ("^[\\s\"'\u201c\u201e\u2018\u00ab]*"  # the start, past any opening quotation marks
          r"(?:(?:typically|usually|often|generally|in general|in practice|at this stage|"
          r"at this point)\s*,?\s+)?(?:(?:when|whenever|once|every time|each time)\s+)?")
# A job title opens such a text as well ("The CFO worries ...", "Finance teams struggle ...",
# "Ops managers patch it"), but not when the speakers name their own role ("CFO here: ...",
# "Controller, 200-person SaaS: ...", "As the controller I ..."). The words that are no title
# without a department ("leads", "teams", "owners") count only after one: "Leads go cold"
# and "It leads to overtime" are the customer speaking.
_DEPARTMENT = (r"(?:finance|financial|fp&a|accounting|payroll|tax|treasury|audit|billing|"
               r"revops|ops|operations|sales|revenue|marketing|growth|product|engineering|"
               r"devops|data|security|compliance|legal|hr|people|talent|recruiting|"
               r"procurement|purchasing|support|customer|success|account|partner|channel|"
               r"store|plant|site|office|field|line|warehouse|logistics|fleet|clinic|practice|"
               r"regional|country|senior|junior|frontline)")
_TITLE_OF = (r"(?:c[efotmr]os?|cisos?|cios?|chros?|controllers?|accountants?|bookkeepers?|"
             r"founders?|managers?|analysts?|"
             r"(?:(?:vps?|svps?|evps?|directors?)(?:\s+of)?|(?:heads?|chiefs?)\s+of)"
             rf"(?:\s+{_DEPARTMENT}){{0,2}})")
_STAFF = (r"(?:teams|leads|leaders|reps|owners|engineers|admins|specialists|officers|"
          r"departments|staff)")
_DETERMINER = r"(?:(?:the|this|that|these|those|a|an|most|many|some|all|every|each|such|new)\s+)?"
# How vendors size up the teams they sell to: "Small finance teams", "Busy controllers".
_SIZED = (r"(?:(?:small|smaller|large|larger|lean|busy|overworked|overstretched|understaffed|"
          r"typical|growing)\s+)?")
# Atomic, so that "Head of finance here" cannot back off to "Head of" to get past the check
# that follows. (The department words are written once, as a group, "staff" needing it: a
# pattern's compile time, paid by every run, grows with its length.)
_ROLE = (rf"(?>{_DETERMINER}{_SIZED}(?:(?P<department>{_DEPARTMENT})\s+){{0,2}}"
         rf"(?P<title>{_TITLE_OF}|(?(department){_STAFF}|(?!))))\b"
         "(?!\\s*(?:here|speaking)\\b|\\s*[:,(\u2013\u2014/-])")
# The vendor's words for the customer, and the companies and teams it sells to.
_CUSTOMER = (rf"{_DETERMINER}{_SIZED}(?:(?:economic|ideal|typical|key|end|potential|"
             r"prospective|primary)\s+)?(?P<noun>customers?|prospects?|buyers?|clients?|"
             r"personas?|champions?|decision[- ]makers?|target\s+accounts?|companies|teams|"
             r"businesses|organi[sz]ations|firms|users)\b")
_SUBJECT = Words(rf"{_OPENS}(?:(?P<owner>their|his|her)|(?P<pronoun>they|he|she)|{_ROLE}|"
                 rf"{_CUSTOMER})\b")

# The vendor as the customer speaks of it ("Are these people going to waste my time?"): what
# the vendor's sellers, demo or support did, recalled in the past tense ("Their support team
# answered within the hour", "Their demo ran on real payroll files"). Both halves are needed:
# the customer's own team, sellers or demos are described in the present ("Their support team
# drowns in tickets", "Their demos run long"), and in a playbook for selling to sales teams
# "their sales rep" is as often the customer's.
_VENDOR_SIDE = (r"(?:(?:sales|support|success|implementation|onboarding|services|solutions|"
                r"account)\s+team|sales\s*(?:rep|person|guy|engineer)|salesperson|"
                r"account\s+(?:manager|executive)|solutions?\s+(?:engineer|architect)|support|"
                r"demo|pitch|(?:sales\s+|pitch\s+)?deck|proposal|quote|pricing(?:\s+page)?|"
                r"trial|references|case\s+stud(?:y|ies)|(?:onboarding|implementation)(?:\s+plan)?)")
_RECALLED = (r"(?:\w+ed|was|were|had|did|knew|took|got|gave|made|came|sent|felt|ran|went|saw|"
             r"said|told|kept|won|lost|spent|found|understood|could|"
             r"(?:could|did|was|were|had)n['\u2019]t)")
_ABOUT_VENDOR = Words(
    rf"{_OPENS}their\s+(?:\S+\s+){{0,2}}?{_VENDOR_SIDE}\s+"
    rf"(?:(?:never|just|even|also|only|still|\w+ly)\s+)?{_RECALLED}\b"
)
# A particular day or spell: the customer telling what is going on, where a description says
# what is always so ("every Monday" is habit, "on Monday" an occasion).
_OCCASION = Words(
    r"\b(?:yesterday|today|tonight|this (?:morning|afternoon|week|month|quarter|year)|"
    r"last (?:night|week|month|quarter|year|time)|next (?:week|month|quarter|year)|"
    r"(?:on|last|next|this|by|until|since) (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)|(?:in|since|until|by|last|this|next) (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december)|"
    r"on (?:holiday|leave|vacation|sick leave|maternity leave|paternity leave)|off sick|"
    r"out sick|(?:19|20)\d\d|\w+ ago)\b"
)

_TOKEN = re.compile(r"[\w'\u2019&-]+|[^\w\s]")
_ADVERBS = frozenset((
    "always", "never", "still", "just", "also", "even", "already", "now", "then", "all", "both",
    "only", "often", "soon", "seldom", "sometimes", "rather", "again", "each", "too", "not",
))
_PRESENT = frozenset((
    "is", "are", "am", "has", "have", "does", "do", "can", "will", "may", "might", "must",
    "should", "would", "could", "shall", "isn't", "aren't", "doesn't", "don't", "hasn't",
    "haven't", "can't", "cannot", "won't", "wouldn't", "shouldn't", "mustn't", "'s", "'re",
    "'ve", "'ll", "'d",
))
_PAST = frozenset((
    "was", "were", "had", "did", "didn't", "wasn't", "weren't", "hadn't", "couldn't", "left",
    "said", "told", "quit", "took", "got", "gave", "made", "came", "went", "sent", "saw", "knew",
    "thought", "found", "lost", "kept", "spent", "wrote", "ran", "began", "bought", "brought",
    "caught", "fell", "felt", "forgot", "held", "built", "broke", "chose", "drove", "grew",
    "led", "meant", "met", "paid", "rang", "rose", "sat", "sold", "slept", "spoke", "stood",
    "stole", "swore", "threw", "understood", "woke", "won", "withdrew", "became", "fought",
    "taught", "hid", "flew", "drew", "shook", "struck", "sought", "burnt", "learnt", "wore",
    "tore", "ate", "overtook", "undertook", "forgave", "rebuilt", "resigned",
))


def _adverb(word: str) -> bool:
    # "-ly" words of six letters or more ("typically", "finally"), but not verbs ("rely",
    # "apply", "supply").
    return word in _ADVERBS or (len(word) >= 6 and word.endswith("ly") and
                                not word.endswith("ply"))


def _past(word: str) -> bool:
    return word in _PAST or (word.endswith("ed") and not word.endswith("eed") and
                             word not in ("shed", "bed", "wed", "embed"))


def _verb(rest: str) -> str | None:
    """The first word after the subject that is no adverb, past a comma-delimited aside
    ("The buyer, typically a CFO, wants ..."); None when the text ends first."""
    tokens = [t.replace("\u2019", "'") for t in _TOKEN.findall(rest.lower())]
    if tokens[:1] == [","]:
        aside = tokens.index(",", 1) if "," in tokens[1:9] else 0
        tokens = tokens[aside + 1:] if aside else tokens
    return next((t for t in tokens if not _adverb(t)), None)


def _states(rest: str, *, plural: bool) -> bool:
    """Whether what follows the subject says, in the present, what it is or does: any verb
    but a past one after a plural ("They need"); after a singular, a verb that agrees with it
    ("The prospect recognises", "The buyer is"), for "The prospect list" and "The analyst
    left" are no such thing."""
    word = _verb(rest)
    if word is None:
        return True
    if _past(word):
        return False
    return plural or word in _PRESENT or (word.endswith("s") and not word.endswith("ss"))


def _plural(match: re.Match[str]) -> bool:
    # The number is the head word's: the first of a title ("Heads of finance", "VP Sales"),
    # the last of the customer's name ("Decision makers", "The target account").
    if match.group("pronoun") is not None:
        return match.group("pronoun").lower() == "they"
    if match.group("title") is not None:
        head = match.group("title").split()[0]
    else:
        head = match.group("noun").split()[-1]
    return head.lower().endswith("s")


def _described(text: str) -> bool:
    """Whether ``text`` describes the customer rather than quoting them."""
    if _FIRST_PERSON.found_in(text) or text.rstrip(" \"'\u201d\u2019\u00bb").endswith("?"):
        return False
    if (match := _SUBJECT.search(text)) is None:
        return False
    if match.group("owner") is not None:  # "Their team ...": the customer's own, from outside
        return not _ABOUT_VENDOR.found_in(text)
    return not _OCCASION.found_in(text) and _states(text[match.end():], plural=_plural(match))


_NOT_THEIR_WORDS = "describes the customer instead of quoting them; write it in the first " \
    "person, as they would say it"


@segment_rule(Code.NOT_THEIR_WORDS)
def not_their_words(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Jobs and quotes are in the customer's own words: "I ...", "we ..."."""
    jobs = [(("jobs_to_be_done", i), job) for i, job in enumerate(seg.spec.jobs_to_be_done)
            if not _PRODUCT_JOB.found_in(job)]  # already a product-defined-job warning
    for loc, text in [*jobs, *_customer_quotes(seg)]:
        if _described(text):
            yield warn(seg, Code.NOT_THEIR_WORDS, loc, f"'{_short(text)}' {_NOT_THEIR_WORDS}")


@playbook_rule(Code.NOT_THEIR_WORDS)
def not_their_words_stages(ctx: Context) -> Iterator[Diagnostic]:
    """The stage examples are quotes too."""
    for i, stage in enumerate(ctx.playbook.spec.journey_stages):
        if _described(stage.example):
            yield ctx.playbook.source.diagnostic(
                Code.NOT_THEIR_WORDS, ("journey_stages", i, "example"),
                f"'{_short(stage.example)}' {_NOT_THEIR_WORDS}")

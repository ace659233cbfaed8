"""The spec models: one pydantic class per kind of thing the contract names.

Models are frozen and reject unknown fields. They check what a single value can tell; rules
that need several values or several files (unique ids, journey keys, thresholds) live in
:mod:`icp_docs.spec.checks`, where each problem can point at its own line.
"""

# No `from __future__ import annotations` here, unlike the other modules: pydantic would then
# evaluate every field's annotation from its string, each time a command builds the models.
import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import core_schema

from ..money import as_written

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid id (what :data:`Slug` accepts), for checks outside pydantic
    (``re.match`` with ``$`` alone would let a final newline through)."""
    return len(text) <= 64 and re.fullmatch(SLUG_PATTERN, text) is not None
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Refresh = Annotated[str, StringConstraints(pattern=r"^\d{4}-Q[1-4]$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Count = Annotated[int, Field(ge=0)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _whole_tier(value: object) -> object:
    # Literal[1, 2, 3] matches by equality: `tier: true` (True == 1) and `tier: 2.0` would
    # pass as tiers, where every other whole-number field refuses them.
    if isinstance(value, bool | float):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise ValueError(f"expected 1, 2 or 3, got {shown}")
    return value


def _not_number(value: object) -> object:
    # Lax dates read numbers as Unix timestamps: `as_of: 0` would be 1970-01-01.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"expected a date like 2026-11-02, got {value!r}")
    return value


#: Dates may also be written quoted ("2026-11-02"): editors and JSON Schema see them as strings.
Date = Annotated[dt.date, Strict(False), BeforeValidator(_not_number)]
Priority = Literal["core", "secondary"]
Tier = Annotated[Literal[1, 2, 3], BeforeValidator(_whole_tier)]
Status = Literal["hypothesis", "validated"]
EvidenceKind = Literal["closed_won", "interviews", "pilots", "usage_data", "win_loss"]
Strength = Literal["strong", "weak"]
Authority = Literal["recommends", "approves", "vetoes"]
ChannelKind = Literal[
    "paid", "outbound", "events", "content", "partners", "community", "referrals"
]
Role = Literal["economic_buyer", "champion", "technical_buyer", "end_user", "blocker"]
DisqualifierReason = Literal[
    "no_pain", "no_product_value", "high_cac", "high_churn", "low_contract_value",
    "competitor_fit", "other",
]
Dimension = Literal[
    "firmographics", "technographics", "persona", "jobs_to_be_done", "alternatives",
    "triggers", "budget", "reachability",
]

ROLE_NAMES: dict[str, str] = {
    "economic_buyer": "Economic buyer",
    "champion": "Champion",
    "technical_buyer": "Technical buyer",
    "end_user": "End user",
    "blocker": "Blocker",
}

DEFAULT_STAGES: tuple[tuple[str, str, str], ...] = (
    ("problem-exists", "Problem exists", "This keeps going wrong and nobody owns it."),
    ("diy-fix", "DIY / temporary fix", "I'll patch it myself for now."),
    ("first-value", "First value confirmed", "Huh, the workaround actually helps."),
    ("fear-of-scaling", "Fear of scaling it", "If this grows, my patch will fall over."),
    ("breaking-point", "Breaking point", "We cannot run another month like this."),
    ("looking-for-help", "Looking for help", "Who has solved this properly before?"),
    ("vendor-evaluation", "Vendor evaluation", "Will these people waste my time?"),
    ("decision", "Decision", "Fine, we are doing it."),
    ("relief", "Relief", "It finally just works."),
    ("whats-next", "What's next", "What else can we fix now?"),
)


# The default factories of the empty lists and mappings. Not the builtins `list` and `dict`:
# pydantic reads each factory's signature when it builds a model, and a builtin's is parsed
# from its text with the tokenizer, which was a quarter of building these models (some 12 ms
# of every command that loads specs). A function's signature is read from its code.
def _no_items() -> list[Any]:
    return []


def _no_entries() -> dict[str, Any]:
    return {}


#: The account fields a spec can name: what ``icp-docs score`` reads from each row (the
#: playbook's ``accounts.columns`` says which column of an export holds each).
ACCOUNT_FIELDS = ("name", "domain", "industry", "employees", "revenue", "country",
                  "founded_year", "technologies", "stage")
#: The fields whose cells hold text an entry can match, for anti-ICP signals.
TEXT_FIELDS = ("industry", "country", "technologies", "stage")
AccountField = Literal["industry", "country", "technologies", "stage"]


def _text_schema() -> core_schema.CoreSchema:
    return core_schema.str_schema(strip_whitespace=True, min_length=1, strict=True)


class Term(str):
    """A list entry (an industry, a country, a tool) that reads as its text on every page, and
    may name the account-data values it matches: ``- B2B software: [COMPUTER_SOFTWARE,
    Software]``. Without them (``match == ()``) data is matched on the text itself.

    A ``str`` everywhere else (pages, lint, diff): only :mod:`icp_docs.data` reads ``match``.
    """

    match: tuple[str, ...]

    def __new__(cls, text: str, match: tuple[str, ...] = ()) -> Self:
        made = super().__new__(cls, text)
        made.match = tuple(match)
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # workers send models back pickled
        return (type(self), (str(self), self.match))

    @classmethod
    def _make(cls, value: str | dict[str, list[str]]) -> "Term":
        if isinstance(value, str):
            return cls(value)
        ((text, values),) = value.items()
        return cls(text, tuple(values))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        entry = core_schema.dict_schema(
            keys_schema=_text_schema(),
            values_schema=core_schema.list_schema(_text_schema(), min_length=1),
            min_length=1, max_length=1, strict=True)
        return core_schema.no_info_after_validator_function(
            cls._make, core_schema.union_schema([_text_schema(), entry]),
            serialization=core_schema.plain_serializer_function_ser_schema(cls._dump))

    def _dump(self) -> str | dict[str, list[str]]:
        return {str(self): list(self.match)} if self.match else str(self)


class Signal(str):
    """An anti-ICP signal: text for sellers, and optionally the account values that show it,
    by field: ``- Books close in QuickBooks: {technologies: [QuickBooks, QBO]}``. Only a
    signal with match values can knock an account out in data."""

    match: dict[str, tuple[str, ...]]

    def __new__(cls, text: str, match: dict[str, tuple[str, ...]] | None = None) -> Self:
        made = super().__new__(cls, text)
        made.match = dict(match or {})
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.match))

    @classmethod
    def _make(cls, value: str | dict[str, dict[str, list[str]]]) -> "Signal":
        if isinstance(value, str):
            return cls(value)
        ((text, by_field),) = value.items()
        return cls(text, {name: tuple(values) for name, values in by_field.items()})

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        fields = core_schema.typed_dict_schema(
            {name: core_schema.typed_dict_field(
                core_schema.list_schema(_text_schema(), min_length=1), required=False)
             for name in TEXT_FIELDS},
            extra_behavior="forbid", strict=True)
        entry = core_schema.dict_schema(keys_schema=_text_schema(), values_schema=fields,
                                        min_length=1, max_length=1, strict=True)
        return core_schema.no_info_after_validator_function(
            cls._make, core_schema.union_schema([_text_schema(), entry]),
            serialization=core_schema.plain_serializer_function_ser_schema(cls._dump))

    def _dump(self) -> str | dict[str, dict[str, list[str]]]:
        if not self.match:
            return str(self)
        return {str(self): {name: list(values) for name, values in self.match.items()}}


class Model(BaseModel):
    """Base of every spec model: immutable, unknown fields rejected.

    Strict: YAML already gives numbers, booleans and text their types, so pydantic must not
    coerce them further (``count: "12"``, ``knockout: yes`` or ``tier: true`` are mistakes,
    and the JSON Schema that editors check against rejects them too).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                              strict=True)


def _in_order(low: float | None, high: float | None) -> None:
    if low is not None and high is not None and low > high:
        # As written: 30000000.0 is "30,000,000", not :g's "3e+07".
        raise ValueError(f"min ({as_written(low)}) is greater than max ({as_written(high)})")


class Range(Model):
    """A range of counts; either end may be open."""

    min: Count | None = None
    max: Count | None = None
    knockout: bool = False  # an account outside the range is disqualified in data

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        _in_order(self.min, self.max)
        return self


class Money(Model):
    """A range of money; the currency defaults to the playbook's."""

    min: Amount | None = None
    max: Amount | None = None
    currency: Currency | None = None
    knockout: bool = False  # an account outside the range is disqualified in data

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        _in_order(self.min, self.max)
        return self


class Evidence(Model):
    kind: EvidenceKind
    summary: Text
    count: Count | None = None
    as_of: Date | None = None


class AntiICP(Model):
    """A "looks similar but isn't" cousin of an ICP."""

    name: Text
    looks_like: Text
    why_not: Text
    signals: Annotated[list[Signal], Field(min_length=1)]  # how a seller spots it early
    evidence: Text | None = None


class Stage(Model):
    id: Slug
    name: Text
    example: Text


class Thresholds(Model):
    strong_at: Annotated[int, Field(ge=1)] = 5
    disqualify_below: Annotated[int, Field(ge=0)] = 3


class Summary(Model):
    buyer: Text
    sales_motion: Text
    buying_committee: bool
    common_ground: Text


class LintSettings(Model):
    """Extension: lint rules switched off for this playbook, by code or name."""

    disable: list[Text] = Field(default_factory=_no_items)


class Columns(Model):
    """Which column of an account export holds each field, where it is not HubSpot's (the API
    name or the export label, e.g. ``numberofemployees`` or "Number of Employees")."""

    name: Text | None = None
    domain: Text | None = None
    industry: Text | None = None
    employees: Text | None = None
    revenue: Text | None = None
    country: Text | None = None
    founded_year: Text | None = None
    technologies: Text | None = None
    stage: Text | None = None


class Grades(Model):
    """The lowest fit score (0-100) of each grade; below ``C`` an account grades D."""

    A: Annotated[int, Field(ge=1, le=100)] = 80
    B: Annotated[int, Field(ge=1, le=100)] = 60
    C: Annotated[int, Field(ge=1, le=100)] = 40

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.A > self.B > self.C:
            raise ValueError(f"grades must fall from A to C (A {self.A}, B {self.B}, "
                             f"C {self.C})")
        return self


class Accounts(Model):
    """How account data (a CRM export, a warehouse table) is read by ``icp-docs score``,
    ``sql`` and ``evidence``."""

    columns: Columns = Field(default_factory=Columns)
    #: The currency of the revenue column; the playbook's currency when left out.
    revenue_currency: Currency | None = None
    #: What one unit of each currency is worth in the playbook's currency (EUR: 1.08).
    rates: dict[Currency, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=_no_entries)
    grades: Grades = Field(default_factory=Grades)


class PlaybookSpec(Model):
    """``specs/playbook.yml``: company-level facts."""

    product: Text
    refresh: Refresh
    reviewed_on: Date
    owner: Text
    currency: Currency = "USD"
    summary: Summary
    anti_icp: list[AntiICP] = Field(default_factory=_no_items)
    journey_stages: list[Stage] = Field(
        default_factory=lambda: [Stage(id=i, name=n, example=e) for i, n, e in DEFAULT_STAGES],
        min_length=1,  # no stage at all would make every journey key an error
    )
    qualification: Thresholds = Field(default_factory=Thresholds)
    lint: LintSettings = Field(default_factory=LintSettings)
    accounts: Accounts = Field(default_factory=Accounts)


class Firmographics(Model):
    industries: Annotated[list[Term], Field(min_length=1)]
    employees: Range | None = None
    revenue: Money | None = None
    geographies: list[Term] = Field(default_factory=_no_items)
    company_age_years: Range | None = None
    stages: list[Term] = Field(default_factory=_no_items)
    departments: list[Term] = Field(default_factory=_no_items)  # no account column: W128
    other: dict[str, Text] = Field(default_factory=_no_entries)


class Technographics(Model):
    uses: list[Term] = Field(default_factory=_no_items)
    bonus: list[Term] = Field(default_factory=_no_items)
    red_flags: list[Term] = Field(default_factory=_no_items)


class Alternative(Model):
    name: Text
    note: Text | None = None  # "A contractor for the annual report" needs none


class Trigger(Model):
    event: Text
    strength: Strength
    window_days: Annotated[int, Field(ge=1)] | None = None

    @property
    def urgency(self) -> tuple[bool, int]:
        """Sort key: strong triggers first, then the shortest window (the most urgent)."""
        return self.strength != "strong", self.window_days or 10**6


class Budget(Model):
    role: Text
    authority: Authority
    limit: Amount | None = None


class Channel(Model):
    channel: ChannelKind
    detail: Text


class WorkingDay(Model):
    activities: list[Text] = Field(default_factory=_no_items)
    responsibilities: list[Text] = Field(default_factory=_no_items)
    success_metrics: list[Text] = Field(default_factory=_no_items)


class Objection(Model):
    objection: Text
    response: Text


class Persona(Model):
    """A human inside the account, by buying role."""

    id: Slug
    title: Text
    role: Role
    department: Text | None = None
    seniority: Text | None = None
    tenure: Text | None = None
    team_size: Range | None = None
    education: Text | None = None
    interests: list[Text] = Field(default_factory=_no_items)
    jobs_to_be_done: list[Text] = Field(default_factory=_no_items)
    working_day: WorkingDay | None = None
    challenges: list[Text] = Field(default_factory=_no_items)
    pains: list[Text] = Field(default_factory=_no_items)
    tools: list[Text] = Field(default_factory=_no_items)
    buying_process: Text | None = None
    objections: list[Objection] = Field(default_factory=_no_items)
    messaging: list[Text] = Field(default_factory=_no_items)
    quotes: list[Text] = Field(default_factory=_no_items)

    @property
    def role_name(self) -> str:
        """The buying role as people say it: "Economic buyer"."""
        return ROLE_NAMES[self.role]


class Disqualifier(Model):
    reason: DisqualifierReason
    detail: Text
    evidence: Text | None = None


class Criterion(Model):
    id: Slug
    question: Text
    dimension: Dimension
    knockout: bool = False


class Qualification(Model):
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    strong_at: Annotated[int, Field(ge=1)] | None = None
    disqualify_below: Annotated[int, Field(ge=0)] | None = None


class JourneyStep(Model):
    quote: Text
    touchpoints: list[Text] = Field(default_factory=_no_items)
    assets: list[Text] = Field(default_factory=_no_items)


class SegmentSpec(Model):
    """``specs/segments/<id>.yml``: one ICP segment."""

    id: Slug
    label: Text
    priority: Priority
    tier: Tier
    status: Status
    evidence: list[Evidence] = Field(default_factory=_no_items)
    firmographics: Firmographics
    technographics: Technographics | None = None
    jobs_to_be_done: Annotated[list[Text], Field(min_length=1)]
    alternatives: list[Alternative] = Field(default_factory=_no_items)
    triggers: list[Trigger] = Field(default_factory=_no_items)
    budget: list[Budget] = Field(default_factory=_no_items)
    reachability: list[Channel] = Field(default_factory=_no_items)
    personas: Annotated[list[Persona], Field(min_length=1)]
    anti_icp: list[AntiICP] = Field(default_factory=_no_items)
    disqualifiers: list[Disqualifier] = Field(default_factory=_no_items)
    qualification: Qualification
    journey: dict[str, Text | JourneyStep] = Field(default_factory=_no_entries)
    notes: str | None = None

    def step(self, stage_id: str) -> JourneyStep | None:
        """This segment's journey step for a stage, strings promoted to steps."""
        value = self.journey.get(stage_id)
        if value is None or isinstance(value, JourneyStep):
            return value
        return JourneyStep(quote=value)

    def persona(self, persona_id: str) -> Persona | None:
        """The persona with this id, if any."""
        return next((p for p in self.personas if p.id == persona_id), None)

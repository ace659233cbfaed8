"""What every spec field means, in one line: the hover text editors show from the JSON Schema.

Kept apart from the models so that importing them (every ``icp-docs validate``) stays fast; a
test checks that every field of every model has its line here.
"""

from __future__ import annotations

_ANTI_ICP = {
    "name": "The look-alike, named so that sellers recognise it.",
    "looks_like": "Why it resembles an ICP at first sight.",
    "why_not": "Why it is not one: what goes wrong when we sell to it.",
    "signals": "How to spot it early, in the account or on the first call; a signal written "
               "`- text: {technologies: [value, ...]}` also knocks matching accounts out in "
               "data (fields: industry, country, technologies, stage).",
    "evidence": "What proves it (lost deals, churned logos), if known.",
}
_RANGE = {"min": "Lowest value (inclusive); leave out for no lower bound.",
          "max": "Highest value (inclusive); leave out for no upper bound.",
          "knockout": "An account outside the range is disqualified in data (default false)."}
_MATCH = (" An entry may name the account-data values it matches: "
          "`- B2B software: [COMPUTER_SOFTWARE, Software]`; otherwise its own text is matched.")

FIELDS: dict[str, dict[str, str]] = {
    "PlaybookSpec": {
        "product": "What is being sold.",
        "refresh": "The quarterly refresh this state of the specs represents, like 2026-Q4.",
        "reviewed_on": "Date of the last full review (YYYY-MM-DD).",
        "owner": "Who answers for the playbook.",
        "currency": "Default ISO 4217 currency of money fields (USD when left out).",
        "summary": "How the customer buys, in three answers and a yes/no.",
        "anti_icp": "Engagements we never take, whichever segment they resemble.",
        "journey_stages": "The customer journey's stages; the ten standard ones by default.",
        "qualification": "Default thresholds of every segment's checklist.",
        "lint": "Lint settings: rules switched off for this playbook.",
        "accounts": "How account data is read by icp-docs score, sql and evidence.",
    },
    "Accounts": {
        "columns": "Which column of your export holds each field, where it is not HubSpot's.",
        "revenue_currency": "ISO 4217 currency of the revenue column (the playbook's by "
                            "default).",
        "rates": "What one unit of a currency is worth in the playbook's currency: EUR: 1.08.",
        "grades": "The lowest fit score (0-100) of grades A, B and C.",
    },
    "Columns": {
        "name": "Column of the company name (default: name or Company name).",
        "domain": "Column of the domain (default: domain or Company Domain Name).",
        "industry": "Column of the industry (default: industry or Industry).",
        "employees": "Column of the employee count (default: numberofemployees or Number of "
                     "Employees).",
        "revenue": "Column of annual revenue (default: annualrevenue or Annual Revenue).",
        "country": "Column of the country (default: country or Country/Region).",
        "founded_year": "Column of the year founded (default: founded_year or Year Founded).",
        "technologies": "Column of the technologies, ; or , separated (default: technologies "
                        "or web_technologies).",
        "stage": "Column of the funding stage (no default).",
    },
    "Grades": {
        "A": "Lowest score of grade A (default 80).",
        "B": "Lowest score of grade B (default 60).",
        "C": "Lowest score of grade C (default 40); lower grades D.",
    },
    "Summary": {
        "buyer": "Who the buyer is, in one sentence.",
        "sales_motion": "What is unusual about how they buy.",
        "buying_committee": "Whether a buying committee decides (true or false).",
        "common_ground": "What all segments have in common.",
    },
    "AntiICP": _ANTI_ICP,
    "Stage": {
        "id": "Stage id (a slug), used as a key of each segment's journey.",
        "name": "The stage's name as shown in the journey table.",
        "example": "What a customer says at this stage, in their own words.",
    },
    "Thresholds": {
        "strong_at": "This many 'yes' answers or more make a strong lead (default 5).",
        "disqualify_below": "Fewer 'yes' answers than this disqualify the lead (default 3).",
    },
    "LintSettings": {"disable": "Lint rules switched off, by code (W101) or name (broad-range)."},
    "SegmentSpec": {
        "id": "The segment's id (a slug); equals the file name without .yml.",
        "label": "WHO they are + WHAT they try to do; not a job title.",
        "priority": "core or secondary.",
        "tier": "1 perfect fit, 2 good fit, 3 acceptable.",
        "status": "hypothesis (an ECP, to be tested) or validated (an ICP, proven).",
        "evidence": "What proves the segment; required when validated.",
        "firmographics": "Company facts a seller can filter a list of accounts by.",
        "technographics": "What they run today, what helps, and what warns us off.",
        "jobs_to_be_done": "What they try to get done, in their own words.",
        "alternatives": "How they get the job done today.",
        "triggers": "Events that make them buy now.",
        "budget": "Who recommends, approves or can veto spend.",
        "reachability": "Channels through which we reach them.",
        "personas": "The humans inside the account, by buying role.",
        "anti_icp": "This segment's look-alike cousins.",
        "disqualifiers": "Reasons to turn an account away.",
        "qualification": "The seller's checklist.",
        "journey": "This segment's journey: stage id -> quote, or quote with touchpoints.",
        "notes": "Free prose (Markdown).",
    },
    "Evidence": {
        "kind": "closed_won, interviews, pilots, usage_data or win_loss.",
        "summary": "What was found, with numbers.",
        "count": "How many deals, interviews or accounts it rests on.",
        "as_of": "Date of the data (YYYY-MM-DD).",
    },
    "Firmographics": {
        "industries": "Industries or verticals (at least one)." + _MATCH,
        "employees": "Company size in employees.",
        "revenue": "Annual revenue range.",
        "geographies": "Countries or regions." + _MATCH,
        "company_age_years": "Company age in years.",
        "stages": "Funding or ownership stages, e.g. Series B." + _MATCH,
        "departments": "Departments that own the problem.",
        "other": "Any other criterion: name -> value.",
    },
    "Range": _RANGE,
    "Money": {**_RANGE, "currency": "ISO 4217 code; the playbook's currency by default."},
    "Technographics": {
        "uses": "Tools they run today that make them a fit." + _MATCH,
        "bonus": "Tools that make them a better fit." + _MATCH,
        "red_flags": "Tools or set-ups that warn us off; in data, a knock-out." + _MATCH,
    },
    "Alternative": {"name": "The alternative.", "note": "When it wins, and when we do."},
    "Trigger": {
        "event": "What happens.",
        "strength": "strong (causes buying activity) or weak.",
        "window_days": "For how many days after the event they are likely to buy.",
    },
    "Budget": {
        "role": "Who.",
        "authority": "recommends, approves or vetoes.",
        "limit": "Up to what amount they decide.",
    },
    "Channel": {
        "channel": "paid, outbound, events, content, partners, community or referrals.",
        "detail": "Where and how, specifically.",
    },
    "Persona": {
        "id": "Persona id (a slug), unique in its segment.",
        "title": "Job title.",
        "role": "economic_buyer, champion, technical_buyer, end_user or blocker.",
        "department": "Department.",
        "seniority": "Seniority, e.g. Director.",
        "tenure": "Typical tenure and background.",
        "team_size": "Size of the team they run or work in.",
        "education": "Education and qualifications.",
        "interests": "What they care about at work.",
        "jobs_to_be_done": "What they try to get done, in their own words.",
        "working_day": "Activities, responsibilities and success metrics.",
        "challenges": "What makes their job hard.",
        "pains": "What hurts, in their words.",
        "tools": "Software they use.",
        "buying_process": "How they buy, and who sells to them.",
        "objections": "What they say against us, and our answer.",
        "messaging": "Lines that land with them.",
        "quotes": "Verbatim voice of the customer.",
    },
    "WorkingDay": {
        "activities": "What they do day to day.",
        "responsibilities": "What they answer for.",
        "success_metrics": "How their success is measured.",
    },
    "Objection": {"objection": "What they say.", "response": "What we answer."},
    "Disqualifier": {
        "reason": "no_pain, no_product_value, high_cac, high_churn, low_contract_value, "
                  "competitor_fit or other.",
        "detail": "What the account looks like.",
        "evidence": "What proves it, if known.",
    },
    "Qualification": {
        "criteria": "Yes/no questions a seller answers about an account.",
        "strong_at": "Overrides the playbook's strong_at for this segment.",
        "disqualify_below": "Overrides the playbook's disqualify_below for this segment.",
    },
    "Criterion": {
        "id": "Criterion id (a slug), unique in its segment.",
        "question": "The yes/no question.",
        "dimension": "Which ICP dimension it checks.",
        "knockout": "A 'no' disqualifies outright (default false).",
    },
    "JourneyStep": {
        "quote": "What the customer says at this stage, in their own words.",
        "touchpoints": "Where we meet them at this stage.",
        "assets": "What we hand them at this stage.",
    },
}

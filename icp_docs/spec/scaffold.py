"""``icp-docs new playbook`` and ``new segment ID``: valid, commented spec files to start from."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .models import is_slug
from .yaml12 import STR_TAG, resolve

TEMPLATE = """\
# yaml-language-server: $schema=../../schema/segment.schema.json
# A new ICP segment. Replace every TODO, then run `icp-docs validate --strict`.
# Field reference: the icp-docs guide, "Writing specs"; `icp-docs schema` has every field.
id: {id}
# WHO they are + WHAT they try to do; not a job title.
label: TODO who they are, doing what they try to do
priority: secondary      # core | secondary
tier: 3                  # 1 perfect fit, 2 good fit, 3 acceptable
status: hypothesis       # hypothesis (ECP, an assumption) | validated (ICP, needs evidence)

firmographics:
  industries: [TODO industry]
  employees: {{min: 50, max: 500}}       # a real ICP excludes most companies
  geographies: [TODO country]
  # To score accounts (`icp-docs score`), an entry may name the values your CRM export
  # holds for it; the page still shows the entry's text. Without them, the text is matched.
  #   industries:
  #     - B2B software: [COMPUTER_SOFTWARE, Computer Software]
  #   geographies:
  #     - United States: [US, USA]
  # A range with `knockout: true` disqualifies an account outside it:
  #   employees: {{min: 50, max: 500, knockout: true}}

jobs_to_be_done:
  - "TODO I want to <what they try to get done>, so that <the outcome>"

triggers:                # why now; strong triggers cause buying activity
  - event: TODO a new executive, a funding round, a deadline
    strength: strong
    window_days: 90

budget:
  - role: TODO the role that signs
    authority: approves  # recommends | approves | vetoes

reachability:
  - channel: outbound    # paid | outbound | events | content | partners | community | referrals
    detail: TODO where we find them

personas:
  - id: buyer
    title: TODO job title of the person who signs
    role: economic_buyer # economic_buyer | champion | technical_buyer | end_user | blocker
  - id: champion
    title: TODO job title of the person who carries the deal inside
    role: champion

disqualifiers:
  # reason: no_pain | no_product_value | high_cac | high_churn | low_contract_value |
  #         competitor_fit | other
  - reason: no_pain
    detail: TODO who looks like this segment but should be turned away

qualification:           # the seller's checklist; a "no" on a knockout disqualifies outright
  criteria:
    - id: fit
      question: TODO does the account match the firmographics?
      dimension: firmographics
    - id: pain
      question: TODO are they actively trying to get the job done?
      dimension: jobs_to_be_done
      knockout: true
    - id: authority
      question: TODO is the economic buyer in the deal?
      dimension: persona
    - id: budget
      question: TODO is budget confirmed?
      dimension: budget
    - id: timing
      question: TODO did a trigger happen in its window?
      dimension: triggers
  strong_at: 4
  disqualify_below: 2
"""


PLAYBOOK_TEMPLATE = """\
# yaml-language-server: $schema=../schema/playbook.schema.json
# The company-level facts of the ICP playbook, shared by every segment in segments/.
# Replace every TODO, add segments with `icp-docs new segment ID`, then run
# `icp-docs validate --strict`. Field reference: the icp-docs guide, "Writing specs".
product: TODO what we sell, in a few words
refresh: {refresh}        # the quarterly refresh these specs are at: YYYY-Qn
reviewed_on: {today}   # when the owner last reviewed the whole playbook
owner: TODO name, role     # who keeps the playbook true
currency: USD              # ISO 4217 code for money fields

summary:
  buyer: TODO who buys, and what they are trying to get done
  sales_motion: TODO how a deal runs, from first touch to signature
  buying_committee: true   # several people decide (false: one person does)
  common_ground: TODO what every segment has in common

# Who looks like a customer but is not one, whichever segment they resemble.
anti_icp:
  - name: TODO the look-alike
    looks_like: TODO why they seem a fit
    why_not: TODO why they are not
    signals:
      - TODO how a seller spots them early
      # A signal account data can show knocks such accounts out when scoring, by field
      # (industry, country, technologies, stage):
      #   - Books kept in QuickBooks Online: {{technologies: [QuickBooks Online, QBO]}}

# How `icp-docs score` reads account data. A HubSpot company export needs nothing here;
# name the columns that differ, and the rates of other currencies:
# accounts:
#   columns:
#     technologies: Tech stack   # the export's column for this field
#   rates:
#     EUR: 1.08                  # one EUR is worth 1.08 of the playbook's currency
#   grades: {{A: 80, B: 60, C: 40}}

# Without journey_stages, the ten stages of the customer journey are used.
qualification:
  strong_at: 5             # this many yes answers: a strong lead
  disqualify_below: 3      # fewer yes answers: disqualify
"""


def new_playbook(specs_dir: Path, today: dt.date) -> Path:
    """Create ``specs_dir/playbook.yml`` (and ``segments/`` beside it); never overwrites
    (FileExistsError)."""
    refresh = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    path = _create(specs_dir, "playbook",
                   PLAYBOOK_TEMPLATE.format(refresh=refresh, today=today.isoformat()))
    (specs_dir / "segments").mkdir(exist_ok=True)
    return path


def new_segment(specs_dir: Path, segment_id: str) -> Path:
    """Create ``specs_dir/segments/<id>.yml``; never overwrites (FileExistsError)."""
    if not is_slug(segment_id):
        raise ValueError(f"{segment_id!r} is not a valid id: use lowercase letters, digits and "
                         "single hyphens, at most 64 characters")
    return _create(specs_dir / "segments", segment_id, TEMPLATE.format(id=_as_text(segment_id)))


def _create(folder: Path, stem: str, text: str) -> Path:
    """Write ``folder/<stem>.yml`` (the folder made when missing); FileExistsError when a
    ``.yml`` or ``.yaml`` of that stem is there already."""
    for suffix in (".yml", ".yaml"):
        # lexists: a link that leads nowhere is in the way too (writing would follow it).
        if os.path.lexists(folder / f"{stem}{suffix}"):
            raise FileExistsError(f"{folder / (stem + suffix)} already exists; not overwriting it")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.yml"
    with path.open("x", encoding="utf-8") as fh:  # "x": fail rather than clobber a racing write
        fh.write(text)
    return path


def _as_text(value: str) -> str:
    """``value`` as YAML reads it back as text: quoted where it would read as a number, a
    boolean, a date or nothing (an id like ``123`` or ``null``)."""
    return value if resolve(value) == STR_TAG else f"'{value}'"

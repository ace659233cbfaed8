"""``icp-docs new segment ID``: a valid, commented segment file to start from."""

from __future__ import annotations

from pathlib import Path

from .models import is_slug

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


def new_segment(specs_dir: Path, segment_id: str) -> Path:
    """Create ``specs_dir/segments/<id>.yml``; never overwrites (FileExistsError)."""
    if not is_slug(segment_id):
        raise ValueError(f"{segment_id!r} is not a valid id: use lowercase letters, digits and "
                         "single hyphens, at most 64 characters")
    folder = specs_dir / "segments"
    for suffix in (".yml", ".yaml"):
        if (folder / f"{segment_id}{suffix}").exists():
            raise FileExistsError(f"{folder / (segment_id + suffix)} already exists; "
                                  "not overwriting it")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{segment_id}.yml"
    with path.open("x", encoding="utf-8") as fh:  # "x": fail rather than clobber a racing write
        fh.write(TEMPLATE.format(id=segment_id))
    return path

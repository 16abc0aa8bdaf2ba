"""Plain data the document and email generators take.

The lead's workbook readers fill these in; nothing here reads a workbook. Templates never see
these objects: each generator turns them into plain strings, numbers, lists and dicts first, so
a hand-edited template cannot reach Python internals through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

AWARD_KINDS = ("individual", "team", "customer-nominated")
VIEWPOINTS = ("organisation", "winners' managers", "winners", "non-winners")


@dataclass(frozen=True)
class Branding:
    """Who is giving the awards and how their documents look."""

    organisation: str
    signatory_name: str
    signatory_title: str
    logo_path: Path | None = None
    primary_colour: str = "#1F4E79"
    accent_colour: str = "#C9A227"


@dataclass(frozen=True)
class Award:
    """One winner (place 1) or runner-up (place 2) in one category and period."""

    category: str
    award_kind: str
    award_description: str
    period: str
    place: int
    nominee: str
    team: str
    site: str
    evidence: str
    score_pct: float
    nomination_count: int
    customer_quote: str | None = None  # set only when consent to publish is recorded
    nominee_email: str | None = None
    line_manager: str | None = None
    line_manager_email: str | None = None
    presented_by: str | None = None
    presented_on: date | None = None
    # The Citation column of the nomination, written or approved by the manager; when empty
    # the documents propose one from the evidence (``citation.propose``).
    citation: str = ""
    # A team award's members from the Staff table, as (name, email) pairs, and its leader:
    # the team's email goes to them by name, never "Dear Retentions".
    team_members: tuple[tuple[str, str], ...] = ()
    team_leader: str | None = None
    # Who nominated, one entry per nominator ("customer", "colleague", "manager", "self"),
    # so the article can say "nominated by two customers" instead of "received 2 nominations".
    nominated_by: tuple[str, ...] = ()
    # Where each person's address is (or would be) kept, as (name, place) pairs such as
    # ("Ann Patel", "Staff row 14, column Email"): a skipped email says where to add it.
    email_sources: tuple[tuple[str, str], ...] = ()

    def email_source(self, name: str | None) -> str:
        """Where ``name``'s address belongs, or "" when it is not known."""
        return next((where for who, where in self.email_sources if who == name), "")

    @property
    def is_winner(self) -> bool:
        """True for the winner, False for a runner-up."""
        return self.place == 1

    @property
    def is_team(self) -> bool:
        """True when the nominee is a team rather than a person."""
        return self.award_kind == "team"


@dataclass(frozen=True)
class NewsletterContext:
    """Everything the newsletter article needs for one period."""

    period: str
    published_on: date
    awards: list[Award]
    nominations_received: int
    nominators: int
    customer_nominations: int
    next_deadline: date | None
    how_to_nominate: str
    # Categories whose winner waits for the panel's vote on a tie the rules could not
    # settle: the article says they are still to be announced rather than leaving them out.
    undecided: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectiveResult:
    """One programme objective measured by one KPI."""

    objective: str
    kpi: str
    baseline: float
    target: float
    actual: float | None
    unit: str = ""
    higher_is_better: bool = True
    deadline: date | None = None
    owner: str = ""
    # The same KPI worked out from the workbook's own data (e.g. customer nominations this
    # period), shown beside the typed actual so the report cannot contradict itself.
    computed: float | None = None
    computed_from: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the target was reached; None when no actual figure was recorded."""
        if self.actual is None:
            return None
        if self.higher_is_better:
            return self.actual >= self.target
        return self.actual <= self.target

    def standing(self, on: date) -> str:
        """``met``, ``not yet`` (short of the target with its deadline still to come on
        ``on``), ``missed`` (short at or after the deadline, or with none set) or
        ``no result``: a KPI short of a target due next year has not failed yet."""
        if self.met is None:
            return "no result"
        if self.met:
            return "met"
        if self.deadline is not None and self.deadline > on:
            return "not yet"
        return "missed"


@dataclass(frozen=True)
class Viewpoint:
    """One survey result from one of the four viewpoints."""

    viewpoint: str
    question: str
    result: float
    scale: str
    respondents: int | None  # None when the cell was left blank (not the same as nobody)
    comment: str = ""


@dataclass(frozen=True)
class AgreementFigure:
    """Inter-judge agreement (Krippendorff's alpha) for one criterion or category."""

    scope: str
    alpha: float | None
    reading: str = ""
    category: str = ""
    criterion: str = ""  # empty for the whole category
    # Nominations scored by two or more judges: with two or more, an unmeasured alpha means
    # the scores had no spread, not that too few were shared.
    nominations: int = 0


@dataclass(frozen=True)
class CostLine:
    """One budget line."""

    item: str
    budget: float
    actual: float


@dataclass(frozen=True)
class Finding:
    """One row of the Evaluation sheet's Findings table: what was found and what will change."""

    finding: str
    action: str = ""
    owner: str = ""


@dataclass(frozen=True)
class EvaluationContext:
    """Everything the evaluation report needs."""

    period: str
    prepared_on: date
    prepared_by: str
    objectives: list[ObjectiveResult]
    nominations_by_source: dict[str, int]
    nominations_by_team: dict[str, int]
    nominations_by_site: dict[str, int]
    staff_by_site: dict[str, int]
    staff_total: int
    staff_nominated: int
    viewpoints: list[Viewpoint]
    agreement: list[AgreementFigure]
    # Nominations whose rank differs from a ranking on raw scores (see ranked_on).
    ranks_changed: int
    conflicts_declared: int
    scores_excluded_for_conflict: int
    costs: list[CostLine]
    winners: list[Award] = field(default_factory=list)
    # How each winner was decided (see documents/winners_explained.py): plain strings.
    winner_explanations: list[dict[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Sections rendered by automation.documents.equity_section.
    equity: Any = None  # automation.equity.Equity
    trend: list[dict] | None = None  # one dict per period, oldest first
    # Periods closed on the Periods sheet with no history row (run before the workbook kept
    # one): the trend does not start with the programme.
    untracked_periods: list[str] = field(default_factory=list)
    appeals: dict[str, int] | None = None  # outcome -> appeals
    ranked_on: str = "normalised"  # the Rank by setting: raw, normalised or judge-effect
    # Every nomination of the period, recorded source or not (None: the sum by source). The
    # tables by source, team and site show the ones with none as a row of their own.
    nominations_total: int | None = None
    # Of ranks_changed, what the adjustment itself did: nominations whose rank differs from a
    # ranking on the plain mean of every counted mark (None: the raw score is that mean, as
    # when no nomination had enough judges to be trimmed). The raw score leaves out the top
    # and bottom mark from ``trim_from`` judges, which moves ranks too but is not leniency.
    ranks_changed_by_adjustment: int | None = None
    trim_from: int = 0
    # Judges who scored a calibration entry this period (a practice nomination, not ranked).
    calibrated_by: int = 0
    # The business case's yearly benefit (the Benefits table's estimates), None if none.
    expected_benefit: float | None = None

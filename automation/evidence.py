"""The evidence map: for each criterion of the unit, where the evidence is and whether it is met.

The unit is "Manage a customer service award programme" (Ofqual L/506/2181; OCR unit 7 and
City & Guilds 406 are the same unit). Each criterion has one rule here, a function of the
programme's data that says *met*, *partly* or *missing* and, when not met, what is missing
in plain words. The older 2010 version of the unit (OCR D17) is mapped alongside, and its
evidence requirements (what the plan must hold, the four viewpoints of the evaluation) get
rules of their own.

The wording is ours: the unit is cited by criterion number only. This module is core: it
reads ProgrammeData (and the scoring results, when there are fresh ones) and never touches a
workbook. ``evidence_tables`` gives the two tables the tool writes on the Evidence sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from automation.digest import canonical
from automation.documents.english import join_list, plural
from automation.model import ProgrammeData

MET, PARTLY, MISSING = "met", "partly", "missing"
# Words that show an announcement reaches the organisation (or customers), not just the
# winner: a private thank-you from a supervisor is not public recognition.
PUBLIC_CHANNELS = (
    "newsletter",
    "intranet",
    "screen",
    "blog",
    "website",
    "web site",
    "social media",
    "linkedin",
    "facebook",
    "instagram",
    "twitter",
    "press",
    "town hall",
    "notice board",
    "noticeboard",
    "all-staff",
    "all staff",
    "bulletin",
    "magazine",
    "ceremony",
)
ANNOUNCING = ("recognis", "recogniz", "announc", "celebrat", "winner")
CULTURE_WORDS = 15  # fewer words than this does not yet explain how culture shapes the awards


@dataclass
class Status:
    """A rule's verdict: met, partly or missing; what is missing; rows of evidence found."""

    status: str
    missing: list[str] = field(default_factory=list)
    entries: int = 0

    @property
    def missing_text(self) -> str:
        if self.status == MET or not self.missing:
            return ""
        text = "; ".join(self.missing).rstrip(".") + "."
        return text[0].upper() + text[1:]


def shown_where(where: str) -> str:
    """``where`` as the reader finds it on the sheets: a table is named by the title printed
    above it, not by its Excel name ("Options > OptionWeights" reads "Options > “How options
    are weighed”"). Parts are ``Sheet > Table, Table (columns)`` separated by ``; ``."""
    from automation.schema import TABLE_BY_NAME

    def table(part: str) -> str:
        name, _, rest = part.partition(" (")
        spec = TABLE_BY_NAME.get(name)
        if spec is None:
            return part
        # The criteria numbers at the end of a title are what the map itself lists.
        title = re.sub(r"\s*\([^()]*\)$", "", spec.title)
        return f"“{title}”" + (f" ({rest}" if rest else "")

    out = []
    for piece in where.split("; "):
        sheet, arrow, tables = piece.partition(" > ")
        out.append(f"{sheet} > " + ", ".join(map(table, tables.split(", "))) if arrow else piece)
    return "; ".join(out)


@dataclass(frozen=True)
class Criterion:
    """One row of the evidence map."""

    number: str
    d17: str
    asked: str
    where: str
    rule: Callable[[ProgrammeData, pd.DataFrame], Status]

    @property
    def shown_where(self) -> str:
        return shown_where(self.where)


# ---------------------------------------------------------------------------------------------
# Small helpers over tables
# ---------------------------------------------------------------------------------------------
def _t(data: ProgrammeData, name: str) -> pd.DataFrame:
    frame = data.tables.get(name)
    return frame if frame is not None else pd.DataFrame()


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where the cell holds something (text not blank)."""
    if column not in frame.columns or frame.empty:
        return pd.Series(False, index=frame.index)
    col = frame[column]
    return col.notna() & (col.astype(str).str.strip() != "")


def _low(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns or frame.empty:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].fillna("").astype(str).str.casefold()


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def _verdict(done: int, total: int, missing: list[str], entries: int) -> Status:
    """met when every part is done, missing when none is, partly between."""
    if total and done == total:
        return Status(MET, [], entries)
    return Status(PARTLY if done else MISSING, missing, entries)


def _names(values: Iterable[object], limit: int = 4) -> str:
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _rationale(data: ProgrammeData, topics: tuple[str, ...], criterion: str) -> pd.DataFrame:
    """Rationale rows on one of ``topics`` or tagged with the criterion number."""
    r = _t(data, "Rationale")
    if r.empty:
        return r
    tagged = _low(r, "Criterion").str.contains(rf"(?<![\d.]){re.escape(criterion)}(?![\d])")
    return r[(_low(r, "Topic").isin(topics) | tagged) & _filled(r, "Notes")]


def _topic(data: ProgrammeData, topic: str) -> pd.DataFrame:
    r = _t(data, "Rationale")
    if r.empty:
        return r
    return r[(_low(r, "Topic") == topic) & _filled(r, "Notes")]


def winners_of(data: ProgrammeData, results=None) -> pd.DataFrame:
    """This run's winners (fresh results if given, else the Results sheet as read); with
    none yet, the winners of the last closed period in Result history, so that the map does
    not fall back to "no winners yet" as soon as a period is closed."""
    frame = results.nominations if results is not None else _t(data, "Results")
    if len(frame) and "Place" in frame.columns:
        current = frame[frame["Place"] == "winner"]
        if len(current):
            return current
    history = _t(data, "ResultHistory")
    if len(history) and {"Place", "Period"} <= set(history.columns):
        won = history[history["Place"] == "winner"].dropna(subset=["Period"])
        if len(won):
            return won[won["Period"] == won["Period"].iloc[-1]]
    return pd.DataFrame(columns=["Period", "Category", "Nominee"])


# ---------------------------------------------------------------------------------------------
# One rule per criterion of L/506/2181
# ---------------------------------------------------------------------------------------------
def rule_1_1(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met with a reason for running awards and its link to service standards or strategy."""
    why = _topic(data, "why run an award programme")
    link = _topic(data, "link to service standards and strategy")
    missing = []
    if why.empty:
        missing.append("a Rationale row (topic 'why run an award programme') giving the reasons")
    if link.empty:
        missing.append(
            "a Rationale row (topic 'link to service standards and strategy') tying the "
            "awards to the service standards or strategy"
        )
    entries = len(_rationale(data, ("why run an award programme",), "1.1"))
    entries = max(entries, len(why) + len(link))
    return _verdict(2 - len(missing), 2, missing, entries)


def rule_1_2(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when the rationale explains the promotional use and Comms reach customers."""
    why = _rationale(data, ("promotional use with customers",), "1.2")
    comms = _t(data, "Comms")
    to_customers = comms[_low(comms, "Audience").str.contains("customers")] if len(comms) else comms
    to_customers = to_customers[_low(to_customers, "Status") != "cancelled"]
    missing = []
    if why.empty:
        missing.append(
            "a Rationale row (topic 'promotional use with customers') explaining how the awards "
            "promote the organisation to customers"
        )
    if to_customers.empty:
        missing.append("a Comms row with an audience of customers")
    return _verdict(2 - len(missing), 2, missing, len(why) + len(to_customers))


def rule_1_3(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when the rationale says in some detail how the culture shapes the programme."""
    rows = _rationale(data, ("organisational culture",), "1.3")
    culture = _topic(data, "organisational culture")
    if rows.empty:
        return Status(
            MISSING,
            [
                "a Rationale row (topic 'organisational culture') explaining how the "
                "organisation's culture affects the awards"
            ],
        )
    words = max(len(str(n).split()) for n in (culture if len(culture) else rows)["Notes"])
    if culture.empty or words < CULTURE_WORDS:
        return Status(
            PARTLY,
            [
                "more on culture: a Rationale row on 'organisational culture' of at least "
                f"{CULTURE_WORDS} words saying what in the culture helps or hinders the awards "
                "and what the programme does about it"
            ],
            len(rows),
        )
    return Status(MET, [], len(rows))


def rule_1_4(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met with budgeted costs, benefits with an estimated value, and the risks."""
    costs = _t(data, "Costs")
    costs = costs[_filled(costs, "Budget")] if len(costs) else costs
    benefits = _t(data, "Benefits")
    valued = benefits[_filled(benefits, "Estimated value")] if len(benefits) else benefits
    risks = _t(data, "Risks")
    missing = []
    if costs.empty:
        missing.append("costs with a budget (Programme > Costs)")
    if benefits.empty:
        missing.append("the expected benefits (Programme > Benefits)")
    elif valued.empty:
        missing.append(
            "an estimated value for at least one benefit, so the return can be worked out"
        )
    if risks.empty:
        missing.append("the risks (Plan > Risks)")
    checks = (not costs.empty, not benefits.empty, not valued.empty, not risks.empty)
    return _verdict(sum(checks), len(checks), missing, len(costs) + len(benefits) + len(risks))


def rule_2_1(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when at least one objective has KPI, baseline, target, deadline and owner."""
    obj = _t(data, "Objectives")
    obj = obj[_filled(obj, "Objective")] if len(obj) else obj
    if obj.empty:
        return Status(MISSING, ["at least one objective (Programme > Objectives)"])
    parts = ("KPI", "Baseline", "Target", "Deadline", "Owner")
    complete = pd.concat([_filled(obj, p) for p in parts], axis=1).all(axis=1)
    if complete.any():
        return Status(MET, [], int(complete.sum()))
    lacking = sorted({p for p in parts if not _filled(obj, p).all()}, key=parts.index)
    return Status(
        PARTLY,
        [f"an objective with every SMART part: fill in {', '.join(lacking)} (Objectives)"],
        len(obj),
    )


def rule_2_2(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met with two or more options, each with benefits, drawbacks and a cost."""
    opts = _t(data, "Options")
    opts = opts[_filled(opts, "Option")] if len(opts) else opts
    if opts.empty:
        return Status(MISSING, ["the options considered (Options > Options)"])
    parts = ("Benefits", "Drawbacks", "Cost")
    complete = pd.concat([_filled(opts, p) for p in parts], axis=1).all(axis=1)
    if int(complete.sum()) >= 2:
        return Status(MET, [], len(opts))
    missing = []
    if len(opts) < 2:
        missing.append("at least two options to compare")
    gaps = opts[~complete]["Option"].tolist()
    if gaps:
        missing.append(f"benefits, drawbacks and cost for {_names(gaps)}")
    return Status(PARTLY, missing, len(opts))


def rule_2_3(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when an option is marked chosen and says why it best meets the objectives."""
    opts = _t(data, "Options")
    chosen = opts[opts["Chosen"].fillna(False).astype(bool)] if "Chosen" in opts else opts.iloc[0:0]
    if chosen.empty:
        return Status(MISSING, ["an option marked Chosen = yes, with the reason (Options)"])
    if not _filled(chosen, "Reason").any():
        return Status(
            PARTLY,
            [
                f"the Reason the chosen option ({_names(chosen['Option'])}) best meets the objectives"
            ],
            len(chosen),
        )
    return Status(MET, [], len(chosen))


def rule_2_4(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met with actions that have owners, dates and resources, and a contingency for a risk."""
    acts = _t(data, "Actions")
    acts = acts[_filled(acts, "Action")] if len(acts) else acts
    risks = _t(data, "Risks")
    contingent = risks[_filled(risks, "Contingency")] if len(risks) else risks
    if acts.empty and contingent.empty:
        return Status(MISSING, ["the plan's actions and risks (Plan > Actions, Risks)"])
    missing = []
    if acts.empty:
        missing.append("actions with a responsible person, dates and resources (Plan > Actions)")
    else:
        no_owner = acts[~_filled(acts, "Responsible")]["Action"].tolist()
        no_dates = acts[~(_filled(acts, "Start") & _filled(acts, "Due"))]["Action"].tolist()
        if no_owner:
            missing.append(f"a responsible person for {_names(no_owner)}")
        if no_dates:
            missing.append(f"start and due dates for {_names(no_dates)}")
        if not _filled(acts, "Resources").any():
            missing.append("the resources the actions need (Actions, Resources)")
    if contingent.empty:
        missing.append("at least one risk with a contingency (Plan > Risks)")
    entries = len(acts) + len(contingent)
    return Status(PARTLY, missing, entries) if missing else Status(MET, [], entries)


def rule_2_5(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when every category has criteria adding to 100%, a descriptor for every level and
    a declared judging procedure."""
    cats = _t(data, "Categories")
    cats = cats[_filled(cats, "Category")] if len(cats) else cats
    crit = _t(data, "Criteria")
    if cats.empty or crit.empty:
        return Status(MISSING, ["the award categories and their criteria (Categories, Criteria)"])
    levels = [f"Level {i}" for i in range(1, 6)]
    missing, good = [], 0
    for cat in cats.to_dict("records"):
        name = cat["Category"]
        rows = crit[crit["Category"] == name] if len(crit) else crit
        gaps = []
        if rows.empty:
            gaps.append("no criteria")
        else:
            total = pd.to_numeric(rows["Weight"], errors="coerce").fillna(0).sum()
            if abs(total - 1) > 0.0005:
                gaps.append(f"weights add to {total:.0%}, not 100%")
            no_desc = rows[~pd.concat([_filled(rows, lv) for lv in levels], axis=1).all(axis=1)]
            if len(no_desc):
                gaps.append(f"a descriptor for every level of {_names(no_desc['Criterion'])}")
        if not canonical(cat.get("Judging procedure")):
            gaps.append("no judging procedure")
        if gaps:
            missing.append(f"{name}: {', '.join(gaps)}")
        else:
            good += 1
    # Criteria exist, so a gap in them is a part done, never nothing.
    return Status(
        MET if good == len(cats) else PARTLY, [] if good == len(cats) else missing, len(crit)
    )


def rule_3_1(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when Comms reach both the team (to motivate) and customers (to engage)."""
    comms = _t(data, "Comms")
    comms = comms[_low(comms, "Status") != "cancelled"] if len(comms) else comms
    aud = _low(comms, "Audience")
    team = comms[aud.str.contains("team")]
    customers = comms[aud.str.contains("customers")]
    missing = []
    if team.empty:
        missing.append("a Comms row to the team (audience team) that promotes the awards")
    if customers.empty:
        missing.append("a Comms row to customers (audience customers) inviting them to take part")
    return _verdict(2 - len(missing), 2, missing, len(comms))


def rule_3_2(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when every winner is presented by a senior person or guest at a ceremony and
    announced in a newsletter or other public channel. A private thank-you does not count."""
    cats = _t(data, "Categories")
    by_cat = {c["Category"]: c for c in cats.to_dict("records")} if len(cats) else {}
    periods = _t(data, "Periods")
    ceremony = (
        {p["Period"]: p.get("Ceremony") for p in periods.to_dict("records")} if len(periods) else {}
    )
    comms = _t(data, "Comms")
    comms = comms[_low(comms, "Status") != "cancelled"] if len(comms) else comms
    announcing = (
        _low(comms, "Purpose").map(lambda s: _has_any(s, ANNOUNCING))
        | _low(comms, "Message").map(lambda s: _has_any(s, ANNOUNCING))
        if len(comms)
        else pd.Series(dtype=bool)
    )
    announced = bool(announcing.any())  # planned, drafted or sent
    sent = bool(len(comms) and (announcing & (_low(comms, "Status") == "sent")).any())

    def gaps_for(category: str, *, done: bool = False) -> list[str]:
        """What is missing for a category's winners; with ``done`` (there are winners), a
        planned announcement is not yet the publicity the criterion asks for."""
        cat = by_cat.get(category, {})
        gaps = []
        if not canonical(cat.get("Senior presenter")):
            gaps.append("a senior presenter or guest (Categories, Senior presenter)")
        public = _has_any(canonical(cat.get("How publicised")).casefold(), PUBLIC_CHANNELS)
        if not public and not announced:
            gaps.append(
                "a public announcement such as a newsletter article (Categories, How "
                "publicised, or a Comms row that recognises the winners); a thank-you from a "
                "supervisor alone is not public recognition"
            )
        elif done and not sent:
            gaps.append(
                "the announcement has not gone out yet: set its Comms row's Status to 'sent' "
                "once it has (a plan to publicise is not yet publicity)"
            )
        return gaps

    if winners.empty:
        planned = [c for c in by_cat if not gaps_for(c)]
        missing = ["no winners yet: score the nominations, then present and announce the winners"]
        for c in by_cat:
            missing += [f"{c}: {g}" for g in gaps_for(c)]
        return Status(PARTLY if by_cat and len(planned) == len(by_cat) else MISSING, missing)
    missing, present = [], 0
    for w in winners.to_dict("records"):
        gaps = gaps_for(w["Category"], done=True)
        when = ceremony.get(w["Period"])
        if when is None or pd.isna(when):
            gaps.append(f"a ceremony date for {w['Period']} (Periods, Ceremony)")
        present += 3 - len(gaps)  # presenter, announcement, ceremony
        if gaps:
            missing.append(f"{w['Nominee']} ({w['Category']}): {', '.join(gaps)}")
    if not missing:
        return Status(MET, [], len(winners))
    return Status(PARTLY if present else MISSING, missing, len(winners))


def rule_3_3(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    """Met when every objective has its KPI actual, all four viewpoints have a result, and
    the findings say what was learned."""
    obj = _t(data, "Objectives")
    obj = obj[_filled(obj, "Objective")] if len(obj) else obj
    survey = _t(data, "Survey")
    seen = set(_low(survey[_filled(survey, "Result")], "Viewpoint")) if len(survey) else set()
    views = ("organisation", "winners' managers", "winners", "non-winners")
    findings = _t(data, "Findings")
    findings = findings[_filled(findings, "Finding")] if len(findings) else findings
    missing = []
    no_actual = obj[~_filled(obj, "Actual")]["Objective"].tolist() if len(obj) else []
    if obj.empty:
        missing.append("objectives with their KPI actuals (Objectives, Actual)")
    elif no_actual:
        missing.append(f"the KPI actual for {_names(no_actual)} (Objectives, Actual)")
    lacking = [v for v in views if v not in seen]
    if lacking:
        missing.append(
            f"survey results for the {plural('viewpoint', len(lacking))} {join_list(lacking)} "
            "(Survey)"
        )
    if findings.empty:
        missing.append("the findings and what will change (Evaluation > Findings)")
    done = (
        (0 if obj.empty or no_actual else 1) + (4 - len(lacking)) / 4 + (0 if findings.empty else 1)
    )
    entries = len(survey) + len(findings)
    if not missing:
        return Status(MET, [], entries)
    return Status(PARTLY if done > 0 else MISSING, missing, entries)


# Criterion, D17 numbers covering the same ground, what is asked in our words, where.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "1.1",
        "3.1",
        "Why run an award programme, tied to the service standards and strategy.",
        "Programme > Rationale",
        rule_1_1,
    ),
    Criterion(
        "1.2",
        "2.3, 3.2",
        "How the programme promotes the organisation to customers.",
        "Programme > Rationale; Comms",
        rule_1_2,
    ),
    Criterion(
        "1.3",
        "2.5",
        "How the organisation's culture affects the programme.",
        "Programme > Rationale",
        rule_1_3,
    ),
    Criterion(
        "1.4",
        "1.5, 1.6",
        "The business case: costs, benefits, risks and the expected return.",
        "Programme > Costs, Benefits; Plan > Risks; Start (expected return)",
        rule_1_4,
    ),
    Criterion(
        "2.1",
        "(none)",
        "SMART objectives: each with a KPI, baseline, target, deadline and owner.",
        "Programme > Objectives",
        rule_2_1,
    ),
    Criterion(
        "2.2",
        "1.1, 1.2, 3.3",
        "Options weighed on their benefits, drawbacks and costs.",
        "Options > Options, OptionWeights",
        rule_2_2,
    ),
    Criterion(
        "2.3",
        "1.3",
        "The option chosen, and why it best meets the objectives.",
        "Options > Options (Chosen, Reason)",
        rule_2_3,
    ),
    Criterion(
        "2.4",
        "1.4",
        "The plan: actions with owners, resources and dates; risks with contingencies.",
        "Plan > Actions, Risks; Categories; Periods",
        rule_2_4,
    ),
    Criterion(
        "2.5",
        "2.2, 2.4",
        "Transparent, fair criteria: weights adding to 100%, level descriptors, a declared "
        "judging procedure.",
        "Categories; Criteria; Judges > Judges, Conflicts; Results; Judging",
        rule_2_5,
    ),
    Criterion(
        "3.1",
        "2.1",
        "Promotion that motivates the team and engages customers.",
        "Comms; Nominations (customer nominations)",
        rule_3_1,
    ),
    Criterion(
        "3.2",
        "2.3, 2.5",
        "Winners recognised in public: a senior presenter or guest, a ceremony, and a "
        "newsletter or other announcement.",
        "Results; Categories (How presented, Senior presenter, How publicised); Periods "
        "(Ceremony); Comms; certificates and newsletter article",
        rule_3_2,
    ),
    Criterion(
        "3.3",
        "2.6",
        "Evaluation of how well the programme worked: KPI actuals, the four viewpoints, findings.",
        "Programme > Objectives (Actual); Evaluation > Survey, Findings; evaluation report",
        rule_3_3,
    ),
)
CRITERION_BY_NUMBER = {c.number: c for c in CRITERIA}


# ---------------------------------------------------------------------------------------------
# D17's evidence requirements
# ---------------------------------------------------------------------------------------------
def _every_category(column: str, label: str) -> Callable[[ProgrammeData, pd.DataFrame], Status]:
    def rule(data: ProgrammeData, winners: pd.DataFrame) -> Status:
        cats = _t(data, "Categories")
        cats = cats[_filled(cats, "Category")] if len(cats) else cats
        if cats.empty:
            return Status(MISSING, ["the award categories (Categories)"])
        gaps = cats[~_filled(cats, column)]["Category"].tolist()
        missing = [f"{label} for {_names(gaps)} (Categories, {column})"] if gaps else []
        return _verdict(len(cats) - len(gaps), len(cats), missing, len(cats))

    return rule


def _criteria_for_award(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    cats = _t(data, "Categories")
    cats = cats[_filled(cats, "Category")] if len(cats) else cats
    crit = _t(data, "Criteria")
    if cats.empty:
        return Status(MISSING, ["the award categories and their criteria (Categories, Criteria)"])
    with_criteria = set(crit["Category"]) if len(crit) else set()
    gaps = [c for c in cats["Category"] if c not in with_criteria]
    missing = [f"criteria for {_names(gaps)} (Criteria)"] if gaps else []
    return _verdict(len(cats) - len(gaps), len(cats), missing, len(crit))


def _presented_and_publicised(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    cats = _t(data, "Categories")
    cats = cats[_filled(cats, "Category")] if len(cats) else cats
    if cats.empty:
        return Status(MISSING, ["the award categories (Categories)"])
    ok = _filled(cats, "How presented") & _filled(cats, "How publicised")
    gaps = cats[~ok]["Category"].tolist()
    missing = [f"how {_names(gaps)} will be presented and publicised (Categories)"] if gaps else []
    return _verdict(int(ok.sum()), len(cats), missing, len(cats))


def _judging(data: ProgrammeData, winners: pd.DataFrame) -> Status:
    base = _every_category("Judging procedure", "the judging procedure")(data, winners)
    judges = _t(data, "Judges")
    if judges.empty or not _filled(judges, "Judge").any():
        base.missing.append("the judging panel (Judges)")
        base.status = PARTLY if base.status == MET else base.status
    return base


def _viewpoint(view: str, label: str) -> Callable[[ProgrammeData, pd.DataFrame], Status]:
    def rule(data: ProgrammeData, winners: pd.DataFrame) -> Status:
        survey = _t(data, "Survey")
        rows = survey[_low(survey, "Viewpoint") == view] if len(survey) else survey
        if rows.empty:
            return Status(MISSING, [f"a Survey row for the viewpoint '{view}' ({label})"])
        if not _filled(rows, "Result").any():
            return Status(PARTLY, [f"the result of the '{view}' survey question"], len(rows))
        return Status(MET, [], len(rows))

    return rule


@dataclass(frozen=True)
class Requirement:
    name: str
    asked: str
    where: str
    rule: Callable[[ProgrammeData, pd.DataFrame], Status]

    @property
    def shown_where(self) -> str:
        return shown_where(self.where)


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "Criteria for the award",
        "The criteria each award is judged on.",
        "Criteria",
        _criteria_for_award,
    ),
    Requirement(
        "What the award is",
        "The prize and recognition given.",
        "Categories (What the award is)",
        _every_category("What the award is", "what the award is"),
    ),
    Requirement(
        "Frequency",
        "How often each award is made.",
        "Categories (Frequency); Periods",
        _every_category("Frequency", "how often it is made"),
    ),
    Requirement(
        "Judging procedure",
        "How each award is judged, and by whom.",
        "Categories (Judging procedure); Judges",
        _judging,
    ),
    Requirement(
        "Presented and publicised",
        "How each award is presented and made known.",
        "Categories (How presented, How publicised); Comms",
        _presented_and_publicised,
    ),
    Requirement(
        "Evaluation: organisation",
        "Benefits to the organisation.",
        "Evaluation > Survey; evaluation report",
        _viewpoint("organisation", "benefits to the organisation"),
    ),
    Requirement(
        "Evaluation: winners' managers",
        "Benefits to the supervisors and managers of the winners.",
        "Evaluation > Survey; evaluation report",
        _viewpoint("winners' managers", "benefits to the winners' supervisors and managers"),
    ),
    Requirement(
        "Evaluation: winners",
        "The effect on the winners.",
        "Evaluation > Survey; evaluation report",
        _viewpoint("winners", "the effect on the winners"),
    ),
    Requirement(
        "Evaluation: non-winners",
        "The effect on those who did not win.",
        "Evaluation > Survey; evaluation report",
        _viewpoint("non-winners", "the effect on those who did not win"),
    ),
)


# ---------------------------------------------------------------------------------------------
# The whole map
# ---------------------------------------------------------------------------------------------
@dataclass
class EvidenceMap:
    """Every criterion's and requirement's status."""

    criteria: list[tuple[Criterion, Status]]
    requirements: list[tuple[Requirement, Status]]

    @property
    def met(self) -> int:
        return sum(s.status == MET for _, s in self.criteria)

    def summary(self) -> str:
        return f"{self.met} of {len(self.criteria)} criteria met"


def evaluate(data: ProgrammeData, results=None) -> EvidenceMap:
    """Run every rule. ``results`` are this run's scores (else the Results sheet is used)."""
    winners = winners_of(data, results)
    return EvidenceMap(
        [(c, c.rule(data, winners)) for c in CRITERIA],
        [(r, r.rule(data, winners)) for r in REQUIREMENTS],
    )


def evidence_tables(
    data: ProgrammeData, results=None, *, found: EvidenceMap | None = None
) -> dict[str, pd.DataFrame]:
    """The EvidenceMap and EvidenceRequirements tables, keeping the manager's Notes.

    ``found``: ``evaluate(data, results)`` when the caller already has it (for its summary).
    """
    if found is None:
        found = evaluate(data, results)
    old = _t(data, "EvidenceMap")
    notes = (
        {str(c): n for c, n in zip(old["Criterion"], old["Notes"], strict=True) if n is not None}
        if len(old) and "Notes" in old.columns
        else {}
    )
    rows = [
        {
            "Criterion": c.number,
            "D17": c.d17,
            "What is asked": c.asked,
            "Status": s.status,
            "What is missing": s.missing_text or None,
            "Where in this workbook": c.shown_where,
            "Entries": s.entries,
            "Notes": notes.get(c.number),
        }
        for c, s in found.criteria
    ]
    reqs = [
        {
            "Requirement": r.name,
            "What is asked": r.asked,
            "Status": s.status,
            "What is missing": s.missing_text or None,
            "Where in this workbook": r.shown_where,
        }
        for r, s in found.requirements
    ]
    return {"EvidenceMap": pd.DataFrame(rows), "EvidenceRequirements": pd.DataFrame(reqs)}


def catalogue_tables() -> dict[str, pd.DataFrame]:
    """The map before any check (the blank template): rows listed, status not worked out."""
    pending = "Not checked yet: click Validate (or run awards validate --write)."
    rows = [
        {
            "Criterion": c.number,
            "D17": c.d17,
            "What is asked": c.asked,
            "Status": "not checked",
            "What is missing": pending,
            "Where in this workbook": c.shown_where,
        }
        for c in CRITERIA
    ]
    reqs = [
        {
            "Requirement": r.name,
            "What is asked": r.asked,
            "Status": "not checked",
            "What is missing": pending,
            "Where in this workbook": r.shown_where,
        }
        for r in REQUIREMENTS
    ]
    return {"EvidenceMap": pd.DataFrame(rows), "EvidenceRequirements": pd.DataFrame(reqs)}

"""The one declaration of the programme workbook: sheets, tables, columns, settings and lists.

Everything else derives from this module: the template builder lays the workbook out from it,
the reader maps headers to columns with it, the validator checks types, required cells and
allowed values from it, and the README's sheet guide is generated from it. No other module
names a cell address; tables are found by name and columns by header.

Formulas in calculated columns use Excel structured references (``Scores[Points]``,
``Results[[#This Row],[Nomination ID]]``) so they keep working when a user moves columns or
adds rows; LibreOffice computes them too, which is how the tests check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColType(StrEnum):
    """What a column holds; decides parsing, validation, the number format and the dropdown."""

    TEXT = "text"
    LONGTEXT = "long text"
    INT = "whole number"
    DECIMAL = "decimal"
    MONEY = "money"
    PERCENT = "percentage"
    DATE = "date"
    DATETIME = "date and time"
    BOOL = "yes/no"
    CHOICE = "choice from a list"
    PERSON = "person"
    EMAIL = "email"


@dataclass(frozen=True)
class Column:
    """One column of an Excel table.

    ``choices`` names a static list (kept on the hidden Lists sheet); ``ref`` names another
    table's column ("Categories.Category") whose values feed the dropdown and which the
    validator checks against. ``formula`` makes it a calculated column: locked, never read as
    input, and written by Excel (or the tool) rather than the user.
    """

    name: str
    type: ColType = ColType.TEXT
    required: bool = False
    help: str = ""
    choices: str | None = None
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    formula: str | None = None
    width: float = 14
    unique: bool = False
    # False for a helper column at a table's right end (a lookup key for formulas): left off
    # the printout, where it would only repeat what the row already shows.
    printed: bool = True
    # The cells' number format where the type's own will not do (build.layout.NUMBER_FORMATS).
    number_format: str | None = None

    @property
    def is_formula(self) -> bool:
        return self.formula is not None


# Scores that rank nominations show two decimals: at one, a winner on 92.63% and the
# runner-up on 92.59% both read 92.6%, and the order looked arbitrary.
RANKED_SCORE = "0.00%"


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject). ``owner`` is "user" for input or "tool" for tables the
    automation rewrites (Results, Issues, Audit log...); ``blank_rows`` pre-sizes an input
    table in the blank template, because tables on a protected sheet cannot grow by typing."""

    name: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    owner: str = "user"
    blank_rows: int = 20
    intro: str = ""
    totals: tuple[str, ...] = ()  # columns summed by a live formula on the title row
    # Placed to the right of this table (same title row) instead of under the one before: a
    # tool table on an input sheet must not sit where an input table grows.
    beside: str | None = None
    # The calculated columns get their formula in the first this many body rows only (None:
    # every row); see LOOKUP_MAX_ROWS.
    formula_rows: int | None = None

    def formula_at(self, position: int) -> bool:
        """Whether body row ``position`` (1 = the row under the header) gets the calculated
        columns' formulas; past ``formula_rows`` those cells are left empty."""
        return self.formula_rows is None or position <= self.formula_rows

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.is_formula)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its tables appear top to bottom in the declared order."""

    name: str
    purpose: str
    tables: tuple[str, ...] = ()
    protected: bool = True
    hidden: bool = False
    tab_colour: str = "1F4E79"
    criteria: tuple[str, ...] = ()  # unit criteria (L/506/2181) this sheet gives evidence for
    # Very hidden (Excel's xlSheetVeryHidden): not listed under Unhide, so a manager cannot
    # open and edit it by accident; the sheet still travels with the file through a save.
    very_hidden: bool = False
    # Printed more than one page wide, every page repeats these columns at its left so each
    # row can still be told apart: (table, first column, last column) of the sheet's main
    # table; column A when not given.
    print_key: tuple[str, str, str] | None = None
    # On a sheet of several tables, the one whose header row repeats at the top of every
    # printed page after it; it must be the sheet's last table, or the pages of the tables
    # below it would be headed with its column names. A one-table sheet repeats its header.
    repeat_header: str | None = None


@dataclass(frozen=True)
class Setting:
    """One row of the Settings table: a named value the manager sets once."""

    key: str
    label: str
    type: ColType
    default: object
    help: str
    choices: str | None = None
    # The range a number setting must be in (a value outside it is a bad-setting, and the
    # default is used): a negative number of judges per nomination emptied the Assignments.
    minimum: float | None = None
    maximum: float | None = None

    def shown(self, value: object) -> str:
        """A value of the setting as the manager reads it: 25% for a percentage, 65,535."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.type is ColType.PERCENT:
                return f"{value:.0%}"
            return f"{value:,.0f}" if self.type is ColType.INT else f"{value:g}"
        return str(value)

    @property
    def allowed(self) -> str | None:
        """``at least 1``, ``from 0% to 100%``: the range of a number setting, or None."""
        lo, hi = self.minimum, self.maximum
        shown = self.shown
        if lo is not None and hi is not None:
            return f"from {shown(lo)} to {shown(hi)}"
        if lo is not None:
            return f"at least {shown(lo)}"
        if hi is not None:
            return f"at most {shown(hi)}"
        return None

    @property
    def help_text(self) -> str:
        """The help, with the range a number must be in (the Settings sheet, the guide)."""
        span = self.allowed
        return f"{self.help} {span[0].upper()}{span[1:]}." if span else self.help


C = Column
T = ColType

# ---------------------------------------------------------------------------------------------
# Static lists: the hidden Lists sheet holds each as a named range (list_<key>) for dropdowns.
# ---------------------------------------------------------------------------------------------
LISTS: dict[str, tuple[str, ...]] = {
    "yes_no": ("yes", "no"),
    "award_type": ("individual", "team", "customer-nominated"),
    "frequency": ("monthly", "quarterly", "six-monthly", "annually", "one-off"),
    "nominator_type": ("customer", "colleague", "manager", "self"),
    "conflict_type": ("line manager", "same team", "family or friend", "nominator", "other"),
    "action_status": ("not started", "in progress", "done", "blocked", "cancelled"),
    "comms_status": ("planned", "drafted", "sent", "cancelled"),
    "period_status": ("planned", "open", "judging", "closed", "not run"),
    "audience": ("team", "customers", "team and customers", "senior leaders"),
    "viewpoint": ("organisation", "winners' managers", "winners", "non-winners"),
    "rationale_topic": (
        "why run an award programme",
        "link to service standards and strategy",
        "promotional use with customers",
        "organisational culture",
        "principles of motivation and recognition",
        "kinds of reward compared",
        "examples from other organisations",
        "data protection",
        "equality and diversity",
    ),
    "tie_break": (
        "criteria in tie-break order",
        "top-weighted criterion",
        "more independent nominations",
        "more customer nominations",
        "earliest nomination",
        "panel vote",
    ),
    "cost_type": ("one-off", "per period", "annual"),
    "beneficiary": ("organisation", "customers", "staff", "managers"),
    "rank_basis": ("normalised", "raw", "judge-effect"),
    "weights_policy": ("error", "normalise with warning"),
    "survey_scale": ("% agree", "mean of 5", "mean of 10", "eNPS", "count", "points"),
    "severity": ("error", "warning"),
    "place": ("winner", "runner-up"),
    "kpi_source": (
        "nominations",
        "customer nominations",
        "customer share of nominations",
        "share of staff nominated",
        "people nominating",
    ),
    "finding_kind": ("went well", "to improve"),
    "appeal_outcome": ("open", "upheld", "partly upheld", "not upheld", "withdrawn"),
}

# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
_THIS = "[[#This Row],[{}]]"


def this_row(table: str, column: str) -> str:
    """Structured reference to a column in the same row of ``table``, in file syntax."""
    return f"{table}{_THIS.format(column)}"


# Excel's own check (Panel's and Results' last columns) sums over the whole Scores table once
# per row, so its cost grows with the square of the rows: LibreOffice took over six minutes
# on 30,000 score rows and crashed on 300,000. Past this many Scores rows the check is left
# blank, and its header note says so; the tool's own figures are unaffected.
CHECK_MAX_SCORE_ROWS = 5000

# Scores' lookup columns (Category, Weight, Max, Conflict, Points) show in Excel what the tool
# works out for itself. Each is a formula in every row, and a spreadsheet parses and works
# out every one whenever it opens the file: LibreOffice spends about a third of a second per
# thousand rows on them (measured on 30,000 rows), minutes on a 300,000-row Scores sheet. So
# they are written into the first this many rows only; the tool's figures never use them.
LOOKUP_MAX_ROWS = 20_000
_CHECKED = f"ROWS(Scores[Judge])<={CHECK_MAX_SCORE_ROWS}"
_CHECK_NOTE = (
    f" Left blank when the Scores table has more than {CHECK_MAX_SCORE_ROWS:,} rows: worked"
    " out again for every row, it would keep Excel or LibreOffice busy for minutes whenever"
    " the file opens."
)


TABLES: tuple[Table, ...] = (
    Table(
        "Settings",
        "Settings",
        "Settings used by the automation",
        (
            C("Setting", T.TEXT, True, "Name of the setting (do not rename).", width=30),
            C("Value", T.TEXT, False, "Your value; the Help column says what it does.", width=36),
            C("Help", T.LONGTEXT, False, "What the setting does.", width=70),
        ),
        blank_rows=0,
    ),
    Table(
        "Rationale",
        "Programme",
        "Why we run the programme (1.1, 1.2, 1.3)",
        (
            C(
                "Topic",
                T.CHOICE,
                True,
                "Which part of the rationale this row covers.",
                choices="rationale_topic",
                width=34,
            ),
            C("Notes", T.LONGTEXT, True, "Your reasoning, in your own words.", width=90),
            C("Criterion", T.TEXT, False, "Unit criterion this supports, e.g. 1.1.", width=10),
        ),
        blank_rows=10,
    ),
    Table(
        "Costs",
        "Programme",
        "Business case: costs (1.4)",
        (
            C("Item", T.TEXT, True, "What is bought or paid for.", width=34),
            C("Type", T.CHOICE, True, "One-off, per period or annual.", choices="cost_type"),
            C("Budget", T.MONEY, True, "Budgeted cost for the programme year, in pounds.", min=0),
            C("Actual", T.MONEY, False, "Actual spend so far, in pounds.", min=0),
            C("Notes", T.LONGTEXT, False, "Supplier, quote, assumptions.", width=50),
        ),
        blank_rows=10,
        totals=("Budget", "Actual"),
    ),
    Table(
        "Benefits",
        "Programme",
        "Business case: benefits and expected return (1.4)",
        (
            C("Benefit", T.TEXT, True, "A benefit the programme should bring.", width=40),
            C(
                "Who benefits",
                T.CHOICE,
                True,
                "Organisation, customers, staff or managers.",
                choices="beneficiary",
            ),
            C("Measure", T.TEXT, False, "How you will know (ties to a KPI).", width=34),
            C(
                "Estimated value",
                T.MONEY,
                False,
                "Estimated yearly value in pounds, where it can be estimated.",
                min=0,
            ),
        ),
        blank_rows=10,
        totals=("Estimated value",),
    ),
    Table(
        "Objectives",
        "Programme",
        "SMART objectives (2.1)",
        (
            C(
                "Objective",
                T.LONGTEXT,
                True,
                "Specific statement of what the programme achieves.",
                width=44,
            ),
            C("KPI", T.TEXT, True, "The measure used to judge it.", width=28),
            C("Baseline", T.DECIMAL, True, "Value of the KPI before the programme."),
            C("Target", T.DECIMAL, True, "Value to reach by the deadline."),
            C("Unit", T.TEXT, False, "%, points, days...", width=9),
            C(
                "Higher is better",
                T.BOOL,
                True,
                "yes if a higher KPI is an improvement.",
                choices="yes_no",
                width=10,
            ),
            C("Deadline", T.DATE, True, "Date the target must be met by."),
            C("Owner", T.PERSON, True, "Who is accountable for this objective."),
            C("Actual", T.DECIMAL, False, "Latest measured value (filled in at evaluation)."),
            C(
                "Met",
                T.TEXT,
                False,
                "Worked out from Actual and Target.",
                width=9,
                formula=(
                    '=IF(OR({a}="",{t}=""),"",IF({h}="no",IF({a}<={t},"yes","no"),'
                    'IF({a}>={t},"yes","no")))'
                ).format(
                    a=this_row("Objectives", "Actual"),
                    t=this_row("Objectives", "Target"),
                    h=this_row("Objectives", "Higher is better"),
                ),
            ),
            C(
                "Worked out from",
                T.CHOICE,
                False,
                "For a KPI the workbook itself can count (nominations, customer share, "
                "participation in the current period): the tool works it out, shows it beside "
                "Actual in the evaluation report and warns when the two differ.",
                choices="kpi_source",
                width=22,
            ),
        ),
        blank_rows=8,
    ),
    Table(
        "OptionWeights",
        "Options",
        "How options are weighed (2.2)",
        (
            C("Factor", T.TEXT, True, "Benefit, Drawbacks, Cost, Fit with objectives.", width=24),
            C(
                "Weight",
                T.PERCENT,
                True,
                "Share of the decision; the four add to 100%.",
                min=0,
                max=1,
            ),
            C("Scoring guide", T.LONGTEXT, False, "What a 1 and a 5 mean.", width=70),
        ),
        blank_rows=0,
    ),
    Table(
        "Options",
        "Options",
        "Options appraisal (2.2, 2.3)",
        (
            C(
                "Option",
                T.TEXT,
                True,
                "A way of running (or not running) the programme.",
                unique=True,
                width=30,
            ),
            C("Description", T.LONGTEXT, False, "What it involves.", width=40),
            C(
                "Seen at",
                T.TEXT,
                False,
                "Another organisation using this approach, if any.",
                width=22,
            ),
            C("Benefits", T.LONGTEXT, False, "Main benefits.", width=34),
            C("Drawbacks", T.LONGTEXT, False, "Main drawbacks.", width=34),
            C("Cost", T.MONEY, True, "Estimated yearly cost in pounds.", min=0),
            C(
                "Benefit score",
                T.INT,
                True,
                "1 (little benefit) to 5 (large benefit).",
                min=1,
                max=5,
                width=10,
            ),
            C(
                "Drawback score",
                T.INT,
                True,
                "1 (serious drawbacks) to 5 (hardly any).",
                min=1,
                max=5,
                width=10,
            ),
            C("Cost score", T.INT, True, "1 (expensive) to 5 (cheap).", min=1, max=5, width=10),
            C(
                "Fit score",
                T.INT,
                True,
                "1 (poor fit with the objectives) to 5 (excellent).",
                min=1,
                max=5,
                width=10,
            ),
            C(
                "Weighted score",
                T.DECIMAL,
                False,
                "Weighted total out of 5.",
                width=11,
                formula=(
                    '=IF(COUNT({b},{d},{c},{f})<4,"",IFERROR(({b}*OptWeightBenefit'
                    "+{d}*OptWeightDrawbacks+{c}*OptWeightCost+{f}*OptWeightFit)/"
                    '(OptWeightBenefit+OptWeightDrawbacks+OptWeightCost+OptWeightFit),""))'
                ).format(
                    b=this_row("Options", "Benefit score"),
                    d=this_row("Options", "Drawback score"),
                    c=this_row("Options", "Cost score"),
                    f=this_row("Options", "Fit score"),
                ),
            ),
            C("Chosen", T.BOOL, False, "yes for the option you chose.", choices="yes_no", width=9),
            C("Reason", T.LONGTEXT, False, "Why it best meets the objectives (2.3).", width=44),
        ),
        blank_rows=6,
    ),
    Table(
        "Actions",
        "Plan",
        "Plan: actions, roles and timescales (2.4)",
        (
            C("Action", T.TEXT, True, "What will be done.", width=40),
            C(
                "Role",
                T.TEXT,
                False,
                "The role doing it (sponsor, judge, coordinator...).",
                width=18,
            ),
            C("Responsible", T.PERSON, True, "The named person who owns it.", width=18),
            C("Start", T.DATE, True, "When it starts."),
            C("Due", T.DATE, True, "When it must be done."),
            C("Resources", T.TEXT, False, "People, budget, rooms, systems needed.", width=28),
            C("Cost", T.MONEY, False, "Cost in pounds, if any.", min=0),
            C("Status", T.CHOICE, True, "Progress.", choices="action_status"),
        ),
        blank_rows=15,
        totals=("Cost",),
    ),
    Table(
        "Risks",
        "Plan",
        "Plan: risks and contingencies (1.4, 2.4)",
        (
            C("Risk", T.TEXT, True, "What could go wrong.", width=40),
            C("Likelihood", T.INT, True, "1 (rare) to 5 (almost certain).", min=1, max=5, width=10),
            C("Impact", T.INT, True, "1 (minor) to 5 (severe).", min=1, max=5, width=10),
            C(
                "Rating",
                T.INT,
                False,
                "Likelihood x impact.",
                width=9,
                formula='=IF(OR({l}="",{i}=""),"",{l}*{i})'.format(
                    l=this_row("Risks", "Likelihood"), i=this_row("Risks", "Impact")
                ),
            ),
            C("Contingency", T.LONGTEXT, True, "What you will do if it happens.", width=44),
            C("Owner", T.PERSON, True, "Who watches for it.", width=18),
        ),
        blank_rows=10,
    ),
    Table(
        "Periods",
        "Periods",
        "Award periods",
        (
            C(
                "Period",
                T.TEXT,
                True,
                "Name of the period, e.g. October 2026 or Q3 2026.",
                unique=True,
                width=16,
            ),
            C("Starts", T.DATE, True, "First day nominations are accepted."),
            C("Ends", T.DATE, True, "Last day of the period (nominations close)."),
            C("Ceremony", T.DATE, False, "When winners are presented."),
            C(
                "Status",
                T.CHOICE,
                True,
                "Planned, open, judging or closed; not run for a period the programme "
                "skipped (it does not count towards a cool-off).",
                choices="period_status",
            ),
        ),
        blank_rows=12,
    ),
    Table(
        "PastWinners",
        "Periods",
        "Winners of earlier periods (history, for the cool-off rule)",
        (
            C("Period", T.TEXT, True, "The earlier period.", width=16),
            C("Category", T.TEXT, True, "Award category.", ref="Categories.Category", width=30),
            C("Nominee", T.TEXT, True, "Who won (person or team).", width=24),
            C("Period ends", T.DATE, True, "Last day of that period."),
        ),
        blank_rows=20,
    ),
    Table(
        "Categories",
        "Categories",
        "Award categories: what each award is and how it is judged (2.4, 2.5)",
        (
            C("Category", T.TEXT, True, "Name of the award.", unique=True, width=28),
            C(
                "Type",
                T.CHOICE,
                True,
                "Individual, team or customer-nominated.",
                choices="award_type",
                width=16,
            ),
            C("What the award is", T.LONGTEXT, True, "The prize and recognition given.", width=34),
            C("Frequency", T.CHOICE, True, "How often it is made.", choices="frequency", width=12),
            C("Eligibility", T.LONGTEXT, True, "Who may be nominated.", width=34),
            C("Judging procedure", T.LONGTEXT, True, "Who judges and how.", width=34),
            C("How presented", T.LONGTEXT, True, "Ceremony and presenter.", width=30),
            C("How publicised", T.LONGTEXT, True, "Newsletter, screens, customers...", width=30),
            C("Senior presenter", T.PERSON, False, "Senior leader who presents it.", width=18),
            C("Scale min", T.INT, True, "Lowest score a judge can give.", min=0, max=10, width=9),
            C("Scale max", T.INT, True, "Highest score a judge can give.", min=1, max=100, width=9),
            C(
                "Min judges",
                T.INT,
                True,
                "Fewest judges that must score each nomination.",
                min=1,
                max=20,
                width=9,
            ),
            C(
                "Cool-off periods",
                T.INT,
                False,
                "A winner cannot win this award again for this many periods (0 = no limit).",
                min=0,
                max=24,
                width=10,
            ),
            C(
                "Tie-break 1",
                T.CHOICE,
                True,
                "First rule to separate a tie.",
                choices="tie_break",
                width=24,
            ),
            C("Tie-break 2", T.CHOICE, False, "Second rule.", choices="tie_break", width=24),
            C("Tie-break 3", T.CHOICE, False, "Third rule.", choices="tie_break", width=24),
        ),
        blank_rows=5,
    ),
    Table(
        "Criteria",
        "Criteria",
        "Weighted criteria with rubric descriptors (2.5)",
        (
            C(
                "Category",
                T.CHOICE,
                True,
                "The award this criterion belongs to.",
                ref="Categories.Category",
                width=26,
            ),
            C("Criterion", T.TEXT, True, "Short name, e.g. Ownership.", width=24),
            C(
                "Weight",
                T.PERCENT,
                True,
                "Share of the score; a category's weights add to 100%.",
                min=0,
                max=1,
                width=9,
            ),
            C(
                "Tie-break order",
                T.INT,
                False,
                "1 = compared first when the tie-break rule is 'criteria in tie-break order'.",
                min=1,
                max=20,
                width=9,
            ),
            C("Level 1", T.LONGTEXT, True, "What the lowest score looks like.", width=30),
            C("Level 2", T.LONGTEXT, False, "What a low score looks like.", width=30),
            C("Level 3", T.LONGTEXT, True, "What a middle score looks like.", width=30),
            C("Level 4", T.LONGTEXT, False, "What a high score looks like.", width=30),
            C("Level 5", T.LONGTEXT, True, "What the top score looks like.", width=30),
            C(
                "Key",
                T.TEXT,
                False,
                "Category and criterion joined (used by formulas).",
                width=12,
                printed=False,
                formula='=IF(OR({c}="",{k}=""),"",{c}&"|"&{k})'.format(
                    c=this_row("Criteria", "Category"), k=this_row("Criteria", "Criterion")
                ),
            ),
        ),
        blank_rows=10,
    ),
    Table(
        "Teams",
        "Staff",
        "Teams and sites",
        (
            C("Team", T.TEXT, True, "Team name.", unique=True, width=21),
            C("Site", T.TEXT, True, "Where the team works.", width=16),
            C("Team leader", T.PERSON, False, "Who leads it.", width=20),
            C(
                "Headcount",
                T.INT,
                True,
                "People in the team (for participation rates).",
                min=0,
                width=10,
            ),
        ),
        blank_rows=6,
    ),
    Table(
        "Staff",
        "Staff",
        "Staff who can be nominated",
        (
            C(
                "Name",
                T.PERSON,
                True,
                "Full name as it should appear on a certificate.",
                unique=True,
                width=22,
            ),
            C("Team", T.CHOICE, True, "Their team.", ref="Teams.Team", width=21),
            C("Role", T.TEXT, False, "Job title.", width=20),
            C("Line manager", T.PERSON, False, "Their line manager.", width=20),
            C("Email", T.EMAIL, False, "Work email, for award emails.", width=28),
            C("Started", T.DATE, False, "Start date (for apprentice eligibility)."),
        ),
        blank_rows=30,
    ),
    Table(
        "Nominations",
        "Nominations",
        "Nominations received",
        (
            C("ID", T.TEXT, True, "Unique reference, e.g. N-0001.", unique=True, width=9),
            C("Period", T.CHOICE, True, "Award period.", ref="Periods.Period", width=14),
            C("Category", T.CHOICE, True, "Award category.", ref="Categories.Category", width=24),
            C("Nominee", T.PERSON, True, "Person (or team, for team awards) nominated.", width=20),
            C(
                "Team",
                T.CHOICE,
                False,
                "Nominee's team (left blank: the team on their Staff row, or the team itself for "
                "a team award).",
                ref="Teams.Team",
                width=21,
            ),
            C("Site", T.TEXT, False, "Nominee's site (left blank: the team's site).", width=12),
            C(
                "Line manager",
                T.PERSON,
                False,
                "Nominee's line manager (left blank: the one on their Staff row).",
                width=18,
            ),
            C(
                "Nominator type",
                T.CHOICE,
                True,
                "Who nominated.",
                choices="nominator_type",
                width=12,
            ),
            C("Nominator", T.TEXT, True, "Name of the person who nominated.", width=18),
            C(
                "Nominator contact",
                T.TEXT,
                False,
                "Email or phone; personal data, kept only as long as needed.",
                width=22,
            ),
            C(
                "Evidence",
                T.LONGTEXT,
                True,
                "What the nominee did, in the nominator's words.",
                width=50,
            ),
            C(
                "Customer quote",
                T.LONGTEXT,
                False,
                "A quote to publish; needs consent to publish.",
                width=34,
            ),
            C("Received", T.DATE, True, "Date the nomination arrived."),
            C(
                "Consent to publish",
                T.BOOL,
                False,
                "yes if the nominator agreed to the quote being published.",
                choices="yes_no",
                width=10,
            ),
            C("Consent date", T.DATE, False, "When consent was given."),
            C(
                "Calibration",
                T.BOOL,
                False,
                "yes for a practice entry every judge scores; excluded from results.",
                choices="yes_no",
                width=11,
            ),
            C(
                "Citation",
                T.LONGTEXT,
                False,
                "One sentence for the certificate, newsletter and emails saying what the nominee "
                "did. Leave it blank and the tool proposes one (shown on Results); copy it here "
                "to edit it.",
                width=40,
            ),
            C(
                "Response ID",
                T.TEXT,
                False,
                "The form response this was imported from (awards import); stops a response "
                "being imported twice.",
                width=14,
            ),
        ),
        blank_rows=100,
    ),
    Table(
        "Judges",
        "Judges",
        "Judging panel",
        (
            C("Judge", T.PERSON, True, "Judge's name.", unique=True, width=20),
            C("Role", T.TEXT, False, "Job title or 'customer panel'.", width=24),
            C("Team", T.TEXT, False, "Their team (used for same-team conflicts).", width=21),
            C("Site", T.TEXT, False, "Their site.", width=12),
            C("Email", T.EMAIL, False, "For judge packs and reminders.", width=28),
            C(
                "Independent",
                T.BOOL,
                False,
                "yes for someone outside the line management chain.",
                choices="yes_no",
                width=11,
            ),
        ),
        blank_rows=6,
    ),
    Table(
        "Conflicts",
        "Judges",
        "Declared conflicts of interest",
        (
            C("Judge", T.CHOICE, True, "Judge who declares.", ref="Judges.Judge", width=20),
            C("Nominee", T.PERSON, True, "Nominee they are conflicted with.", width=20),
            C("Type", T.CHOICE, True, "Kind of conflict.", choices="conflict_type", width=16),
            C("Declared on", T.DATE, True, "When it was declared."),
            C("Notes", T.LONGTEXT, False, "Anything the panel should know.", width=36),
        ),
        blank_rows=10,
    ),
    Table(
        "Assignments",
        "Judges",
        "Which judge scores which nomination (leave empty: every judge scores everything)",
        (
            C("Judge", T.CHOICE, True, "Judge.", ref="Judges.Judge", width=20),
            C(
                "Nomination ID",
                T.CHOICE,
                True,
                "Nomination they score.",
                ref="Nominations.ID",
                width=14,
            ),
        ),
        blank_rows=10,
    ),
    Table(
        "JudgeProgress",
        "Judges",
        "Judge progress (written by the tool at each check and collect)",
        (
            C("Judge", T.TEXT, width=20),
            C("Assigned", T.INT, help="Nominations this judge is to score.", width=10),
            C("Scored", T.INT, help="Of those, nominations with every criterion scored.", width=9),
            C("Missing scores", T.INT, help="Criterion scores still to come.", width=10),
            C("Last pack collected", T.TEXT, help="When scores last came back.", width=18),
        ),
        owner="tool",
        blank_rows=1,
        beside="Judges",
    ),
    Table(
        "Scores",
        "Scores",
        "Scores: one row per judge, nomination and criterion",
        (
            C("Judge", T.CHOICE, True, "Judge giving the score.", ref="Judges.Judge", width=18),
            C(
                "Nomination ID",
                T.CHOICE,
                True,
                "Nomination scored.",
                ref="Nominations.ID",
                width=13,
            ),
            C("Criterion", T.TEXT, True, "Criterion of the nomination's category.", width=24),
            C("Score", T.DECIMAL, True, "Score on the category's scale.", width=8),
            C("Comment", T.LONGTEXT, False, "Why this score (helps moderation).", width=36),
            C(
                "Category",
                T.TEXT,
                False,
                "Looked up from the nomination.",
                width=22,
                formula='=IFERROR(INDEX(Nominations[Category],MATCH({n},Nominations[ID],0)),"")'.format(
                    n=this_row("Scores", "Nomination ID")
                ),
            ),
            C(
                "Weight",
                T.PERCENT,
                False,
                "Looked up from Criteria.",
                width=9,
                formula=(
                    '=IFERROR(INDEX(Criteria[Weight],MATCH({c}&"|"&{k},Criteria[Key],0)),"")'.format(
                        c=this_row("Scores", "Category"), k=this_row("Scores", "Criterion")
                    )
                ),
            ),
            C(
                "Max",
                T.INT,
                False,
                "Top of the category's scale.",
                width=7,
                formula=(
                    '=IFERROR(INDEX(Categories[Scale max],MATCH({c},Categories[Category],0)),"")'.format(
                        c=this_row("Scores", "Category")
                    )
                ),
            ),
            C(
                "Conflict",
                T.TEXT,
                False,
                "yes when the judge declared a conflict with the nominee.",
                width=9,
                formula=(
                    '=IF({j}="","",IF(COUNTIFS(Conflicts[Judge],{j},Conflicts[Nominee],'
                    'IFERROR(INDEX(Nominations[Nominee],MATCH({n},Nominations[ID],0)),""))>0,'
                    '"yes","no"))'
                ).format(j=this_row("Scores", "Judge"), n=this_row("Scores", "Nomination ID")),
            ),
            C(
                "Points",
                T.DECIMAL,
                False,
                "Weight x score / max: this score's share.",
                width=9,
                formula=(
                    '=IFERROR(IF(OR({s}="",{c}="yes"),"",{w}*{s}/{m}),"")'.format(
                        s=this_row("Scores", "Score"),
                        c=this_row("Scores", "Conflict"),
                        w=this_row("Scores", "Weight"),
                        m=this_row("Scores", "Max"),
                    )
                ),
            ),
        ),
        blank_rows=200,
        formula_rows=LOOKUP_MAX_ROWS,
    ),
    Table(
        "Results",
        "Results",
        "Results (written by the tool; the last two columns are Excel's own check of the raw "
        "score and raw rank)",
        (
            C("Period", T.TEXT, width=14),
            C("Category", T.TEXT, width=24),
            C("Place", T.TEXT, help="Winner or runner-up.", width=10),
            C("Rank", T.INT, help="Rank within the category and period.", width=7),
            C("Nomination ID", T.TEXT, width=13),
            C("Nominee", T.TEXT, width=20),
            C("Team", T.TEXT, width=21),
            C("Site", T.TEXT, width=12),
            C("Judges", T.INT, help="Judges whose scores count.", width=8),
            C(
                "Raw score",
                T.PERCENT,
                help="Mean of the judges' weighted scores.",
                width=10,
                number_format=RANKED_SCORE,
            ),
            C(
                "Normalised score",
                T.PERCENT,
                help="Same, after evening out lenient and harsh judges.",
                width=12,
                number_format=RANKED_SCORE,
            ),
            C(
                "Adjusted score",
                T.PERCENT,
                number_format=RANKED_SCORE,
                help="Judge-effect estimate: what a typical judge would have given, each judge's "
                "leniency (and spread) taken out. Can pass 100% when harsh judges gave top marks.",
                width=11,
            ),
            C("Ranked on", T.TEXT, help="Which score decided the rank.", width=11),
            C("Tie-break", T.LONGTEXT, help="The rule that separated a tie, if any.", width=28),
            C("Flags", T.LONGTEXT, help="Disagreement, outliers, too few judges.", width=30),
            C("By criterion", T.LONGTEXT, help="Mean score per criterion.", width=44),
            C("By judge", T.LONGTEXT, help="Each judge's weighted score.", width=40),
            C(
                "Citation",
                T.LONGTEXT,
                help="What the certificate, newsletter and emails will say of a winner or "
                "runner-up: the nomination's Citation, or the tool's proposal when that is blank.",
                width=50,
            ),
            C(
                "Raw rank",
                T.INT,
                help="Rank by the raw score alone (1 + how many scored higher), to set beside "
                "Excel's raw rank; the Rank column may differ when ranking is on normalised "
                "scores or a tie-break decided.",
                width=8,
            ),
            C(
                "Excel raw score",
                T.PERCENT,
                number_format=RANKED_SCORE,
                help="The raw score worked out again by Excel: each counted judge's weighted "
                "score from the Scores sheet (Judging > Panel), then their mean (trimmed as "
                "Settings say). Equals Raw score." + _CHECK_NOTE,
                width=11,
                formula=(
                    "=IF({checked},IFERROR(ROUND(IF(AND({t}>0,{n}>=MAX({t},3)),"
                    '({s}-{hi}-{lo})/({n}-2),{s}/{n}),9),""),"")'
                )
                .format(
                    checked=_CHECKED,
                    t='INDEX(Settings[Value],MATCH("Trimmed mean from",Settings[Setting],0))',
                    n='COUNTIFS(Panel[Nomination ID],{i},Panel[Counted],"yes")',
                    s="SUMIFS(Panel[Excel weighted score],Panel[Nomination ID],{i},"
                    'Panel[Counted],"yes")',
                    hi="_xlfn.MAXIFS(Panel[Excel weighted score],Panel[Nomination ID],{i},"
                    'Panel[Counted],"yes")',
                    lo="_xlfn.MINIFS(Panel[Excel weighted score],Panel[Nomination ID],{i},"
                    'Panel[Counted],"yes")',
                )
                .replace("{i}", this_row("Results", "Nomination ID")),
            ),
            C(
                "Excel raw rank",
                T.INT,
                help="Rank by Excel's raw score within the category and period; equals Raw rank.",
                width=8,
                formula=(
                    '=IF({s}="","",COUNTIFS(Results[Period],{p},Results[Category],{c},'
                    'Results[Excel raw score],">"&{s})+1)'
                ).format(
                    s=this_row("Results", "Excel raw score"),
                    p=this_row("Results", "Period"),
                    c=this_row("Results", "Category"),
                ),
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "WinnersExplained",
        "Results",
        "Why each winner won (written by the tool)",
        (
            C("Period", T.TEXT, width=14),
            C("Category", T.TEXT, width=24),
            C("Place", T.TEXT, help="Winner, or tied for first awaiting a panel vote.", width=10),
            C("Nomination ID", T.TEXT, width=13),
            C("Nominee", T.TEXT, width=20),
            C("Raw score", T.PERCENT, width=10, number_format=RANKED_SCORE),
            C("Normalised score", T.PERCENT, width=12, number_format=RANKED_SCORE),
            C("Adjusted score", T.PERCENT, width=11, number_format=RANKED_SCORE),
            C("Ranked on", T.TEXT, help="Which score decided the rank.", width=11),
            C(
                "Next best",
                T.TEXT,
                help="The best nomination of another nominee below it.",
                width=24,
            ),
            C(
                "Margin (points)",
                T.DECIMAL,
                help="Lead over the next best, in percentage points of the score ranked on.",
                width=10,
            ),
            C("By criterion", T.LONGTEXT, help="Mean score per criterion.", width=44),
            C(
                "By judge, with leniency",
                T.LONGTEXT,
                help="Each judge's weighted score, that judge's leniency (points) and the score "
                "with it taken out.",
                # Not wider: the Results sheet prints three pages wide with its title columns.
                width=58,
            ),
            C(
                "Decided by",
                T.LONGTEXT,
                help="The margin, or the tie-break rule that decided. With a lead under 1 "
                "point, or a winner not ahead of the next best on another score, also how the "
                "two compare on the other scores.",
                width=44,
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Panel",
        "Judging",
        "Each judge's weighted score per nomination",
        (
            C("Period", T.TEXT, width=14),
            C("Category", T.TEXT, width=24),
            C("Nomination ID", T.TEXT, width=13),
            C("Judge", T.TEXT, width=18),
            C("Weighted score", T.PERCENT, width=10),
            C("Normalised score", T.PERCENT, width=12),
            C(
                "Adjusted score",
                T.PERCENT,
                help="This judge's score with their leniency and spread taken out.",
                width=11,
            ),
            C("Counted", T.TEXT, help="yes, or why the score was left out.", width=30),
            C(
                "Flag",
                T.LONGTEXT,
                help="Outlier: more than 2 SD from the nomination's mean.",
                width=24,
            ),
            C(
                "Excel weighted score",
                T.PERCENT,
                help="This judge's weighted score worked out again by Excel from the Scores "
                "sheet (conflicted scores left out); equals Weighted score." + _CHECK_NOTE,
                width=11,
                formula=(
                    "=IF({c},IFERROR(SUMIFS(Scores[Points],Scores[Nomination ID],{n},"
                    'Scores[Judge],{j},Scores[Conflict],"no")/SUMIFS(Scores[Weight],'
                    'Scores[Nomination ID],{n},Scores[Judge],{j},Scores[Conflict],"no",'
                    'Scores[Score],"<>"),""),"")'
                ).format(
                    c=_CHECKED, n=this_row("Panel", "Nomination ID"), j=this_row("Panel", "Judge")
                ),
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "JudgeStats",
        "Judging",
        "How each judge scores (for normalisation)",
        (
            C("Judge", T.TEXT, width=18),
            C("Scored", T.INT, help="Nominations scored (counted).", width=8),
            C("Mean", T.PERCENT, width=9),
            C("Spread (SD)", T.PERCENT, width=10),
            C(
                "Tendency",
                T.TEXT,
                help="Lenient, harsh or typical compared with the panel.",
                width=12,
            ),
            C("Normalisation", T.LONGTEXT, help="Applied, or why raw scores were kept.", width=40),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "JudgeEffects",
        "Judging",
        "How lenient each judge is, category by category (judge-effect model)",
        (
            C("Category", T.TEXT, width=24),
            C("Judge", T.TEXT, width=18),
            C("Scores", T.INT, help="Nominations this judge scored in the category.", width=8),
            C(
                "Leniency (points)",
                T.DECIMAL,
                help="How many percentage points above (+) or below (-) the other judges this "
                "judge scores the same nominations; pulled towards 0 when there are few scores.",
                width=11,
            ),
            C(
                "Uncertainty (points)",
                T.DECIMAL,
                help="Standard error of the leniency: about two of these either side is "
                "plausible. Blank when it cannot be measured.",
                width=12,
            ),
            C(
                "Spread",
                T.DECIMAL,
                help="1 = spreads scores like the typical judge; 1.3 = 30% wider; 0.25 = "
                "hardly tells nominations apart (for example the same score for all).",
                width=8,
            ),
            C(
                "Group",
                T.TEXT,
                help="Judges linked through shared nominations; different groups cannot be "
                "compared.",
                width=8,
            ),
            C("Note", T.TEXT, width=44),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Agreement",
        "Judging",
        "How far the judges agree (Krippendorff's alpha, interval)",
        (
            C("Category", T.TEXT, width=24),
            C("Scope", T.TEXT, help="A criterion, or the whole category.", width=24),
            C(
                "Alpha",
                T.DECIMAL,
                help="1 when the judges agree fully, 0 when no better than chance; 0.8 and "
                "above is good.",
                width=8,
            ),
            C(
                "Nominations",
                T.INT,
                help="Nominations scored by two or more judges: what alpha is measured on.",
                width=11,
            ),
            C("Reading", T.LONGTEXT, width=60),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Comms",
        "Comms",
        "Communications plan: promote to the team and to customers (1.2, 3.1, 3.2)",
        (
            C("Audience", T.CHOICE, True, "Who it is for.", choices="audience", width=18),
            C(
                "Channel",
                T.TEXT,
                True,
                "Email, screens, newsletter, social media, in store...",
                width=18,
            ),
            C("Message", T.LONGTEXT, True, "What it says.", width=50),
            C(
                "Purpose",
                T.TEXT,
                False,
                "Launch, motivate, engage customers, recognise...",
                width=20,
            ),
            C("Date", T.DATE, True, "When it goes out."),
            C("Owner", T.PERSON, True, "Who sends it.", width=18),
            C("Status", T.CHOICE, True, "Planned, drafted, sent.", choices="comms_status"),
        ),
        blank_rows=15,
    ),
    Table(
        "Survey",
        "Evaluation",
        "Evaluation: the four viewpoints (3.3)",
        (
            C(
                "Viewpoint",
                T.CHOICE,
                True,
                "Whose view this measures.",
                choices="viewpoint",
                width=18,
            ),
            C("Question", T.LONGTEXT, True, "What was asked or measured.", width=44),
            C("Result", T.DECIMAL, True, "The figure (e.g. 0.82 for 82% agree)."),
            C("Scale", T.CHOICE, True, "How to read the figure.", choices="survey_scale", width=11),
            C("Respondents", T.INT, False, "How many answered.", min=0, width=11),
            C("Comment", T.LONGTEXT, False, "What people said; what it means.", width=44),
        ),
        blank_rows=12,
    ),
    Table(
        "Findings",
        "Evaluation",
        "Evaluation: findings and actions",
        (
            C("Finding", T.LONGTEXT, True, "What the evaluation showed.", width=50),
            C("Action", T.LONGTEXT, False, "What will change next period.", width=44),
            C("Owner", T.PERSON, False, "Who will do it.", width=18),
            C(
                "Kind",
                T.CHOICE,
                False,
                "went well or to improve: where the finding goes in the assessor's reflective "
                "account (blank: to improve when an action is given, else went well).",
                choices="finding_kind",
                width=12,
            ),
        ),
        blank_rows=8,
    ),
    Table(
        "EvidenceMap",
        "Evidence",
        "Evidence map for the assessor (unit L/506/2181; written by the tool)",
        (
            C("Criterion", T.TEXT, True, "Assessment criterion number (L/506/2181).", width=9),
            C("D17", T.TEXT, False, "The same ground in the 2010 unit (OCR D17).", width=11),
            C("What is asked", T.LONGTEXT, True, "In plain words.", width=40),
            C("Status", T.TEXT, False, "met, partly or missing, worked out by the tool.", width=9),
            C("What is missing", T.LONGTEXT, False, "What to add before it is met.", width=46),
            C("Where in this workbook", T.LONGTEXT, True, "Sheet, table or document.", width=34),
            C("Entries", T.INT, False, "Rows of evidence found at the last check.", width=9),
            C(
                "Notes",
                T.LONGTEXT,
                False,
                "Anything the assessor should know (yours: the tool keeps what you type).",
                width=34,
            ),
        ),
        owner="tool",
        blank_rows=0,
    ),
    Table(
        "EvidenceRequirements",
        "Evidence",
        "Evidence requirements of the 2010 unit (D17; written by the tool)",
        (
            C("Requirement", T.TEXT, help="What D17 asks the evidence to show.", width=20),
            C("What is asked", T.LONGTEXT, help="In plain words.", width=40),
            C("Status", T.TEXT, help="met, partly or missing, worked out by the tool.", width=9),
            C("What is missing", T.LONGTEXT, help="What to add before it is met.", width=46),
            C("Where in this workbook", T.LONGTEXT, help="Sheet, table or document.", width=34),
        ),
        owner="tool",
        blank_rows=0,
    ),
    # --- Appeals, equity and history (running the programme period after period) ---------
    Table(
        "Appeals",
        "Appeals",
        "Appeals against a result, and how each was decided",
        (
            C("Appeal ID", T.TEXT, True, "Unique reference, e.g. A-001.", unique=True, width=10),
            C("Appellant", T.PERSON, True, "Who appeals.", width=20),
            C(
                "Nomination ID",
                T.CHOICE,
                True,
                "The nomination whose result is appealed.",
                ref="Nominations.ID",
                width=14,
            ),
            C("Grounds", T.LONGTEXT, True, "Why they appeal, in their words.", width=44),
            C("Received", T.DATE, True, "When the appeal arrived."),
            C(
                "Reviewer",
                T.PERSON,
                False,
                "Who reviews it; must not have judged that nomination.",
                width=20,
            ),
            C(
                "Outcome",
                T.CHOICE,
                True,
                "open until decided; then upheld, partly upheld, not upheld or withdrawn.",
                choices="appeal_outcome",
                width=14,
            ),
            C("Decided on", T.DATE, False, "When the outcome was decided."),
            C("Notes", T.LONGTEXT, False, "Reasons for the decision.", width=40),
        ),
        blank_rows=10,
    ),
    Table(
        "PanelVotes",
        "Appeals",
        "Panel votes: the winner the panel chose where the tie-break rules left a tie for first",
        (
            C("Period", T.CHOICE, True, "Period of the tie.", ref="Periods.Period", width=14),
            C(
                "Category",
                T.CHOICE,
                True,
                "Category of the tie.",
                ref="Categories.Category",
                width=24,
            ),
            C(
                "Winner",
                T.CHOICE,
                True,
                "ID of the nomination the panel chose, one of those the Results sheet shows as "
                "'panel vote'.",
                ref="Nominations.ID",
                width=14,
            ),
            C("Decided on", T.DATE, True, "When the panel decided."),
            C(
                "How decided",
                T.LONGTEXT,
                False,
                "Who voted and how, e.g. '3 votes to 1 at the panel meeting'.",
                width=40,
            ),
        ),
        blank_rows=5,
    ),
    Table(
        "Equity",
        "Evaluation",
        "Nominations and wins per eligible member of staff, by group (written by the tool)",
        (
            C("Grouping", T.TEXT, help="Team, Site or a column you added to Staff.", width=14),
            C("Group", T.TEXT, width=20),
            C("Eligible staff", T.INT, help="Staff in the group who can be nominated.", width=10),
            C("Nominations", T.INT, help="Individual nominations of the group's staff.", width=11),
            C("Nomination rate", T.DECIMAL, help="Nominations per eligible member.", width=11),
            C(
                "Nomination ratio",
                T.DECIMAL,
                help="Rate divided by the best-served group's rate in this grouping.",
                width=11,
            ),
            C("Wins", T.INT, width=7),
            C("Win rate", T.DECIMAL, help="Wins per eligible member.", width=9),
            C("Win ratio", T.DECIMAL, help="Rate divided by the best group's rate.", width=9),
            C(
                "Flag",
                T.LONGTEXT,
                help="Below 0.8 of the best group (four-fifths rule of thumb), small group.",
                width=44,
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Participation",
        "Evaluation",
        "Participation: sources of nominations, staff nominated, the judging panel (tool)",
        (
            C("Measure", T.TEXT, width=30),
            C("Group", T.TEXT, width=22),
            C("Count", T.INT, width=8),
            C("Out of", T.INT, width=8),
            C("Share", T.PERCENT, width=9),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "PeriodHistory",
        "History",
        "Each period at a glance: nominations, winners, participation and KPIs (tool)",
        (
            C("Period", T.TEXT, width=14),
            C("Starts", T.DATE),
            C("Ends", T.DATE),
            C("Nominations", T.INT, help="Not counting calibration entries.", width=11),
            C("Customer nominations", T.INT, width=11),
            C("Nominators", T.INT, help="Different people who nominated.", width=10),
            C(
                "Staff nominated",
                T.INT,
                help="Different staff nominated at least once for an individual award.",
                width=10,
            ),
            C(
                "Share of staff nominated",
                T.PERCENT,
                help="Out of the Teams table's headcount (the Staff list when it has none), "
                "as the report's participation section counts it.",
                width=11,
            ),
            C("Winners", T.INT, width=8),
            C("Judges", T.INT, help="Judges who scored.", width=8),
            C("Scores", T.INT, width=8),
            C("Appeals", T.INT, width=8),
            C("KPI actuals", T.LONGTEXT, help="Each objective's KPI as recorded.", width=50),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "KpiHistory",
        "History",
        "KPI actuals recorded at the close of each period (tool)",
        (
            C("Period", T.TEXT, width=14),
            C("KPI", T.TEXT, width=30),
            C("Baseline", T.DECIMAL),
            C("Target", T.DECIMAL),
            C("Actual", T.DECIMAL),
            C("Unit", T.TEXT, width=9),
            C("Met", T.TEXT, width=8),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "NominationHistory",
        "Nomination history",
        "Nominations of closed periods (moved here by awards new-period)",
        (
            C("ID", T.TEXT, width=9),
            C("Period", T.TEXT, width=14),
            C("Category", T.TEXT, width=24),
            C("Nominee", T.TEXT, width=20),
            C("Team", T.TEXT, width=21),
            C("Site", T.TEXT, width=12),
            C("Line manager", T.TEXT, width=18),
            C("Nominator type", T.TEXT, width=12),
            C("Nominator", T.TEXT, width=18),
            C("Nominator contact", T.TEXT, width=22),
            C("Evidence", T.LONGTEXT, width=50),
            C("Customer quote", T.LONGTEXT, width=34),
            C("Received", T.DATE),
            C("Consent to publish", T.BOOL, width=10),
            C("Consent date", T.DATE),
            C("Calibration", T.BOOL, width=11),
            C("Response ID", T.TEXT, width=14),
            # At the end, so a workbook made before it keeps each older column's format.
            C("Citation", T.LONGTEXT, width=40),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "ScoreHistory",
        "Score history",
        "Scores of closed periods (moved here by awards new-period)",
        (
            C("Period", T.TEXT, width=14),
            C("Judge", T.TEXT, width=18),
            C("Nomination ID", T.TEXT, width=13),
            C("Criterion", T.TEXT, width=24),
            C("Score", T.DECIMAL, width=8),
            C("Comment", T.LONGTEXT, width=36),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "AssignmentHistory",
        "Assignment history",
        "Judge assignments of closed periods (moved here by awards new-period)",
        (
            C("Period", T.TEXT, width=14),
            C("Judge", T.TEXT, width=20),
            C("Nomination ID", T.TEXT, width=14),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "ResultHistory",
        "Result history",
        "Results of closed periods, as they stood when the period closed",
        (
            C("Period", T.TEXT, width=14),
            C("Category", T.TEXT, width=24),
            C("Place", T.TEXT, width=10),
            C("Rank", T.INT, width=7),
            C("Nomination ID", T.TEXT, width=13),
            C("Nominee", T.TEXT, width=20),
            C("Team", T.TEXT, width=21),
            C("Site", T.TEXT, width=12),
            C("Judges", T.INT, width=8),
            C("Raw score", T.PERCENT, width=10, number_format=RANKED_SCORE),
            C("Normalised score", T.PERCENT, width=12, number_format=RANKED_SCORE),
            C("Ranked on", T.TEXT, width=11),
            C("Tie-break", T.LONGTEXT, width=28),
            C("Flags", T.LONGTEXT, width=30),
            C("By criterion", T.LONGTEXT, width=44),
            C("By judge", T.LONGTEXT, width=40),
            # At the end, so a workbook made before them keeps each older column's format:
            # the score that ranked (Rank by judge-effect) and the citation as announced.
            C("Adjusted score", T.PERCENT, width=11, number_format=RANKED_SCORE),
            C("Citation", T.LONGTEXT, width=40),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Issues",
        "Issues",
        "Problems found by the last validation (written by the tool)",
        (
            C("Severity", T.TEXT, width=9),
            C("Code", T.TEXT, width=26),
            C("Sheet", T.TEXT, width=13),
            C("Row", T.INT, width=7),
            C("Column", T.TEXT, width=18),
            C("Cell", T.TEXT, width=8),
            C("Value", T.TEXT, width=20),
            C("Message", T.LONGTEXT, width=60),
            C("How to fix", T.LONGTEXT, width=50),
            C(
                "Key",
                T.TEXT,
                help="Sheet!Cell, used to light up the cell.",
                width=18,
                printed=False,
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "Audit",
        "Audit log",
        "What the tool did, and when (written by the tool)",
        (
            C("When", T.DATETIME, width=18),
            C("User", T.TEXT, width=14),
            C("Action", T.TEXT, width=14),
            C("Detail", T.LONGTEXT, width=70),
            C("Tool version", T.TEXT, width=10),
            C(
                "When (UTC)",
                T.TEXT,
                help="Time of the entry in UTC (sealed by the digest).",
                width=20,
            ),
            C(
                "Inputs before",
                T.TEXT,
                help="SHA-256 of the input tables before the action.",
                width=20,
            ),
            C("Inputs after", T.TEXT, help="SHA-256 of the input tables after it.", width=20),
            C("Previous digest", T.TEXT, help="Row digest of the entry above.", width=20),
            C(
                "Row digest",
                T.TEXT,
                help="SHA-256 of this entry and the previous digest: an edit breaks the chain.",
                width=20,
            ),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "AuditSeal",
        "Tool data",
        "The last audit entry (written by the tool; shows if the newest entries were deleted)",
        (
            C("Entries", T.TEXT, help="How many audit entries there were.", width=10),
            C("Last digest", T.TEXT, help="Row digest of the last entry.", width=66),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "LockState",
        "Tool data",
        "Score lock (written by the tool)",
        (
            C("Locked (UTC)", T.TEXT, width=20),
            C("Locked by", T.TEXT, width=14),
            C("Scores digest", T.TEXT, width=66),
            C("Assignments digest", T.TEXT, width=66),
            C("Results digest", T.TEXT, width=66),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "LockRows",
        "Tool data",
        "Score lock: one digest per locked row (written by the tool)",
        (
            C("Table", T.TEXT, width=12),
            C("Key", T.TEXT, width=40),
            C("Digest", T.TEXT, width=66),
        ),
        owner="tool",
        blank_rows=1,
    ),
    Table(
        "ImportedResponses",
        "Tool data",
        "Form responses imported: each is imported once (written by the tool)",
        (
            C(
                "Response digest",
                T.TEXT,
                help="SHA-256 of the response's ID: the response is recognised without it.",
                width=66,
            ),
            C("Nomination ID", T.TEXT, help="The nomination it became.", width=14),
            C("First seen (UTC)", T.TEXT, width=20),
        ),
        owner="tool",
        blank_rows=1,
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# ---------------------------------------------------------------------------------------------
# Sheets, in workbook order
# ---------------------------------------------------------------------------------------------
SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Start",
        "What this workbook is, how to use it, and where the programme stands.",
        protected=True,
        tab_colour="C9A227",
    ),
    Sheet("Settings", "Organisation details, branding, email and scoring settings.", ("Settings",)),
    Sheet(
        "Programme",
        "Rationale, culture, business case and SMART objectives.",
        ("Rationale", "Costs", "Benefits", "Objectives"),
        criteria=("1.1", "1.2", "1.3", "1.4", "2.1"),
    ),
    Sheet(
        "Options",
        "Options appraisal and the option chosen.",
        ("OptionWeights", "Options"),
        criteria=("2.2", "2.3"),
    ),
    Sheet(
        "Plan",
        "Actions, roles, resources, timescales, risks and contingencies.",
        ("Actions", "Risks"),
        criteria=("2.4",),
    ),
    Sheet(
        "Periods", "Award periods and the winners of earlier periods.", ("Periods", "PastWinners")
    ),
    Sheet(
        "Categories",
        "What each award is, how often, how it is judged and presented.",
        ("Categories",),
        criteria=("2.4", "2.5"),
    ),
    Sheet(
        "Criteria",
        "Weighted judging criteria with a descriptor for each score level.",
        ("Criteria",),
        criteria=("2.5",),
        print_key=("Criteria", "Category", "Criterion"),
    ),
    Sheet("Staff", "Teams, sites and the people who can be nominated.", ("Teams", "Staff")),
    Sheet("Nominations", "Every nomination received.", ("Nominations",), criteria=("3.1",)),
    Sheet(
        "Judges",
        "The panel, declared conflicts of interest and judge assignments.",
        ("Judges", "Conflicts", "Assignments", "JudgeProgress"),
        criteria=("2.5",),
    ),
    Sheet("Scores", "Judges' scores, one row per judge, nomination and criterion.", ("Scores",)),
    Sheet(
        "Results",
        "Scores, ranks and winners (written by the tool).",
        ("WinnersExplained", "Results"),
        tab_colour="548235",
        criteria=("2.5", "3.2"),
        print_key=("Results", "Nomination ID", "Nominee"),
        repeat_header="Results",
    ),
    Sheet(
        "Judging",
        "Each judge's score of each nomination, normalised and adjusted; how each judge marks "
        "and how far the judges agree (written by the tool).",
        # The per-nomination Panel, the long one, last: its header then repeats on each of
        # its printed pages (see repeat_header), after the summaries of each judge.
        ("JudgeStats", "JudgeEffects", "Agreement", "Panel"),
        tab_colour="548235",
        criteria=("2.5",),
        print_key=("Panel", "Category", "Judge"),
        repeat_header="Panel",
    ),
    Sheet(
        "Comms",
        "How the programme is promoted and winners announced.",
        ("Comms",),
        criteria=("1.2", "3.1", "3.2"),
    ),
    Sheet(
        "Evaluation",
        "Survey results for the four viewpoints and findings with actions (yours); equity and "
        "participation (written by the tool at each Score).",
        ("Survey", "Findings", "Equity", "Participation"),
        criteria=("3.3",),
        print_key=("Equity", "Grouping", "Group"),
    ),
    Sheet(
        "Evidence",
        "Where the assessor finds evidence for each criterion, and what is still missing.",
        ("EvidenceMap", "EvidenceRequirements"),
        tab_colour="548235",
    ),
    Sheet(
        "Appeals",
        "Appeals against results (grounds, reviewer and outcome), and the panel's votes on "
        "ties for first.",
        ("Appeals", "PanelVotes"),
        criteria=("2.5",),
    ),
    Sheet(
        "History",
        "Each closed period at a glance, for the trend over periods (tool).",
        ("PeriodHistory", "KpiHistory"),
        tab_colour="7F7F7F",
        criteria=("3.3",),
    ),
    Sheet(
        "Nomination history",
        "Nominations of closed periods (tool).",
        ("NominationHistory",),
        tab_colour="7F7F7F",
    ),
    Sheet(
        "Score history", "Scores of closed periods (tool).", ("ScoreHistory",), tab_colour="7F7F7F"
    ),
    Sheet(
        "Assignment history",
        "Judge assignments of closed periods (tool).",
        ("AssignmentHistory",),
        tab_colour="7F7F7F",
    ),
    Sheet(
        "Result history",
        "Results of closed periods (tool).",
        ("ResultHistory",),
        tab_colour="7F7F7F",
        print_key=("ResultHistory", "Nomination ID", "Nominee"),
    ),
    Sheet(
        "Issues",
        "Problems found by the last validation (tool).",
        ("Issues",),
        tab_colour="C00000",
        print_key=("Issues", "Sheet", "Cell"),
    ),
    Sheet("Audit log", "Every run of the tool (tool).", ("Audit",), tab_colour="7F7F7F"),
    Sheet("Lists", "Values for dropdowns.", protected=True, hidden=True),
    Sheet(
        "Tool data",
        "The audit seal, the score lock and the form responses imported (tool).",
        ("AuditSeal", "LockState", "LockRows", "ImportedResponses"),
        hidden=True,
        very_hidden=True,
        tab_colour="7F7F7F",
    ),
)

SHEET_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
TOOL_SHEETS: tuple[str, ...] = tuple(
    s.name for s in SHEETS if s.tables and all(TABLE_BY_NAME[t].owner == "tool" for t in s.tables)
)

# ---------------------------------------------------------------------------------------------
# Settings (rows of the Settings table)
# ---------------------------------------------------------------------------------------------
SETTINGS: tuple[Setting, ...] = (
    Setting("organisation", "Organisation", T.TEXT, "", "Name printed on certificates."),
    Setting(
        "programme",
        "Programme name",
        T.TEXT,
        "Customer Service Awards",
        "Name of the award programme.",
    ),
    Setting(
        "current_period",
        "Current period",
        T.TEXT,
        "",
        "The period being judged (a Period from the Periods sheet).",
    ),
    Setting("signatory_name", "Signatory name", T.TEXT, "", "Who signs the certificates."),
    Setting("signatory_title", "Signatory title", T.TEXT, "", "Their job title."),
    Setting(
        "logo_file",
        "Logo file",
        T.TEXT,
        "",
        "Path to a PNG or JPG logo, relative to this workbook (optional).",
    ),
    Setting(
        "templates_folder",
        "Templates folder",
        T.TEXT,
        "",
        "Folder of your own restyled templates (certificate.docx, newsletter.docx, "
        "evaluation_report.docx, email/*.txt), relative to this workbook; any not there come "
        "from the bundled set (optional).",
    ),
    Setting("primary_colour", "Primary colour", T.TEXT, "#1F4E79", "Hex colour for headings."),
    Setting("accent_colour", "Accent colour", T.TEXT, "#C9A227", "Hex colour for borders."),
    Setting(
        "how_to_nominate",
        "How to nominate",
        T.LONGTEXT,
        "Use the nomination form on the intranet, or ask your team leader for a card.",
        "Printed at the end of the newsletter article.",
    ),
    Setting("comms_email", "Comms team email", T.EMAIL, "", "Who receives the newsletter article."),
    Setting("smtp_host", "SMTP host", T.TEXT, "", "Mail server for sending (optional)."),
    Setting(
        "smtp_port", "SMTP port", T.INT, 587, "Usually 587 with STARTTLS.", minimum=1, maximum=65535
    ),
    Setting(
        "smtp_starttls",
        "SMTP STARTTLS",
        T.BOOL,
        "yes",
        "yes to encrypt the connection.",
        choices="yes_no",
    ),
    Setting(
        "smtp_user",
        "SMTP user",
        T.TEXT,
        "",
        "Login name; the password is read from the AWARDS_SMTP_PASSWORD environment "
        "variable and never stored here.",
    ),
    Setting("from_address", "From address", T.EMAIL, "", "Sender of award emails."),
    Setting(
        "rank_by",
        "Rank by",
        T.CHOICE,
        "judge-effect",
        "judge-effect compares judges on the nominations they shared (fair with partial "
        "panels); normalised uses each judge's z-scores; raw uses the plain mean.",
        choices="rank_basis",
    ),
    Setting(
        "judge_shrinkage",
        "Judge-effect shrinkage",
        T.DECIMAL,
        1,
        "judge-effect: a judge's leniency is pulled towards 0 as if they had also given this "
        "many typical scores, so a judge with few scores is corrected less (0 = no pull).",
        minimum=0,
    ),
    Setting(
        "judge_spread_from",
        "Judge spread from",
        T.INT,
        5,
        "judge-effect: judges with at least this many scores in a category also get their own "
        "spread (how widely they mark); 0 = never.",
        minimum=0,
    ),
    Setting(
        "weights_policy",
        "Weights not 100%",
        T.CHOICE,
        "error",
        "error stops scoring; 'normalise with warning' rescales the weights.",
        choices="weights_policy",
    ),
    Setting(
        "trim_from",
        "Trimmed mean from",
        T.INT,
        4,
        "With this many judges or more, drop the highest and lowest (0 = never).",
        minimum=0,
    ),
    Setting(
        "disagreement_threshold",
        "Disagreement threshold",
        T.PERCENT,
        0.25,
        "Flag a nomination when judges' weighted scores differ by more than this.",
        minimum=0,
        maximum=1,
    ),
    Setting(
        "conflict_line_manager",
        "Line manager is a conflict",
        T.BOOL,
        "yes",
        "yes: a judge who is the nominee's line manager cannot score them.",
        choices="yes_no",
    ),
    Setting(
        "conflict_same_team",
        "Same team is a conflict",
        T.BOOL,
        "yes",
        "yes: a judge in the nominee's team cannot score them.",
        choices="yes_no",
    ),
    # A cap keeps a typo (a pasted ID, 1e20) from reaching the list of places to fill.
    Setting(
        "runners_up",
        "Runners-up",
        T.INT,
        1,
        "Runners-up named per category.",
        minimum=0,
        maximum=100,
    ),
    Setting(
        "programme_id",
        "Programme ID",
        T.TEXT,
        "",
        "A short code for this programme, carried by every judge pack so a pack from another "
        "programme is refused (blank: the organisation and programme name are used).",
    ),
    Setting(
        "judges_per_nomination",
        "Judges per nomination",
        T.INT,
        3,
        "How many judges 'Assign judges' gives each nomination (all judges when fewer).",
        minimum=1,
    ),
    Setting(
        "scores_due",
        "Scores due",
        T.DATE,
        "",
        "Date judges must return their packs by (printed on packs and emails).",
    ),
    Setting(
        "blind_judging",
        "Blind judging",
        T.BOOL,
        "yes",
        "yes: judge packs hide who was nominated and by whom, and mask names in the evidence.",
        choices="yes_no",
    ),
    Setting(
        "returned_packs_folder",
        "Returned packs folder",
        T.TEXT,
        "",
        "Folder the 'Collect scores' button reads returned judge packs from, relative to this "
        "workbook (blank: it asks).",
    ),
    Setting(
        "candidate_name",
        "NVQ candidate",
        T.TEXT,
        "",
        "Whose evidence the assessor pack is: named on its evidence index, with a declaration "
        "to sign (blank: the signatory).",
    ),
    Setting(
        "pack_pseudonymise_staff",
        "Assessor pack: codes for staff",
        T.BOOL,
        "no",
        "yes: the assessor pack replaces staff names with codes too (customers' and "
        "nominators' names and all contact details are always removed).",
        choices="yes_no",
    ),
    Setting(
        "retention_months",
        "Retention (months)",
        T.INT,
        12,
        "Nominators' contact details and customer names older than this are anonymised "
        "(awards anonymise); consent older than this is flagged.",
    ),
    Setting(
        "import_mapping",
        "Import mapping",
        T.LONGTEXT,
        "",
        "How a form export's questions map to Nominations columns, saved by awards import "
        "('Question=Column; Question=Column').",
    ),
    Setting(
        "equity_groups",
        "Equity groups",
        T.TEXT,
        "",
        "Columns you added to the Staff table to compare nomination rates by, besides team "
        "and site (separate with ';').",
    ),
)

SETTING_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}
SETTING_BY_LABEL: dict[str, Setting] = {s.label: s for s in SETTINGS}

OPTION_FACTORS: tuple[tuple[str, str], ...] = (
    ("Benefit", "OptWeightBenefit"),
    ("Drawbacks", "OptWeightDrawbacks"),
    ("Cost", "OptWeightCost"),
    ("Fit with objectives", "OptWeightFit"),
)

# Live status on the Start sheet: (label, defined name, formula).
STATUS: tuple[tuple[str, str, str], ...] = (
    (
        "Nominations (not counting calibration)",
        "StatusNominations",
        '=COUNTA(Nominations[ID])-COUNTIFS(Nominations[Calibration],"yes")',
    ),
    (
        "Customer nominations",
        "StatusCustomerNominations",
        '=COUNTIFS(Nominations[Nominator type],"customer")',
    ),
    ("Judges", "StatusJudges", "=COUNTA(Judges[Judge])"),
    ("Scores entered", "StatusScores", "=COUNT(Scores[Score])"),
    # Before any check an empty Issues table would read as "0 errors".
    (
        "Errors from last check",
        "StatusErrors",
        '=IF(COUNT(Audit[When])=0,"not checked yet",COUNTIFS(Issues[Severity],"error"))',
    ),
    (
        "Warnings from last check",
        "StatusWarnings",
        '=IF(COUNT(Audit[When])=0,"not checked yet",COUNTIFS(Issues[Severity],"warning"))',
    ),
    ("Winners", "StatusWinners", '=COUNTIFS(Results[Place],"winner")'),
    (
        "Objectives met",
        "StatusObjectivesMet",
        '=COUNTIFS(Objectives[Met],"yes")&" of "&COUNTA(Objectives[Objective])',
    ),
    (
        "Last run of the tool",
        "StatusLastRun",
        '=IF(COUNT(Audit[When])=0,"not yet",MAX(Audit[When]))',
    ),
    ("Programme budget (£)", "StatusBudget", "=SUM(Costs[Budget])"),
    ("Spent so far (£)", "StatusSpent", "=SUM(Costs[Actual])"),
    ("Estimated yearly benefit (£)", "StatusBenefit", "=SUM(Benefits[Estimated value])"),
    (
        "Expected return on cost",
        "StatusReturn",
        '=IFERROR((SUM(Benefits[Estimated value])-SUM(Costs[Budget]))/SUM(Costs[Budget]),"")',
    ),
    (
        "Unit criteria met (at the last check)",
        "StatusCriteriaMet",
        '=IF(COUNTIFS(EvidenceMap[Status],"met")+COUNTIFS(EvidenceMap[Status],"partly")'
        '+COUNTIFS(EvidenceMap[Status],"missing")=0,"not checked yet",'
        'COUNTIFS(EvidenceMap[Status],"met")&" of "&COUNTA(EvidenceMap[Criterion]))',
    ),
)


def list_name(key: str) -> str:
    """Defined name of a static list on the Lists sheet."""
    return f"list_{key}"


def ref_name(ref: str) -> str:
    """Defined name feeding a dropdown from another table's column ("Teams.Team")."""
    table, column = ref.split(".")
    return f"ref_{table}_{column.replace(' ', '_')}"


def ref_formula(ref: str) -> str:
    table, column = ref.split(".")
    return f"{table}[{column}]"

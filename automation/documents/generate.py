"""From a programme's data and results to documents: the bridge the CLI and macros call.

The document modules take plain dataclasses (``context.py``); this module fills them in from
ProgrammeData and Results, and never opens a workbook itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from automation import kpis
from automation.documents import side_process
from automation.documents.certificates import CertificateRun, write_certificates
from automation.documents.context import (
    AgreementFigure,
    Award,
    Branding,
    CostLine,
    EvaluationContext,
    Finding,
    NewsletterContext,
    ObjectiveResult,
    Viewpoint,
)
from automation.documents.evaluation import chart_colours, chart_pngs, write_evaluation_report
from automation.documents.filenames import slugify as slug
from automation.documents.mail import SmtpSettings, compose_emails, send, write_drafts
from automation.documents.newsletter import write_newsletter
from automation.documents.pdf import to_pdf
from automation.documents.render import clean_text
from automation.documents.winners_explained import winner_explanations
from automation.errors import UserError
from automation.keys import key_of
from automation.model import ROW, ProgrammeData
from automation.parse import as_python
from automation.schema import SETTING_BY_KEY
from automation.scoring import Results
from automation.scoring.explain import SCORE_COLUMN


def _row(value: object) -> int | None:
    """An Excel row number from a ``_row`` cell (None for a table built by hand)."""
    return int(value) if value is not None and pd.notna(value) else None


def _text(value: object) -> str:
    v = as_python(value)
    return "" if v is None else str(v)


def _date(value: object) -> dt.date | None:
    v = as_python(value)
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _exists(path: Path) -> bool:
    """Whether ``path`` is there; a name the system cannot even look up (too long, say) is not."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def branding(data: ProgrammeData) -> Branding:
    """Organisation, signatory, logo and colours from the Settings sheet."""
    logo = data.setting("logo_file")
    logo_path = None
    if logo:
        logo_path = Path(str(logo))
        if not logo_path.is_absolute() and data.source is not None:
            logo_path = data.source.parent / logo_path
        if not _exists(logo_path):
            raise UserError(
                f"The logo file {logo_path} does not exist.",
                "Correct 'Logo file' in Settings (a PNG or JPG next to the workbook) or clear it.",
            )
    return Branding(
        organisation=_text(data.setting("organisation")) or "Our organisation",
        signatory_name=_text(data.setting("signatory_name")),
        signatory_title=_text(data.setting("signatory_title")),
        logo_path=logo_path,
        primary_colour=_text(data.setting("primary_colour")) or "#1F4E79",
        accent_colour=_text(data.setting("accent_colour")) or "#C9A227",
    )


def _folder_setting(data: ProgrammeData, key: str) -> Path | None:
    value = _text(data.setting(key))
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute() and data.source is not None:
        path = data.source.parent / path
    return path


def template(data: ProgrammeData, name: str) -> Path | None:
    """The manager's own template ``name`` from the Templates folder setting, if it is there.

    None means "use the bundled one". A folder that does not exist is a mistake worth saying.
    """
    folder = _folder_setting(data, "templates_folder")
    if folder is None:
        return None
    if not folder.is_dir():
        raise UserError(
            f"The templates folder {folder} does not exist.",
            "Correct 'Templates folder' in Settings (relative to the workbook) or clear it.",
        )
    path = folder / name
    return path if path.exists() else None


def current_period(data: ProgrammeData, results: Results) -> str:
    """The Settings period if it has results; otherwise the latest period scored."""
    wanted = _text(data.setting("current_period"))
    periods = results.nominations["Period"].dropna().astype(str)
    if wanted and (wanted in set(periods) or periods.empty):
        return wanted
    if periods.empty:
        raise UserError(
            "There are no results to write documents from.",
            "Score the workbook first (the Score button or 'awards score').",
        )
    table = data["Periods"].dropna(subset=["Period"])
    order = dict(zip(table["Period"].astype(str), table["Ends"], strict=True))
    return max(set(periods), key=lambda p: (pd.Timestamp(order.get(p) or pd.Timestamp.min), p))


def _emails(data: ProgrammeData) -> dict[str, str]:
    staff = data["Staff"].dropna(subset=["Name"])
    return {
        key_of(n): _text(e) for n, e in zip(staff["Name"], staff["Email"], strict=True) if _text(e)
    }


class _EmailSources:
    """Where each person's address belongs, for an email skipped for want of one."""

    def __init__(self, data: ProgrammeData) -> None:
        self._sheets = {t: data.place(t).sheet for t in ("Staff", "Nominations", "Teams")}
        staff = data["Staff"].dropna(subset=["Name"])
        # The same person on two Staff rows: the row whose address is used (the last filled
        # one, as _emails reads them), else the last.
        last: dict[str, int | None] = {}
        filled: dict[str, int | None] = {}
        for name, email, row in zip(staff["Name"], staff["Email"], _rows(staff), strict=True):
            last[key_of(name)] = row
            if _text(email):
                filled[key_of(name)] = row
        self._staff_rows = {**last, **filled}
        teams = data["Teams"]
        self._team_rows = dict(zip(teams["Team"].map(key_of), _rows(teams), strict=True))

    def at(self, table: str, row: int | None, column: str) -> str:
        """``Staff row 14, column Email``."""
        return f"{self._sheets[table]} row {row}, column {column}" if row else self._sheets[table]

    def person(self, name: str, named_at: str) -> str:
        """The Staff row for ``name``'s address; where they are named when not on Staff."""
        if not name:
            return named_at
        key = key_of(name)
        if key in self._staff_rows:
            return self.at("Staff", self._staff_rows[key], "Email")
        return f"{name} is not on {self._sheets['Staff']}; named on {named_at}"

    def team(
        self, team: str, members: list[str], leader: str | None
    ) -> tuple[tuple[str, str], ...]:
        """Each member's Staff row; with no members, the leader's; with neither, the team's."""
        if members:
            return tuple(
                (clean_text(name, single_line=True), self.person(name, ""))
                for name in members
                if name
            )
        named_at = self.at("Teams", self._team_rows.get(key_of(team)), "Team leader")
        if leader:
            return ((clean_text(leader, single_line=True), self.person(leader, named_at)),)
        return ((team, f"nobody on {self._sheets['Staff']} is in this team; {named_at} is blank"),)


def _rows(table: pd.DataFrame) -> list[int | None]:
    """Each row's Excel row number (None for a table built by hand, without ``_row``)."""
    if ROW not in table:
        return [None] * len(table)
    return [_row(value) for value in table[ROW]]


def awards(data: ProgrammeData, results: Results, period: str | None = None) -> list[Award]:
    """Winners and runners-up of a period, with what certificates and emails need."""
    period = period or current_period(data, results)
    placed = results.nominations[
        (results.nominations["Period"].astype(str) == period)
        & results.nominations["Place"].isin(["winner", "runner-up"])
    ]
    noms = data["Nominations"]
    cats = data["Categories"].set_index(data["Categories"]["Category"].map(key_of))
    ceremonies = dict(
        zip(data["Periods"]["Period"].astype(str), data["Periods"]["Ceremony"], strict=True)
    )
    emails = _emails(data)
    sources = _EmailSources(data)
    leaders = {
        key_of(t): _text(lead)
        for t, lead in zip(data["Teams"]["Team"], data["Teams"]["Team leader"], strict=True)
    }
    out = []
    for _, r in placed.iterrows():
        nom = noms[noms["ID"] == r["Nomination ID"]].iloc[0]
        cat = cats.loc[key_of(r["Category"])] if key_of(r["Category"]) in cats.index else None
        kind = _text(cat["Type"]) if cat is not None else "individual"
        same = noms[
            (noms["Category"] == r["Category"])
            & (noms["Period"] == r["Period"])
            & (noms["Nominee"].map(key_of) == key_of(r["Nominee"]))
        ]
        consented = same[
            same["Consent to publish"].fillna(False).astype(bool) & same["Customer quote"].notna()
        ]
        basis = r[SCORE_COLUMN.get(r["Ranked on"], "Raw score")]
        members: tuple[tuple[str, str], ...] = ()
        leader = None
        nom_row = _row(nom.get(ROW))
        if kind == "team":
            # The team's members (from Staff) receive its email by name; the leader is among
            # them, so nobody else is the "manager".
            leader = leaders.get(key_of(r["Nominee"])) or None
            nominee_email = emails.get(key_of(leader))
            members = _members(data, _text(r["Nominee"]), emails)
            manager = None
            where = sources.team(_text(r["Nominee"]), [n for n, _ in members], leader)
        else:
            nominee_email = emails.get(key_of(r["Nominee"]))
            manager = _text(nom["Line manager"]) or None
            where = (
                (
                    _text(r["Nominee"]),
                    sources.person(
                        _text(r["Nominee"]), sources.at("Nominations", nom_row, "Nominee")
                    ),
                ),
                (
                    manager or "",
                    sources.person(
                        manager or "", sources.at("Nominations", nom_row, "Line manager")
                    ),
                ),
            )
        out.append(
            Award(
                category=_text(r["Category"]),
                award_kind=kind,
                award_description=_text(cat["What the award is"]) if cat is not None else "",
                period=_text(r["Period"]),
                place=1 if r["Place"] == "winner" else 2,
                nominee=_text(r["Nominee"]),
                team=_text(r["Team"]),
                site=_text(r["Site"]),
                evidence=_text(nom["Evidence"]),
                score_pct=float(basis * 100) if pd.notna(basis) else 0.0,
                nomination_count=int(same["Nominator"].map(key_of).nunique()) or 1,
                customer_quote=_text(consented["Customer quote"].iloc[0])
                if len(consented)
                else None,
                nominee_email=nominee_email,
                line_manager=manager,
                line_manager_email=emails.get(key_of(manager)) if manager else None,
                presented_by=_text(cat["Senior presenter"]) or None if cat is not None else None,
                presented_on=_date(ceremonies.get(_text(r["Period"]))),
                citation=_text(nom["Citation"]) if "Citation" in nom.index else "",
                nominated_by=tuple(
                    _text(kind)
                    for kind in same.drop_duplicates(subset=["Nominator"])["Nominator type"]
                ),
                team_members=members,
                team_leader=leader,
                email_sources=where,
            )
        )
    return out


def _members(data: ProgrammeData, team: str, emails: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A team's people from the Staff table, as (name, email) in the table's order."""
    staff = data["Staff"].dropna(subset=["Name"])
    here = staff[staff["Team"].map(key_of) == key_of(team)]
    return tuple((_text(n), emails.get(key_of(n), "")) for n in here["Name"])


def newsletter_context(
    data: ProgrammeData, results: Results, period: str, today: dt.date
) -> NewsletterContext:
    noms = data["Nominations"]
    noms = noms[
        (noms["Period"].astype(str) == period) & ~noms["Calibration"].fillna(False).astype(bool)
    ]
    periods = data["Periods"].dropna(subset=["Period"]).sort_values("Starts")
    ends = dict(zip(periods["Period"].astype(str), periods["Ends"], strict=True))
    later = (
        periods[periods["Starts"] > pd.Timestamp(ends.get(period) or pd.Timestamp.max)]
        if period in ends
        else periods.iloc[0:0]
    )
    return NewsletterContext(
        period=period,
        published_on=today,
        # Runners-up too: the article names them once, after the winners.
        awards=awards(data, results, period),
        nominations_received=len(noms),
        nominators=int(noms["Nominator"].map(key_of).nunique()),
        customer_nominations=int((noms["Nominator type"] == "customer").sum()),
        next_deadline=_date(later["Ends"].iloc[0]) if len(later) else None,
        how_to_nominate=_text(data.setting("how_to_nominate")),
        undecided=_undecided(results, period),
    )


def _undecided(results: Results, period: str) -> tuple[str, ...]:
    """Categories of ``period`` whose first place waits for a panel vote."""
    res = results.nominations
    if res.empty:
        return ()
    vote = res[(res["Place"] == "panel vote") & (res["Period"].astype(str) == period)]
    return tuple(dict.fromkeys(_text(c) for c in vote["Category"]))


def _survey_result(value: object, scale: str) -> float:
    """The workbook keeps '% agree' as a fraction (0.82); the report counts out of 100."""
    if pd.isna(value):
        return 0.0
    value = float(value)
    return value * 100 if scale == "% agree" and abs(value) <= 1 else value


def _ranks_changed(results: Results, against: str = "Raw score") -> int:
    """Nominations whose rank would differ if ranked on ``against`` (the raw score, or the
    plain mean of every counted mark) instead of the score that ranked them (normalised or
    judge-effect)."""
    basis = SCORE_COLUMN.get(results.settings.rank_by, "Raw score")
    frame = results.nominations
    if against == PLAIN_MEAN:
        panel = results.panel[results.panel["Counted"] == "yes"]
        plain = panel.groupby("Nomination ID")["Weighted"].mean()
        frame = frame.assign(**{PLAIN_MEAN: frame["Nomination ID"].map(plain)})
    frame = frame.dropna(subset=[against, basis])
    if frame.empty:
        return 0
    keys = ["Period", "Category"]
    other = frame.groupby(keys)[against].rank(ascending=False, method="min")
    ranked = frame.groupby(keys)[basis].rank(ascending=False, method="min")
    return int((other != ranked).sum())


PLAIN_MEAN = "Plain mean"


def _ranks_changed_by_adjustment(results: Results) -> int | None:
    """Nominations the adjustment itself moved: against the plain mean of every mark, which
    the adjusted score starts from; None when the raw score is that mean (nothing trimmed)."""
    if results.settings.rank_by == "raw":
        return None
    trimmed = results.nominations["Judges"].fillna(0) >= results.settings.trim_from
    if not results.settings.trim_from or not trimmed.any():
        return None
    return _ranks_changed(results, against=PLAIN_MEAN)


def _expected_benefit(data: ProgrammeData) -> float | None:
    """The Benefits table's estimated values added up, as the Start sheet adds them."""
    values = pd.to_numeric(data["Benefits"]["Estimated value"], errors="coerce").dropna()
    return float(values.sum()) if len(values) else None


def objective_results(data: ProgrammeData, period: str) -> list[ObjectiveResult]:
    """Each objective on the Programme sheet with its KPI's figures, as the evaluation report
    and the assessor's index both read them."""
    obj = data["Objectives"].dropna(subset=["Objective"])
    return [
        ObjectiveResult(
            objective=_text(r["Objective"]),
            kpi=_text(r["KPI"]),
            baseline=float(r["Baseline"]) if pd.notna(r["Baseline"]) else 0.0,
            target=float(r["Target"]) if pd.notna(r["Target"]) else 0.0,
            actual=float(r["Actual"]) if pd.notna(r["Actual"]) else None,
            unit=_text(r["Unit"]),
            higher_is_better=bool(r["Higher is better"])
            if pd.notna(r["Higher is better"])
            else True,
            deadline=_date(r["Deadline"]),
            owner=_text(r["Owner"]),
            computed=kpis.workbook_kpi(data, _text(r.get("Worked out from")), period)
            if _text(r.get("Worked out from"))
            else None,
            computed_from=_text(r.get("Worked out from")),
        )
        for _, r in obj.iterrows()
    ]


def evaluation_context(
    data: ProgrammeData, results: Results, period: str, today: dt.date
) -> EvaluationContext:
    noms = data["Nominations"]
    noms = noms[~noms["Calibration"].fillna(False).astype(bool)]
    noms = noms[noms["Period"].astype(str) == period]
    teams = data["Teams"].dropna(subset=["Team"])
    headcount = teams["Headcount"].fillna(0)
    staff_by_site = {str(k): int(v) for k, v in headcount.groupby(teams["Site"]).sum().items()}
    # Counted as the KPI check counts them, so the report and the Objectives agree.
    staff_total = kpis.staff_total(data)
    staff_nominated = kpis.staff_nominated(data, noms)
    agree = results.agreement
    excluded = results.excluded
    return EvaluationContext(
        period=period,
        prepared_on=today,
        prepared_by=_text(data.setting("signatory_name")) or "Award coordinator",
        objectives=objective_results(data, period),
        nominations_by_source={
            str(k): int(v) for k, v in noms["Nominator type"].value_counts().items()
        },
        nominations_by_team={str(k): int(v) for k, v in noms["Team"].value_counts().items()},
        nominations_by_site={str(k): int(v) for k, v in noms["Site"].value_counts().items()},
        nominations_total=int(noms["ID"].notna().sum()),
        staff_by_site=staff_by_site,
        staff_total=staff_total,
        staff_nominated=staff_nominated,
        viewpoints=[
            Viewpoint(
                viewpoint=_text(r["Viewpoint"]),
                question=_text(r["Question"]),
                result=_survey_result(r["Result"], _text(r["Scale"])),
                scale=_text(r["Scale"]),
                respondents=int(r["Respondents"]) if pd.notna(r["Respondents"]) else None,
                comment=_text(r["Comment"]),
            )
            for _, r in data["Survey"].dropna(subset=["Viewpoint"]).iterrows()
        ],
        agreement=[
            AgreementFigure(
                scope=f"{r['Category']}: {r['Scope']}"
                if r["Scope"] != "whole category"
                else f"{r['Category']} (whole category)",
                alpha=None if pd.isna(r["Alpha"]) else float(r["Alpha"]),
                reading=_text(r["Reading"]),
                category=_text(r["Category"]),
                criterion="" if r["Scope"] == "whole category" else _text(r["Scope"]),
                nominations=int(r["Nominations"]) if pd.notna(r["Nominations"]) else 0,
            )
            for _, r in agree.iterrows()
        ],
        ranks_changed=_ranks_changed(results),
        ranks_changed_by_adjustment=_ranks_changed_by_adjustment(results),
        trim_from=results.settings.trim_from,
        calibrated_by=int(results.calibration["Judge"].nunique())
        if len(results.calibration)
        else 0,
        expected_benefit=_expected_benefit(data),
        ranked_on=results.settings.rank_by,
        conflicts_declared=len(data["Conflicts"].dropna(subset=["Judge"])),
        scores_excluded_for_conflict=int(
            excluded["Excluded"].astype(str).str.startswith("conflict").sum()
        ),
        costs=[
            CostLine(
                _text(r["Item"]),
                float(r["Budget"]) if pd.notna(r["Budget"]) else 0.0,
                float(r["Actual"]) if pd.notna(r["Actual"]) else 0.0,
            )
            for _, r in data["Costs"].dropna(subset=["Item"]).iterrows()
        ],
        winners=[a for a in awards(data, results, period) if a.place == 1],
        winner_explanations=winner_explanations(results, period),
        findings=[
            Finding(_text(r["Finding"]), _text(r["Action"]), _text(r["Owner"]))
            for _, r in data["Findings"].dropna(subset=["Finding"]).iterrows()
        ],
        **running_sections(data, results, period),
    )


def _count(value: object) -> int:
    """A count from a history row: blank, NaN or text typed over it counts as 0."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return int(number) if pd.notna(number) and math.isfinite(number) else 0


def _days(starts: object, ends: object) -> int | None:
    """A period's length in days, first and last day included; None when not known."""
    first, last = pd.to_datetime(starts, errors="coerce"), pd.to_datetime(ends, errors="coerce")
    if pd.isna(first) or pd.isna(last) or last < first:
        return None
    return int((last - first).days) + 1


def running_sections(data: ProgrammeData, results: Results, period: str) -> dict[str, object]:
    """Equity, the trend over periods and appeals, for the report's own sections."""
    from automation.appeals import appeal_counts
    from automation.equity import equity
    from automation.history import trend
    from automation.validate.nominations import closed_periods

    rows = trend(data, results)
    in_trend = {key_of(p) for p in rows["Period"]} if len(rows) else set()
    closed = closed_periods(data)
    periods = data["Periods"].dropna(subset=["Period"])
    return {
        "equity": equity(data, results, period),
        # Closed on the Periods sheet before the workbook kept their history.
        "untracked_periods": [
            str(p) for p in periods["Period"] if key_of(p) in closed and key_of(p) not in in_trend
        ],
        "trend": [
            {
                "period": str(r["Period"]),
                "nominations_n": _count(r["Nominations"]),
                "customer_n": _count(r["Customer nominations"]),
                "share_n": float(r["Share of staff nominated"])
                if pd.notna(r["Share of staff nominated"])
                else 0.0,
                "winners_n": _count(r["Winners"]),
                "kpis": _text(r["KPI actuals"]),
                "days": _days(r.get("Starts"), r.get("Ends")),
            }
            for _, r in rows.iterrows()
        ],
        "appeals": appeal_counts(data, period),
    }


# ---- the functions the shells call ------------------------------------------------------
def _certificate_run(
    data: ProgrammeData, results: Results, out_dir: Path, *, combined: bool, progress: bool
) -> CertificateRun:
    items = awards(data, results)
    if not items:
        raise UserError(
            "No winners to make certificates for.",
            "Score the workbook first; check the Results sheet has winners.",
        )
    return write_certificates(
        items,
        branding(data),
        Path(out_dir) / "certificates",
        combined=combined,
        progress=progress,
        template=template(data, "certificate.docx"),
    )


def _with_pdfs(paths: list[Path], out_dir: Path, pdf: bool) -> list[Path]:
    return paths + (to_pdf(paths, Path(out_dir) / "certificates" / "pdf") if pdf else [])


def generate_certificates(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    *,
    pdf: bool = False,
    progress: bool = True,
) -> list[Path]:
    """A certificate per winner and runner-up, plus one combined file for printing."""
    run = _certificate_run(data, results, out_dir, combined=True, progress=progress)
    return _with_pdfs(run.paths, out_dir, pdf)


def _period_document(data, out_dir, name, ctx, write, pdf, template_name, **extra) -> Path:
    """Write one period's document from its context ``ctx`` into out_dir as .docx (and
    optionally PDF)."""
    path = write(
        ctx,
        branding(data),
        Path(out_dir) / f"{name}-{slug(ctx.period)}.docx",
        template=template(data, template_name),
        **extra,
    )
    if pdf:
        to_pdf([path], Path(out_dir))
    return path


def generate_newsletter(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    pdf: bool = False,
) -> Path:
    """The newsletter article about the current period's winners."""
    ctx = newsletter_context(data, results, current_period(data, results), today or dt.date.today())
    return _period_document(
        data, out_dir, "newsletter", ctx, write_newsletter, pdf, "newsletter.docx"
    )


@dataclass
class StartedEvaluation:
    """The evaluation report's context, with its charts being drawn (see :func:`start_evaluation`)."""

    ctx: EvaluationContext
    charts: side_process.Pending[dict[str, bytes]]


def start_evaluation(
    data: ProgrammeData,
    results: Results,
    second: side_process.SecondProcess,
    *,
    today: dt.date | None = None,
) -> StartedEvaluation:
    """Work out the evaluation report's context and start drawing its charts in ``second``
    (see :mod:`automation.documents.side_process`): the caller goes on with other work and
    :func:`generate_evaluation` picks the charts up."""
    period = current_period(data, results)
    ctx = evaluation_context(data, results, period, today or dt.date.today())
    colours = chart_colours(branding(data))
    return StartedEvaluation(
        ctx, second.start(chart_pngs, ctx, colours["primary"], colours["accent"])
    )


def generate_evaluation(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    pdf: bool = False,
    started: StartedEvaluation | None = None,
) -> Path:
    """The evaluation report: objectives, participation, four viewpoints, judging, costs.

    ``started``: from :func:`start_evaluation` on the same data and results.
    """
    if started is None:
        period = current_period(data, results)
        ctx = evaluation_context(data, results, period, today or dt.date.today())
    else:
        ctx = started.ctx
    return _period_document(
        data,
        out_dir,
        "evaluation",
        ctx,
        write_evaluation_report,
        pdf,
        "evaluation_report.docx",
        charts=started.charts.result() if started else None,
    )


def _outbox(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    today: dt.date | None = None,
    *,
    certificates: CertificateRun | None = None,
    newsletter: Path | None = None,
    attachments: Sequence[tuple[Award, Path]] | None = None,
):
    """The award emails, attaching certificates and the article (made here unless given).

    ``attachments`` replaces the certificates' own files (the PDFs of a ``--pdf`` run).
    """
    run = certificates or _certificate_run(data, results, out_dir, combined=False, progress=False)
    newsletter = newsletter or generate_newsletter(data, results, out_dir, today=today)
    return compose_emails(
        [award for award, _ in run.files],
        branding(data),
        certificates=attachments if attachments is not None else run.files,
        newsletter=newsletter,
        comms_email=_text(data.setting("comms_email")) or None,
        sender=_text(data.setting("from_address")) or None,
        template_dir=_email_templates(data),
        today=today or dt.date.today(),
        comms_email_at=f"{data.place('Settings').sheet}, {SETTING_BY_KEY['comms_email'].label}",
    )


EMAIL_TEMPLATES = ("winner.txt", "line_manager.txt", "comms_team.txt")


def _email_templates(data: ProgrammeData) -> Path | None:
    """The manager's email texts if their folder has all three; otherwise the bundled ones."""
    folder = _folder_setting(data, "templates_folder")
    if folder is None or not all((folder / "email" / n).exists() for n in EMAIL_TEMPLATES):
        return None
    return folder / "email"


class DocumentFiles(list[Path]):
    """The files written, in order, and ``notes`` for the user: who got no draft, and why.

    A list, so callers that only want the paths use it as one.
    """

    def __init__(self, paths: Sequence[Path] = (), notes: Sequence[str] = ()) -> None:
        super().__init__(paths)
        self.notes = list(notes)


def generate_email_drafts(
    data: ProgrammeData, results: Results, out_dir: Path, *, today: dt.date | None = None
) -> DocumentFiles:
    """One .eml draft per recipient (winner, their line manager, comms team).

    Recipients without a usable address get no draft; ``notes`` names each, with the sheet,
    row and column where the address belongs.
    """
    outbox = _outbox(data, results, out_dir, today)
    return DocumentFiles(
        write_drafts(outbox.messages, Path(out_dir) / "emails"),
        [skipped.describe() for skipped in outbox.skipped],
    )


def smtp_settings(data: ProgrammeData) -> SmtpSettings:
    host = _text(data.setting("smtp_host"))
    if not host:
        raise UserError(
            "No mail server is set.",
            "Fill in 'SMTP host' (and port, user, From "
            "address) in Settings, or use email drafts instead of sending.",
        )
    return SmtpSettings(
        host=host,
        port=int(data.setting("smtp_port") or 587),
        starttls=bool(data.setting("smtp_starttls")),
        user=_text(data.setting("smtp_user")) or None,
        from_address=_text(data.setting("from_address")),
    )


def send_emails(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
):
    """Send the award emails through the Settings' SMTP server (or list them with dry_run)."""
    outbox = _outbox(data, results, out_dir, today)
    smtp = smtp_settings(data) if not dry_run else SmtpSettings(host="(dry run)")
    return outbox, send(outbox.messages, smtp, dry_run=dry_run)


def generate_all(
    data: ProgrammeData,
    results: Results,
    out_dir: Path,
    *,
    pdf: bool = False,
    today: dt.date | None = None,
    progress: bool = True,
    evaluation: StartedEvaluation | None = None,
) -> DocumentFiles:
    """Certificates, newsletter, evaluation report and email drafts, into ``out_dir``.

    Each document is made once: the drafts attach the certificates and article made here.
    ``notes`` lists the recipients who got no draft (see :func:`generate_email_drafts`).
    ``evaluation``: the report already started by the caller (:func:`start_evaluation`);
    otherwise it is started here, its charts drawn while the other documents are written.
    """
    out_dir = Path(out_dir)
    if evaluation is not None:
        return _all_documents(data, results, out_dir, pdf, today, progress, evaluation)
    with side_process.opened() as second:
        evaluation = start_evaluation(data, results, second, today=today)
        return _all_documents(data, results, out_dir, pdf, today, progress, evaluation)


def _all_documents(data, results, out_dir, pdf, today, progress, evaluation) -> DocumentFiles:
    run = _certificate_run(data, results, out_dir, combined=True, progress=progress)
    newsletter = generate_newsletter(data, results, out_dir, today=today, pdf=pdf)
    certificate_files = _with_pdfs(run.paths, out_dir, pdf)
    attachments = None
    if pdf:
        # With --pdf the drafts carry the PDFs: a winner should not get an editable .docx.
        pdfs = {path.stem: path for path in certificate_files if path.suffix == ".pdf"}
        attachments = [(award, pdfs[path.stem]) for award, path in run.files]
        newsletter_pdf = out_dir / f"{newsletter.stem}.pdf"
    outbox = _outbox(
        data,
        results,
        out_dir,
        today,
        certificates=run,
        newsletter=newsletter_pdf if pdf else newsletter,
        attachments=attachments,
    )
    # The drafts are written before the report, whose charts may still be being drawn.
    drafts = write_drafts(outbox.messages, out_dir / "emails")
    report = generate_evaluation(data, results, out_dir, today=today, pdf=pdf, started=evaluation)
    return DocumentFiles(
        [*certificate_files, newsletter, report, *drafts],
        [*unsaid_notes(award for award, _ in run.files)]
        + [skipped.describe() for skipped in outbox.skipped],
    )


def unsaid_notes(awards: Iterable[Award]) -> list[str]:
    """For each award whose certificate can only say "in recognition of outstanding service":
    what to do so that it says what the nominee did."""
    from automation.documents.citation import said_of

    return [
        f"The certificate of {award.nominee} ({award.category}) only thanks them for "
        "outstanding service: the nomination has no sentence the tool can use (the "
        "nominator's own words, such as 'sorted out my refund', are not put on a "
        "certificate). Type what they did in the Citation column of the Nominations sheet, "
        "then make the documents again."
        for award in awards
        if not said_of(award)
    ]


__all__: Sequence[str] = (
    "DocumentFiles",
    "awards",
    "branding",
    "evaluation_context",
    "generate_all",
    "generate_certificates",
    "generate_email_drafts",
    "generate_evaluation",
    "generate_newsletter",
    "newsletter_context",
    "send_emails",
    "start_evaluation",
    "StartedEvaluation",
)

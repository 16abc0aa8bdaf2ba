"""Rules about nominations: duplicates, eligibility, dates in the period, consent."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from automation.canonical import spellings
from automation.documents.english import count_of
from automation.issues import ERROR, WARNING, Issue
from automation.keys import closest, column_key, key, key_of
from automation.model import ProgrammeData
from automation.validate.emit import row_issues

# Unknown nominees given a likely spelling ("did you mean ..."): so many distinct names at
# most, against a Staff or Teams list of at most so many names.
SPELLING_GUESSES = 50
SPELLING_LIST = 1_000


# The status of a listed period the programme skipped (new-period marks one it opens past).
NOT_RUN = "not run"


def period_ends(data: ProgrammeData) -> pd.Series:
    """Every known period's last day, from Periods and the winners' history; a period that
    was not run is no period of the award's (the cool-off counts the periods run)."""
    p = data["Periods"].dropna(subset=["Period", "Ends"])
    p = p[~key(p["Period"].astype("string")).isin(not_run_periods(data)).to_numpy(dtype=bool)]
    h = data["PastWinners"].dropna(subset=["Period", "Period ends"])
    both = pd.concat(
        [
            pd.DataFrame({"Period": key(p["Period"]), "Ends": p["Ends"]}),
            pd.DataFrame({"Period": key(h["Period"]), "Ends": h["Period ends"]}),
        ]
    ).drop_duplicates("Period")
    return both.set_index("Period")["Ends"]


def cool_off_blocked(data: ProgrammeData) -> pd.Series:
    """True for nominations whose nominee won the same award too recently.

    "Too recently" counts the known periods that ended after the win, up to and including the
    nomination's period: with a cool-off of 2, a Q2 winner cannot win in Q3 or Q4.
    Worked out once per read: the nomination rules, the expected scores and scoring ask.
    """
    return data.cached("cool_off_blocked", _cool_off_blocked)


def _cool_off_blocked(data: ProgrammeData) -> pd.Series:
    noms = data["Nominations"]
    result = pd.Series(False, index=noms.index)
    hits = cool_off_hits(data)
    result[result.index.isin(hits["_i"])] = True
    return result


def cool_off_hits(data: ProgrammeData) -> pd.DataFrame:
    """For each nomination the cool-off rules out (``_i``: its index), the win that does
    (``won``: the period in PastWinners) and the category's cool-off (``periods``)."""
    return data.cached("cool_off_hits", _cool_off_hits)


def _cool_off_hits(data: ProgrammeData) -> pd.DataFrame:
    none = pd.DataFrame({"_i": [], "won": [], "periods": []})
    noms, past = (
        data["Nominations"],
        data["PastWinners"].dropna(subset=["Category", "Nominee", "Period ends"]),
    )
    if noms.empty or past.empty:
        return none
    cats = data["Categories"]
    cool = dict(zip(key(cats["Category"]), cats["Cool-off periods"].fillna(0), strict=True))
    ends = period_ends(data)
    all_ends = np.sort(pd.to_datetime(ends.dropna().unique()).to_numpy())
    left = pd.DataFrame(
        {
            "_i": noms.index,
            "n": column_key(data, "Nominations", "Nominee").to_numpy(),
            "c": column_key(data, "Nominations", "Category").to_numpy(),
            # Through a dict: mapping onto an empty date Series (no periods known) fails
            # inside pandas.
            "end": pd.to_datetime(
                column_key(data, "Nominations", "Period").map(ends.to_dict())
            ).to_numpy(),
        }
    )
    right = pd.DataFrame(
        {
            "n": key(past["Nominee"]).to_numpy(),
            "c": key(past["Category"]).to_numpy(),
            "won_at": pd.to_datetime(past["Period ends"]).to_numpy(),
            "won": past["Period"].astype(object).to_numpy(),
        }
    )
    pairs = left.merge(right, on=["n", "c"]).dropna(subset=["end", "won_at"])
    if pairs.empty:
        return none
    between = np.searchsorted(all_ends, pairs["end"].to_numpy(), side="right") - np.searchsorted(
        all_ends, pairs["won_at"].to_numpy(), side="right"
    )
    limit = pairs["c"].map(cool).fillna(0).to_numpy()
    hit = pairs.assign(periods=limit)[(between > 0) & (between <= limit)]
    # The latest win is the one that rules the nomination out.
    hit = hit.sort_values("won_at").drop_duplicates("_i", keep="last")
    return hit[["_i", "won", "periods"]].reset_index(drop=True)


# How a nomination that cannot stand is withdrawn (the end of several fixes). A protected
# sheet cannot delete table rows, but a row left empty is skipped like the spare rows.
WITHDRAW = (
    "thank the nominator and withdraw the nomination: select its cells in the Nominations "
    "table and press Delete (an empty row is ignored)"
)
COOL_OFF_FIX = f"The category's cool-off (Categories sheet) rules this nominee out: {WITHDRAW}."
JUDGE_FIX = f"Replace the judge on the panel for this period, or {WITHDRAW}."
COOL_OFF = "won this award too recently (cool-off)"
JUDGE_NOMINATED = "nominee is a judge"
# A person erased on request keeps their place in the counts, but is never announced: no
# certificate, newsletter line or email can be made for a pseudonym.
ERASED_NOMINEE = "nominee's personal data was erased"


def _periods_marked(data: ProgrammeData, status: str) -> set[str]:
    """Keys of the periods whose Status on the Periods sheet is ``status``."""
    periods = data["Periods"].dropna(subset=["Period"])
    marked = periods.get("Status", pd.Series(index=periods.index, dtype=object))
    return {
        key_of(p) for p, st in zip(periods["Period"], marked, strict=True) if key_of(st) == status
    }


def not_run_periods(data: ProgrammeData) -> set[str]:
    """Keys of the periods marked 'not run' on the Periods sheet (skipped: no judging)."""
    return _periods_marked(data, NOT_RUN)


def closed_periods(data: ProgrammeData) -> set[str]:
    """Keys of the periods marked closed on the Periods sheet: their judging is over and their
    winners are in PastWinners (the import skips responses for them; validation warns about a
    nomination typed in for one)."""
    return _periods_marked(data, "closed")


def current_period_only(
    data: ProgrammeData, period_keys: pd.Series, usable: np.ndarray
) -> np.ndarray:
    """``usable`` (a mask over nominations) narrowed to those of the current period, whose
    Period keys are ``period_keys``: what the judges are given (assign, packs) and expected
    to score. All of ``usable`` when no period is set or none of them is in it; a blank
    period is no match."""
    period = data.setting("current_period")
    if not period:
        return usable
    mine = (period_keys == key_of(period)).fillna(False).to_numpy(dtype=bool)
    return usable & mine if (usable & mine).any() else usable


def cannot_win(data: ProgrammeData, noms: pd.DataFrame) -> dict[object, str]:
    """The nominations of ``noms`` (rows of the Nominations table) that cannot win, by ID,
    with why: the nominee won the same award too recently, is a judge (said over a
    cool-off), or was erased on request (said over both). Scoring places them nowhere;
    assigning gives them to no judge."""
    from automation.privacy import erased

    blocked = cool_off_blocked(data).reindex(noms.index, fill_value=False)
    out = dict.fromkeys(noms.loc[blocked.to_numpy(dtype=bool), "ID"], COOL_OFF)
    # Both tests over all nominations at once (Series.get and iterating an Arrow-backed key
    # column cost microseconds a row).
    judges = set(key(data["Judges"]["Judge"]).dropna())
    judged = key(noms["Nominee"]).isin(judges).to_numpy(dtype=bool)
    out.update(dict.fromkeys(noms.loc[judged, "ID"], JUDGE_NOMINATED))
    out.update(dict.fromkeys(noms.loc[erased(noms["Nominee"]).to_numpy(), "ID"], ERASED_NOMINEE))
    return out


def check_nominations(data: ProgrammeData) -> Iterator[Issue]:
    noms = data["Nominations"]
    if noms.empty:
        return
    keys = pd.DataFrame(
        {
            c: column_key(data, "Nominations", c)
            for c in ("Nominee", "Category", "Period", "Nominator")
        }
    )
    dup = noms[["Nominee", "Category", "Period", "Nominator"]].notna().all(
        axis=1
    ) & keys.duplicated(keep="first")
    # The repeated one's first ID, only worked out when there are repeats.
    first_id = (
        noms.groupby([keys[c] for c in keys.columns])["ID"].transform("first")
        if dup.any()
        else None
    )
    yield from row_issues(
        data,
        "Nominations",
        dup,
        "Nominator",
        "duplicate-nomination",
        WARNING,
        lambda r: (
            f"{r['ID']} repeats {first_id[r.name]}: {r['Nominator']} nominated "
            f"{r['Nominee']} for {r['Category']} twice in {r['Period']}."
        ),
        "Keep one of them (merge the evidence); repeats count as one independent nomination.",
    )
    judges = set(key(data["Judges"]["Judge"]).dropna())
    yield from row_issues(
        data,
        "Nominations",
        column_key(data, "Nominations", "Nominee").isin(judges),
        "Nominee",
        "nominee-is-judge",
        ERROR,
        "{Nominee} is on the judging panel and cannot be nominated.",
        JUDGE_FIX,
    )
    periods = data["Periods"].dropna(subset=["Period"])
    span = periods.assign(_p=key(periods["Period"])).drop_duplicates("_p").set_index("_p")
    # Through dicts and to_datetime: mapping onto an empty date column (an emptied Periods
    # table) fails inside pandas, and a damaged column must not break the comparison.
    nom_period = column_key(data, "Nominations", "Period")
    starts = pd.to_datetime(nom_period.map(span["Starts"].to_dict()), errors="coerce")
    ends = pd.to_datetime(nom_period.map(span["Ends"].to_dict()), errors="coerce")
    outside = (
        noms["Received"].notna()
        & starts.notna()
        & ends.notna()
        & ((noms["Received"] < starts) | (noms["Received"] > ends))
    )
    yield from row_issues(
        data,
        "Nominations",
        outside,
        "Received",
        "received-outside-period",
        ERROR,
        lambda r: (
            f"{r['ID']} was received on {r['Received']:%d/%m/%Y}, outside "
            f"{r['Period']} ({starts[r.name]:%d/%m/%Y} to {ends[r.name]:%d/%m/%Y})."
        ),
        "Check the date, or move the nomination to the period it arrived in.",
    )
    # A closed period's judging is over (its winners are in PastWinners); a nomination typed
    # in for it would be ranked again as that period's. A period marked closed by hand while
    # it is still being judged shows here too, so the hint covers both. A period skipped
    # (new-period marks it, or the manager): its nominations are never judged, and the
    # cool-off leaves it out, so a repeat winner there goes unreported.
    for periods, code, state, hint in (
        (
            closed_periods(data),
            "nomination-in-closed-period",
            "which is closed on the Periods sheet: its judging is over",
            "To have it judged now, give it the current period (and a Received date in it); "
            "or delete the row (a closed period's nominations are on the Nomination history "
            "sheet). If the period is still being judged, set its Status back to open: "
            "awards new-period closes a period.",
        ),
        (
            not_run_periods(data),
            "nomination-in-period-not-run",
            "which is marked 'not run' on the Periods sheet: it will not be judged",
            "To have it judged, give it a period that is run (and a Received date in it), or "
            "withdraw it. If the period is to be run after all, set its Status on the Periods "
            "sheet to planned or open.",
        ),
    ):
        in_them = nom_period.isin(periods) & noms["Period"].notna()
        if in_them.any():
            yield from row_issues(
                data,
                "Nominations",
                in_them,
                "Period",
                code,
                WARNING,
                lambda r, state=state: (
                    f"{r['ID'] if pd.notna(r['ID']) else 'A nomination'} is for {r['Period']}, "
                    f"{state}."
                ),
                hint,
            )
    blocked = cool_off_blocked(data)
    # Every nomination blocked has its win among the hits (blocked is made from them).
    why = cool_off_hits(data).set_index("_i")

    def repeat_winner(r) -> str:
        won, periods = why.loc[r.name, "won"], int(why.loc[r.name, "periods"])
        return (
            f"{r['Nominee']} won {r['Category']} in {won}, and the award's cool-off of "
            f"{count_of(periods, 'period')} rules them out in {r['Period']}."
        )

    yield from row_issues(
        data,
        "Nominations",
        blocked,
        "Nominee",
        "repeat-winner",
        ERROR,
        repeat_winner,
        COOL_OFF_FIX,
    )
    consent = noms["Consent to publish"].fillna(False).astype(bool)
    quote_no_consent = noms["Customer quote"].notna() & ~consent
    yield from row_issues(
        data,
        "Nominations",
        quote_no_consent,
        "Customer quote",
        "quote-without-consent",
        WARNING,
        "{ID} has a customer quote but no consent to publish it.",
        "Record consent (yes and the date) before the quote is published; until then it is "
        "left out of the newsletter.",
    )
    no_date = consent & noms["Consent date"].isna()
    yield from row_issues(
        data,
        "Nominations",
        no_date,
        "Consent date",
        "consent-date-missing",
        WARNING,
        "{ID} records consent to publish without the date it was given.",
        "Add the date consent was given (data protection: keep a record of consent).",
    )
    cats = data["Categories"]
    team_cats = set(key(cats.loc[cats["Type"] == "team", "Category"]).dropna())
    is_team = column_key(data, "Nominations", "Category").isin(team_cats)
    staff = set(key(data["Staff"]["Name"]).dropna())
    teams = set(key(data["Teams"]["Team"]).dropna())
    if staff or teams:
        known = (is_team & column_key(data, "Nominations", "Nominee").isin(teams)) | (
            ~is_team & column_key(data, "Nominations", "Nominee").isin(staff)
        )
        from automation.privacy import erased

        calib = noms["Calibration"].fillna(False).astype(bool)
        # An erased person's pseudonym is on no list, by design.
        unknown = noms["Nominee"].notna() & ~known & ~calib & ~erased(noms["Nominee"])
        names = {  # each key's spelling, as reading gives names their table's spelling
            "Staff": spellings(data.tables, (("Staff", "Name"),)) or {},
            "Teams": spellings(data.tables, (("Teams", "Team"),)) or {},
        }

        guesses: dict[tuple[str, str], str | None] = {}

        def not_listed(r) -> str:
            where = "Teams" if is_team[r.name] else "Staff"
            asked = (where, key_of(r["Nominee"]))
            if asked not in guesses:
                # A likely spelling for the first few names only: each guess compares the
                # name with the whole list, and an unfilled Staff sheet leaves thousands.
                few = len(guesses) < SPELLING_GUESSES and len(names[where]) <= SPELLING_LIST
                guesses[asked] = closest(str(r["Nominee"]), names[where]) if few else None
            like = guesses[asked]
            guess = f"; did you mean {like}?" if like else "."
            return f"{r['Nominee']} is not on the {where} list{guess}"

        yield from row_issues(
            data,
            "Nominations",
            unknown,
            "Nominee",
            "unknown-nominee",
            WARNING,
            not_listed,
            "Check the spelling (it goes on the certificate) or add them to the Staff sheet "
            "(a team to the Teams sheet).",
        )

"""Rules about categories, criteria and scores: weights, scales, who scored what."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from automation.conflicts import conflicted_pairs
from automation.documents.english import count_of, plural
from automation.issues import ERROR, WARNING, Issue
from automation.keys import codes_in, column_codes, column_key, first_match, key
from automation.model import ROW, ProgrammeData
from automation.validate.emit import row_issues
from automation.validate.nominations import cannot_win, current_period_only

TOLERANCE = 1e-6


def check_criteria(data: ProgrammeData) -> Iterator[Issue]:
    cats, crit = data["Categories"], data["Criteria"]
    policy = data.setting("weights_policy")
    if not crit.empty:
        sums = crit.groupby(key(crit["Category"]))["Weight"].transform("sum")
        first = ~key(crit["Category"]).duplicated()
        bad = first & crit["Category"].notna() & ((sums - 1).abs() > 1e-3)
        severity = WARNING if policy == "normalise with warning" else ERROR
        hint = (
            "The weights were rescaled to add to 100% for scoring; adjust them to remove "
            "this warning."
            if severity == WARNING
            else "Change the weights so that each category's criteria add up to exactly 100%."
        )
        yield from row_issues(
            data,
            "Criteria",
            bad.reindex(crit.index, fill_value=False),
            "Weight",
            "weights-not-100",
            severity,
            lambda r: (
                f"The weights of '{r['Category']}' add up to {sums[r.name] * 100:.1f}%, not 100%."
            ),
            hint,
        )
        dup = (
            crit["Criterion"].notna()
            & pd.DataFrame({"c": key(crit["Category"]), "k": key(crit["Criterion"])}).duplicated()
        )
        yield from row_issues(
            data,
            "Criteria",
            dup,
            "Criterion",
            "duplicate-criterion",
            ERROR,
            "'{Criterion}' is listed twice for '{Category}'.",
            "Delete or rename the repeated criterion.",
        )
    if not cats.empty:
        with_criteria = set(key(crit["Category"]).dropna()) if not crit.empty else set()
        none = cats["Category"].notna() & ~key(cats["Category"]).isin(with_criteria)
        yield from row_issues(
            data,
            "Categories",
            none,
            "Category",
            "category-without-criteria",
            ERROR,
            "'{Category}' has no criteria, so it cannot be judged.",
            "Add its weighted criteria on the Criteria sheet.",
        )
        bad_scale = (
            cats["Scale min"].notna()
            & cats["Scale max"].notna()
            & (cats["Scale min"] >= cats["Scale max"])
        )
        yield from row_issues(
            data,
            "Categories",
            bad_scale,
            "Scale max",
            "bad-scale",
            ERROR,
            "The scale of '{Category}' runs from {Scale min} to {Scale max}.",
            "Scale max must be higher than Scale min (e.g. 1 to 5).",
        )


def scored_frame(data: ProgrammeData) -> pd.DataFrame:
    """Scores joined with their nomination's category, scale and criterion weight.

    ``_conflict`` holds why the judge may not score that nomination (None when they may).
    Computed once per ProgrammeData (validation and scoring both need it) and returned as a
    copy so callers may add columns.
    """
    return data.cached("scored_frame", _scored_frame)


def _at(codes: tuple[np.ndarray, pd.Index], pos: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """The codes of the rows at ``pos`` (-1: no row, a missing key)."""
    c, vocab = codes
    if (pos < 0).any():
        if not vocab.isna().any():
            vocab = vocab.append(pd.Index(pd.array([pd.NA], dtype=vocab.dtype)))
        missing = int(np.flatnonzero(vocab.isna())[0])
        return np.where(pos < 0, missing, c[pos.clip(min=0)] if len(c) else missing), vocab
    return c[pos], vocab


def _take(s: pd.Series, pos: np.ndarray) -> pd.Series:
    """``s``'s values at ``pos``, missing where pos is -1 (as a left merge leaves them).

    The dtype is given so that text in an object column stays object, as a merge keeps it.
    """
    values = pd.api.extensions.take(s.array, pos, allow_fill=True)
    return pd.Series(values, dtype=values.dtype)


def _scored_frame(data: ProgrammeData) -> pd.DataFrame:
    # Each score's nomination, category and criterion are looked up on integer codes of the
    # keys (a left merge onto the first row of each key, as before, without merging 300,000
    # rows of text three times).
    sc = data["Scores"]
    noms, cats, crit = data["Nominations"], data["Categories"], data["Criteria"]
    nid = column_codes(data, "Scores", "Nomination ID")
    judge = column_codes(data, "Scores", "Judge")
    criterion = column_codes(data, "Scores", "Criterion")
    out = sc.reset_index(drop=True).assign(
        _nid=column_key(data, "Scores", "Nomination ID").array,
        _j=column_key(data, "Scores", "Judge").array,
        _c=column_key(data, "Scores", "Criterion").array,
    )
    at_nom = first_match([nid], [column_key(data, "Nominations", "ID")])
    for col in ("Category", "Period", "Calibration"):
        out[col] = _take(noms[col], at_nom)
    out["_cat"] = _take(column_key(data, "Nominations", "Category"), at_nom)
    cat = _at(column_codes(data, "Nominations", "Category"), at_nom)
    at_cat = first_match([cat], [column_key(data, "Categories", "Category")])
    for col in ("Scale min", "Scale max"):
        out[col] = _take(cats[col], at_cat)
    at_crit = first_match(
        [cat, criterion],
        [column_key(data, "Criteria", "Category"), column_key(data, "Criteria", "Criterion")],
    )
    for col in ("Weight", "Tie-break order"):
        out[col] = _take(crit[col], at_crit)
    reason = np.full(len(out), np.nan, dtype=object)  # what pd.Series(None, dtype=object) holds
    pairs = conflicted_pairs(data)
    if not pairs.empty:
        at_pair = first_match([judge, nid], [key(pairs["Judge"]), key(pairs["Nomination ID"])])
        hit = at_pair >= 0
        reason[hit] = pairs["Reason"].to_numpy()[at_pair[hit]]
    out["_conflict"] = pd.Series(reason, index=out.index, dtype=object)
    return out


def _scored(data: ProgrammeData) -> pd.DataFrame:
    """The shared score frame itself, not a copy: for rules that only read it."""
    if "scored_frame" not in data.cache:
        data.cache["scored_frame"] = _scored_frame(data)
    return data.cache["scored_frame"]


def _filled(data: ProgrammeData, column: str) -> pd.Series:
    """Scores' cells in ``column`` that are filled in: read from the column's keys (missing
    exactly where the cell is), which know it without another pass over 300,000 cells."""
    return column_key(data, "Scores", column).notna()


def _score_triples(data: ProgrammeData) -> tuple[np.ndarray, tuple[pd.Index, ...]]:
    """One integer per score row for its (judge, nomination, criterion) keys, equal exactly
    when the keys are (missing equal to missing, as pandas' duplicated sees it)."""
    parts = [column_codes(data, "Scores", c) for c in ("Judge", "Nomination ID", "Criterion")]
    code = np.zeros(len(parts[0][0]), dtype=np.int64)
    for c, vocab in parts:
        code = code * len(vocab) + c
    return code, tuple(vocab for _, vocab in parts)


def repeated_scores(data: ProgrammeData) -> np.ndarray:
    """Per score row, whether an earlier row has the same judge, nomination and criterion
    keys (missing equal to missing, as ``duplicated`` sees it); once per read, read-only:
    the duplicate-score rule and scoring's preparation both need it."""
    if "repeated_scores" not in data.cache:
        triple, _ = _score_triples(data)
        flags = pd.Series(triple).duplicated(keep="first").to_numpy()
        flags.setflags(write=False)
        data.cache["repeated_scores"] = flags
    return data.cache["repeated_scores"]


def check_scores(data: ProgrammeData) -> Iterator[Issue]:
    sc = data["Scores"]
    if sc.empty:
        return
    f = _scored(data).set_index(sc.index)
    judges = set(key(data["Judges"]["Judge"]).dropna())
    j_code, j_vocab = column_codes(data, "Scores", "Judge")
    on_panel = pd.Series(j_vocab.isin(judges)[j_code], index=sc.index)
    unknown_j = _filled(data, "Judge") & ~on_panel
    yield from row_issues(
        data,
        "Scores",
        unknown_j,
        "Judge",
        "unknown-judge",
        ERROR,
        "'{Judge}' is not on the Judges sheet.",
        "Correct the name, or add the judge to the Judges table; if they have left the "
        "panel, delete their score rows (filter the Judge column for the name).",
    )
    # A nomination found has its category's key (missing exactly where Category is).
    unknown_n = _filled(data, "Nomination ID") & f["_cat"].isna()
    yield from row_issues(
        data,
        "Scores",
        unknown_n,
        "Nomination ID",
        "unknown-nomination",
        ERROR,
        "There is no nomination '{Nomination ID}'.",
        "Correct the ID to one on the Nominations sheet; if the nomination was withdrawn, "
        "delete its score rows.",
    )
    unknown_c = _filled(data, "Criterion") & f["_cat"].notna() & f["Weight"].isna()
    yield from row_issues(
        data,
        "Scores",
        unknown_c,
        "Criterion",
        "unknown-criterion",
        ERROR,
        lambda r: f"'{r['Criterion']}' is not a criterion of '{f.loc[r.name, 'Category']}'.",
        "Use one of that category's criteria exactly as written on the Criteria sheet.",
    )
    out = (
        sc["Score"].notna()
        & f["Scale max"].notna()
        & ((sc["Score"] < f["Scale min"]) | (sc["Score"] > f["Scale max"]))
    )
    yield from row_issues(
        data,
        "Scores",
        out,
        "Score",
        "score-out-of-scale",
        ERROR,
        lambda r: (
            f"Score {r['Score']:g} is outside the {f.loc[r.name, 'Scale min']:g} to "
            f"{f.loc[r.name, 'Scale max']:g} scale of '{f.loc[r.name, 'Category']}'."
        ),
        "Type a score within the category's scale; this score is left out until fixed.",
    )
    filled = _filled(data, "Judge") & _filled(data, "Nomination ID") & _filled(data, "Criterion")
    dup = filled & pd.Series(repeated_scores(data), index=sc.index)
    yield from row_issues(
        data,
        "Scores",
        dup,
        "Criterion",
        "duplicate-score",
        ERROR,
        "{Judge} scored '{Criterion}' on {Nomination ID} more than once.",
        "Delete the extra row; only the first is used.",
    )
    reasons = f["_conflict"]
    yield from row_issues(
        data,
        "Scores",
        reasons.notna(),
        "Judge",
        "conflicted-judge-scored",
        ERROR,
        lambda r: (
            f"{r['Judge']} may not score {r['Nomination ID']}: "
            f"{reasons[r.name]}. The score is excluded."
        ),
        "Delete the score; a judge without a conflict should score this nomination.",
    )


def _as_column(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values`` at positions ``at`` as a fresh column, keeping the dtype (object stays
    object, as a merge keeps it)."""
    return pd.Series(values.to_numpy()[at], dtype=values.dtype)


def expected_scores(data: ProgrammeData) -> pd.DataFrame:
    """(judge, nomination, criterion) triples that should have a score."""
    return data.cached("expected rows", lambda d: expected_parts(d)[0])


# Where each expected row's judge, nomination ID and criterion came from: the source column
# and the positions in it, so a rule can match them without hashing 300,000 texts again.
Sources = list[tuple[pd.Series, np.ndarray]]


def expected_parts(data: ProgrammeData) -> tuple[pd.DataFrame, Sources]:
    """The expected rows and their ``Sources``, worked out once per read: the missing-score
    rule and judge progress both need them. Shared: read them, do not change them."""
    if "expected_parts" not in data.cache:
        data.cache["expected_parts"] = _expected(data)
    return data.cache["expected_parts"]


def expected_scored(data: ProgrammeData) -> np.ndarray:
    """For each expected row (``expected_parts``), whether a score is in for its judge,
    nomination and criterion keys; once per read, read-only."""
    if "expected_scored" not in data.cache:
        flags = _expected_scored(data)
        flags.setflags(write=False)
        data.cache["expected_scored"] = flags
    return data.cache["expected_scored"]


def _expected_scored(data: ProgrammeData) -> np.ndarray:
    exp, sources = expected_parts(data)
    if exp.empty:
        return np.zeros(0, dtype=bool)
    # Expected (judge, nomination, criterion) keys as the same integers as the scores' own,
    # so "scored?" is one integer lookup per expected row instead of a three-column merge.
    triple, vocabs = _score_triples(data)
    have = triple[data["Scores"]["Score"].notna().to_numpy()]
    code = np.zeros(len(exp), dtype=np.int64)
    known = np.ones(len(exp), dtype=bool)
    for (source, rows), vocab in zip(sources, vocabs, strict=True):
        at = codes_in(source, vocab)[rows]
        known &= at >= 0
        code = code * len(vocab) + at
    size = int(np.prod([len(v) for v in vocabs]))
    if size == 0:  # no scores at all
        return np.zeros(len(exp), dtype=bool)
    if size <= 50_000_000:  # every possible triple as one flag: two array lookups
        flags = np.zeros(size, dtype=bool)
        flags[have] = True
        return known & flags[np.where(known, code, 0)]
    return known & pd.Series(code).isin(have).to_numpy()


def _expected(data: ProgrammeData) -> tuple[pd.DataFrame, Sources]:
    all_noms = data["Nominations"]
    usable = (all_noms["ID"].notna() & all_noms["Category"].notna()).to_numpy()
    # The current period's nominations, as the judges are given them (assign, packs):
    # nominations of the next period that came in early wait for it.
    usable = current_period_only(data, column_key(data, "Nominations", "Period"), usable)
    # A nomination that cannot win (its nominee is within the award's cool-off, or is a
    # judge) is given to no judge to score, as assign gives it to none.
    out_of_it = cannot_win(data, all_noms[usable])
    if out_of_it:
        usable = usable & ~all_noms["ID"].isin(list(out_of_it)).to_numpy()
    noms = all_noms.loc[usable, ["ID", "Category", ROW]]
    crit = data["Criteria"][["Category", "Criterion"]].dropna()
    judges = data["Judges"][["Judge"]].dropna()
    if noms.empty or crit.empty or judges.empty:
        return pd.DataFrame(columns=["Judge", "Nomination ID", "Criterion", ROW]), []
    # The same joins as merging on the names (a judge x nomination cross join, less the
    # conflicted pairs, then each nomination's criteria), done on integer codes of the
    # names so that no 60,000- or 300,000-row text column is hashed; the texts are
    # gathered once at the end. Codes stand for exact texts here, as the merges matched.
    assign = data["Assignments"].dropna(subset=["Judge", "Nomination ID"])
    if not assign.empty:
        # A judge taken off the panel is not expected to score what they were given: the
        # Assignments row is an error of its own (unknown-reference) saying what to do.
        on_panel = key(assign["Judge"]).isin(set(key(judges["Judge"]).dropna()))
        assign = assign[on_panel.to_numpy()]
        if assign.empty:  # given only to judges who have left: nothing is expected yet
            return pd.DataFrame(columns=["Judge", "Nomination ID", "Criterion", ROW]), []
    id_code, id_vocab = pd.factorize(noms["ID"].to_numpy())
    if not assign.empty:
        jn_judge, jn_id = assign["Judge"], assign["Nomination ID"]
        j_code, j_vocab = pd.factorize(jn_judge.to_numpy())
        n_code = pd.Index(id_vocab).get_indexer(jn_id.to_numpy())
        unknown = n_code < 0
        if unknown.any():  # IDs not among the nominations: codes of their own, never matched
            extra, _ = pd.factorize(jn_id.to_numpy()[unknown])
            n_code = n_code.copy()
            n_code[unknown] = len(id_vocab) + extra
        judge_rows, id_rows = np.arange(len(jn_judge)), np.arange(len(jn_id))
    else:
        jn_judge, jn_id = judges["Judge"], noms["ID"]
        j_code, j_vocab = pd.factorize(jn_judge.to_numpy())
        judge_rows = np.repeat(np.arange(len(judges)), len(noms))
        id_rows = np.tile(np.arange(len(noms)), len(judges))
        j_code, n_code = j_code[judge_rows], id_code[id_rows]
    pairs = conflicted_pairs(data)
    if not pairs.empty:
        pj = pd.Index(j_vocab).get_indexer(pairs["Judge"].to_numpy())
        pn = pd.Index(id_vocab).get_indexer(pairs["Nomination ID"].to_numpy())
        ok = (pj >= 0) & (pn >= 0)
        width = len(id_vocab) + len(jn_id) + 1
        blocked = pd.Series(j_code * width + n_code).isin(pj[ok] * width + pn[ok]).to_numpy()
        keep = np.flatnonzero(~blocked)
        judge_rows, id_rows, n_code = judge_rows[keep], id_rows[keep], n_code[keep]
    left = pd.DataFrame({"_n": n_code, "_l": np.arange(len(n_code))})
    by_nom = left.merge(pd.DataFrame({"_n": id_code, "_r": np.arange(len(noms))}), on="_n")
    cat_code, cat_vocab = column_codes(data, "Nominations", "Category")
    at_noms = np.flatnonzero(usable)
    by_nom["_cat"] = cat_code[at_noms][by_nom["_r"].to_numpy()]
    crit_cat = codes_in(crit["Category"], cat_vocab)
    both = by_nom.merge(pd.DataFrame({"_cat": crit_cat, "_k": np.arange(len(crit))}), on="_cat")
    lefts, rows, crits = both["_l"].to_numpy(), both["_r"].to_numpy(), both["_k"].to_numpy()
    sources = [
        (jn_judge, judge_rows[lefts]),
        (jn_id, id_rows[lefts]),
        (crit["Criterion"], crits),
    ]
    frame = pd.DataFrame(
        {
            "Judge": _as_column(*sources[0]),
            "Nomination ID": _as_column(*sources[1]),
            "Criterion": _as_column(*sources[2]),
            ROW: _as_column(noms[ROW], rows),
        }
    )
    return frame, sources


def check_missing(data: ProgrammeData) -> Iterator[Issue]:
    """``missing-score`` for each judge and nomination with a criterion still to score, and
    ``judge-not-started`` once for a judge who has scored nothing yet (early in a round that
    is most of the panel: one line per judge to chase, not one per nomination)."""
    exp, _ = expected_parts(data)
    if exp.empty:
        return
    scored = expected_scored(data)
    missing = exp[~scored]
    if missing.empty:
        return
    idle = set(missing["Judge"]) - set(exp.loc[scored, "Judge"])
    idle_rows = _judge_rows(data, idle)
    if idle_rows:
        yield from _not_started(data, missing[missing["Judge"].isin(list(idle_rows))], idle_rows)
        missing = missing[~missing["Judge"].isin(list(idle_rows))]
        if missing.empty:
            return
    noms = data["Nominations"]
    calib = set(noms.loc[noms["Calibration"].fillna(False).astype(bool), "ID"])
    # How many criteria each of these pairs expects: a pair with none scored is not yet begun.
    near = exp[exp["Judge"].isin(list(set(missing["Judge"])))]
    near = near[near["Nomination ID"].isin(list(set(missing["Nomination ID"])))]
    expected = near.groupby(["Judge", "Nomination ID"], sort=False).size()
    place = data.place("Nominations")
    for (judge, nid), grp in missing.groupby(["Judge", "Nomination ID"], sort=True):
        row = int(grp[ROW].iloc[0])
        what = "the calibration entry" if nid in calib else nid
        if len(grp) == expected[judge, nid]:
            message = f"{judge} has not scored {what} yet."
            hint = (
                f"Ask {judge} to score it (their judge pack, or the Scores sheet); until then "
                "only the judges who have scored it count."
            )
        else:
            crits = ", ".join(grp["Criterion"].astype(str))
            message = f"{judge} has not scored {what} on: {crits}."
            hint = (
                f"Ask {judge} to add the missing {plural('score', len(grp))} on the Scores "
                "sheet; until then this judge's view of the nomination uses only the criteria "
                "scored."
            )
        yield Issue(
            "missing-score",
            WARNING,
            place.sheet,
            message,
            hint,
            row=row,
            column="ID",
            cell=place.cell("ID", row),
            value=str(nid),
        )


def _judge_rows(data: ProgrammeData, judges: set[str]) -> dict[str, int]:
    """The Judges table's row of each of ``judges`` found there (first row of a repeat)."""
    if not judges:
        return {}
    table = data["Judges"].dropna(subset=["Judge"])
    table = table[table["Judge"].isin(list(judges))]
    rows: dict[str, int] = {}
    for judge, row in zip(table["Judge"], table[ROW], strict=True):
        if pd.notna(row):
            rows.setdefault(str(judge), int(row))
    return rows


def _not_started(
    data: ProgrammeData, missing: pd.DataFrame, rows: dict[str, int]
) -> Iterator[Issue]:
    place = data.place("Judges")
    for judge in sorted(rows, key=rows.__getitem__):  # in the Judges table's order
        ids = list(dict.fromkeys(missing.loc[missing["Judge"] == judge, "Nomination ID"]))
        shown = ", ".join(str(i) for i in ids[:3]) + (
            f" and {len(ids) - 3} more" if len(ids) > 3 else ""
        )
        row = rows[judge]
        yield Issue(
            "judge-not-started",
            WARNING,
            place.sheet,
            f"{judge} has not scored any of their {count_of(len(ids), 'nomination')} yet ({shown}).",
            f"Send {judge} their judge pack (awards packs) and merge it when it comes back "
            "(awards collect), or have the scores typed on the Scores sheet; until then only "
            "the judges who have scored a nomination count.",
            row=row,
            column="Judge",
            cell=place.cell("Judge", row),
            value=judge,
        )


def check_assignments(data: ProgrammeData) -> Iterator[Issue]:
    """Assignments (when used) must not pair a judge with a conflict, and must give every
    nomination enough judges for its category."""
    assign = data["Assignments"]
    if assign.dropna(subset=["Judge", "Nomination ID"]).empty:
        return
    pairs = conflicted_pairs(data)
    keyed = assign.assign(_j=key(assign["Judge"]), _n=key(assign["Nomination ID"]))
    if not pairs.empty:
        bad = pairs.assign(_j=key(pairs["Judge"]), _n=key(pairs["Nomination ID"]))
        hit = keyed.reset_index().merge(bad, on=["_j", "_n"])
        reasons = dict(zip(hit["index"], hit["Reason"], strict=True))
        yield from row_issues(
            data,
            "Assignments",
            pd.Series(assign.index.isin(list(reasons)), index=assign.index),
            "Judge",
            "assigned-conflicted-judge",
            ERROR,
            lambda r: (
                f"{r['Judge']} is assigned {r['Nomination ID']} but may not score it: "
                f"{reasons[r.name]}."
            ),
            "Assign another judge to this nomination.",
        )
    sc = data["Scores"]
    if not sc.empty:
        given = pd.MultiIndex.from_arrays(
            [column_key(data, "Scores", "Judge"), column_key(data, "Scores", "Nomination ID")]
        )
        planned = pd.MultiIndex.from_arrays([keyed["_j"], keyed["_n"]])
        calib = set(
            key(
                data["Nominations"].loc[
                    data["Nominations"]["Calibration"].fillna(False).astype(bool), "ID"
                ]
            )
        )
        stray = pd.Series(~given.isin(planned), index=sc.index) & ~column_key(
            data, "Scores", "Nomination ID"
        ).isin(calib).fillna(False)
        yield from row_issues(
            data,
            "Scores",
            stray & sc["Judge"].notna(),
            "Judge",
            "unassigned-score",
            WARNING,
            "{Judge} scored {Nomination ID} without being assigned it; the score counts.",
            "Add the pair to the Assignments table, or delete the score if it was a mistake.",
        )
    noms = data["Nominations"].dropna(subset=["ID"])
    noms = noms[~noms["Calibration"].fillna(False).astype(bool)]
    cats = data["Categories"]
    needed = dict(zip(key(cats["Category"]), cats["Min judges"].fillna(1), strict=True))
    counts = keyed.drop_duplicates(["_j", "_n"]).groupby("_n")["_j"].count()
    have = key(noms["ID"]).map(counts).fillna(0)
    need = key(noms["Category"]).map(needed).fillna(1)
    short = have < need
    if short.any():  # a nomination that cannot win needs no judge (repeat-winner says why)
        short &= ~noms["ID"].isin(list(cannot_win(data, noms[short])))
    yield from row_issues(
        data,
        "Nominations",
        short,
        "ID",
        "too-few-judges-assigned",
        WARNING,
        lambda r: (
            f"{r['ID']} has {count_of(int(have[r.name]), 'judge')} assigned; {r['Category']} "
            f"needs {int(need[r.name])}."
        ),
        "Add rows on the Assignments table (Judges sheet) for this nomination.",
    )

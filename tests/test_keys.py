"""The fast matching paths equal the plain ones they replace, on awkward values.

keys.key works out long text columns per distinct text; first_match and the integer codes
stand in for merges; the evidence-subject rule runs on whole columns. Each is checked here
against the straightforward pandas (or per-row Python) way on blanks, NaN, numbers mixed
with text, unicode and stray spaces.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from automation import keys
from automation.keys import codes_in, first_match, key, key_of
from automation.validate.consistency import check_evidence_subject
from tests.support import small
from tests.support.factory import data_from_rows

AWKWARD = [
    "Ann",
    " ann ",
    "ANN",
    None,
    np.nan,
    "",
    "   ",
    "Zoë",
    "zoë\u00a0",
    "İx",
    "ǅa",
    "x\u1680",
]


def _direct(s: pd.Series) -> pd.Series:
    return s.astype("string[pyarrow]").str.strip().str.lower()


@pytest.mark.parametrize(
    "values",
    [
        AWKWARD * 200,  # long: keyed per distinct text
        AWKWARD,  # short: keyed directly
        [1, True, 1.0, "1", None] * 300,  # numbers among text: never merged by value
        [],
    ],
)
def test_key_equals_the_direct_way(values):
    s = pd.Series(values, dtype=object, index=range(7, 7 + len(values)), name="Judge")
    pd.testing.assert_series_equal(key(s), _direct(s))


def _merge_way(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> np.ndarray:
    right = right.assign(_pos=np.arange(len(right))).drop_duplicates(on)
    found = left.merge(right, on=on, how="left")["_pos"]
    return found.fillna(-1).astype(np.int64).to_numpy()


def _codes(s: pd.Series):
    code, vocab = pd.factorize(key(s), use_na_sentinel=False)
    return code.astype(np.int64), pd.Index(vocab)


@pytest.mark.parametrize("table", [True, False], ids=["lookup table", "binary search"])
@pytest.mark.parametrize("seed", range(5))
def test_first_match_is_a_left_merge_on_first_rows(seed, table, monkeypatch):
    if not table:  # key spaces too large for a lookup table take the other way
        monkeypatch.setattr(keys, "_LOOKUP_TABLE", 0)
    rng = np.random.default_rng(seed)
    pool = np.array(AWKWARD + ["Bob", "bob ", "Cy"], dtype=object)
    left = pd.DataFrame({"a": rng.choice(pool, 3000), "b": rng.choice(pool, 3000)})
    right = pd.DataFrame({"a": rng.choice(pool, 40), "b": rng.choice(pool, 40)})
    keyed_left = pd.DataFrame({c: key(left[c]) for c in left})
    keyed_right = pd.DataFrame({c: key(right[c]) for c in right})
    got = first_match([_codes(left["a"]), _codes(left["b"])], [keyed_right["a"], keyed_right["b"]])
    assert got.tolist() == _merge_way(keyed_left, keyed_right, ["a", "b"]).tolist()
    # Keys typed in another table, placed in this one's codes: equal keys, equal codes.
    code, vocab = _codes(left["a"])
    at = codes_in(right["a"], vocab)
    for i, k in enumerate(keyed_right["a"]):
        same = keyed_left["a"].isna() if pd.isna(k) else (keyed_left["a"] == k).fillna(False)
        assert (at[i] >= 0) == bool(same.any())
        if at[i] >= 0:
            assert (pd.isna(k) and pd.isna(vocab[at[i]])) or vocab[at[i]] == k


def test_first_match_with_nothing_to_match():
    assert first_match(
        [(np.array([0, 1]), pd.Index(["a", "b"]))], [pd.Series([], dtype=str)]
    ).tolist() == [-1, -1]


# The rule as it was written row by row: the oracle for the column-wise version.
_OPENING = re.compile(r"^\W*([A-Z][a-z'’-]+)\b")
_QUOTE = re.compile(r"^\W*(he|she)\b", re.I)
_PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}


def _row_by_row(data) -> list[tuple[int, str]]:
    staff = data["Staff"]["Name"].dropna().astype(str)
    firsts: dict[str, set[str]] = {}
    for name in staff:
        if name.split():
            firsts.setdefault(name.split()[0].lower(), set()).add(key_of(name))
    teams = set(data["Teams"]["Team"].dropna().map(key_of))
    out = []
    for _, row in data["Nominations"].iterrows():
        nominee = row["Nominee"]
        if pd.isna(nominee) or key_of(nominee) in teams:
            continue
        own = str(nominee).split()[0].lower() if str(nominee).split() else ""
        for column in ("Evidence", "Customer quote"):
            text = row[column]
            if pd.isna(text) or not str(text).strip():
                continue
            m = _OPENING.match(str(text))
            other = m.group(1).lower() if m else ""
            if other and other != own and other in firsts and key_of(nominee) not in firsts[other]:
                out.append((int(row["_row"]), column))
        quote, evidence = row["Customer quote"], row["Evidence"]
        if pd.notna(quote) and pd.notna(evidence):
            said = _QUOTE.match(str(quote))
            used = {
                _PRONOUNS[w] for w in re.findall(r"\b(he|him|his|she|her)\b", str(evidence).lower())
            }
            if said and len(used) == 1 and _PRONOUNS[said.group(1).lower()] not in used:
                out.append((int(row["_row"]), "Customer quote"))
    return out


OPENINGS = [
    "Ann",
    "Ben",
    "ann",
    "“Ben",
    "(Cat",
    "Ben-Lee",
    "Zoë",
    "He",
    "She",
    "  she",
    "Ann and Ben",
]
EVIDENCE = ["did well", "helped him and his team", "she did it her way", "he he", "", "   "]


@pytest.mark.parametrize("seed", range(8))
def test_evidence_subject_equals_the_row_by_row_rule(seed):
    rng = np.random.default_rng(seed)
    rows = small.rows()
    rows["Staff"] = rows.get("Staff", []) + [
        {"Name": n, "Team": "Red"}
        for n in ("Ann Able", "Ben Best", "Cat Cole", "Ben Other", "Zoë Ray")
    ]
    base = rows["Nominations"][0]
    rows["Nominations"] = [
        base
        | {
            "ID": f"N{i}",
            "Nominee": rng.choice(
                ["Ann Able", "Ben Best", "Cat Cole", "Zoë Ray", "Red", " ann able", None]
            ),
            "Evidence": rng.choice([None, f"{rng.choice(OPENINGS)} {rng.choice(EVIDENCE)}"]),
            "Customer quote": rng.choice([None, f"{rng.choice(OPENINGS)} {rng.choice(EVIDENCE)}"]),
        }
        for i in range(60)
    ]
    data = data_from_rows(rows, small.SETTINGS)
    got = [(i.row, i.column) for i in check_evidence_subject(data)]
    assert got == _row_by_row(data)
    assert got  # the cases do reach the rule

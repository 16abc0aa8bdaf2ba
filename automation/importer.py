"""Nominations from a form export: Microsoft Forms (.xlsx), Google Forms (.csv) or any CSV.

Pure functions: ``plan_import`` takes the export as a table of raw answers (one row per
response, headers as the service wrote them) and the workbook's data, and decides which rows
become nominations and why any other row is skipped. Nothing is dropped silently: every
response is either added or listed with its reason. Reading the file and writing the
workbook happen in ``automation.import_job``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from automation.documents.english import count_of
from automation.errors import UserError
from automation.keys import closest, key_of
from automation.model import ProgrammeData
from automation.nominees import with_staff_details
from automation.parse import parse_date
from automation.responses import (
    GOOGLE_TIME,
    aliases,
    google_id_at,
    google_response_id,
    remembered,
    response_digest,
    response_time,
)
from automation.validate.cells import ids_in_use
from automation.validate.nominations import (
    COOL_OFF,
    ERASED_NOMINEE,
    JUDGE_NOMINATED,
    cannot_win,
    closed_periods,
    not_run_periods,
)

# Columns of the Nominations table an export can fill (ID and Period are worked out).
TARGETS = (
    "Category",
    "Nominee",
    "Nominator type",
    "Nominator",
    "Nominator contact",
    "Evidence",
    "Customer quote",
    "Received",
    "Consent to publish",
    "Consent date",
    "Period",
    "Team",
    "Site",
    "Line manager",
    "Response ID",
)
REQUIRED = ("Category", "Nominee", "Nominator", "Evidence", "Received")

# Headers the services write themselves, and the questions of the form in docs/nomination_form.md.
KNOWN_HEADERS: dict[str, str] = {
    # Microsoft Forms
    "id": "Response ID",
    "completion time": "Received",
    "email": "Nominator contact",
    "name": "Nominator",
    # Google Forms
    "timestamp": "Received",
    "email address": "Nominator contact",
    # The ready-made form
    "which award are you nominating for?": "Category",
    "who are you nominating?": "Nominee",
    "are you a customer or a colleague?": "Nominator type",
    "your name": "Nominator",
    "your email or phone number": "Nominator contact",
    "what did they do? please give an example.": "Evidence",
    "what did they do?": "Evidence",
    "in a sentence, what would you like to say about them?": "Customer quote",
    "may we publish your words (without your contact details)?": "Consent to publish",
}
IGNORED_HEADERS = {"start time", "last modified time"}

_YES = ("yes", "y", "true", "i agree", "agree", "ok", "okay", "sure")
_NO = ("no", "n", "false", "do not", "don't", "i do not", "disagree")


# The skip reason of a response whose ID is another response's (a second form's numbering).
OTHER_FORM = "ID of another response"


@dataclass(frozen=True)
class Skipped:
    """A response that was not imported: its row in the export and why."""

    row: int
    reason: str
    detail: str


@dataclass
class ImportPlan:
    """What an import adds to Nominations and what it leaves out, with the mapping used."""

    added: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def summary(self, *, dry_run: bool = False) -> str:
        """``3 nominations added, 1 response skipped``; with ``dry_run``, "would be added"."""
        return (
            f"{count_of(len(self.added), 'nomination')} "
            f"{'would be added' if dry_run else 'added'}, "
            f"{count_of(len(self.skipped), 'response')} skipped"
            + (f", {count_of(len(self.notes), 'entry')} to check" if self.notes else "")
        )


# ---------------------------------------------------------------------------------------------
# Mapping headers to columns
# ---------------------------------------------------------------------------------------------
def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def parse_mapping(text: str) -> dict[str, str]:
    """'Question=Column; Question=Column' (as saved in Settings or given with --map)."""
    out: dict[str, str] = {}
    for part in re.split(r";\s*|\n", text or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise UserError(
                f"The mapping '{part.strip()}' has no '='.",
                'Write each as "Question in the export=Nominations column", e.g. '
                '"Who are you nominating?=Nominee".',
            )
        question, column = part.rsplit("=", 1)
        target = next((t for t in TARGETS if _norm(t) == _norm(column)), None)
        if target is None:
            raise UserError(
                f"'{column.strip()}' is not a Nominations column an import can fill.",
                "Use one of: " + ", ".join(TARGETS) + ".",
            )
        out[_norm(question)] = target
    return out


def format_mapping(mapping: Mapping[str, str], headers: list[str]) -> str:
    """The mapping as saved in Settings, with the headers as the export spells them."""
    spelled = {_norm(h): str(h).strip() for h in headers}
    return "; ".join(
        f"{spelled.get(q, q)}={c}"
        for q, c in mapping.items()
        if q in spelled and KNOWN_HEADERS.get(q) != c
    )


def map_headers(
    headers: list[str],
    saved: Mapping[str, str] | None = None,
    given: Mapping[str, str] | None = None,
    ask: Callable[[str, list[str]], str | None] | None = None,
) -> dict[str, str]:
    """Export header (normalised) -> Nominations column.

    In order of precedence: ``given`` (--map), ``saved`` (Settings), a header that is the
    column's own name, and the headers the form services and the ready-made form use. A
    required column still unmapped is asked for through ``ask`` (the CLI prompts) or reported.
    """
    mapping: dict[str, str] = {}
    norms = [_norm(h) for h in headers]
    for h in norms:
        if h in IGNORED_HEADERS:
            continue
        for source in (given or {}, saved or {}):
            if h in source:
                mapping[h] = source[h]
                break
        else:
            exact = next((t for t in TARGETS if _norm(t) == h), None)
            if exact:
                mapping[h] = exact
            elif h in KNOWN_HEADERS:
                mapping[h] = KNOWN_HEADERS[h]
    # One column per target: a question named later by --map wins over a guessed header.
    chosen: dict[str, str] = {}
    for h, target in mapping.items():
        if target in chosen and (h in (given or {}) or h in (saved or {})):
            chosen[target] = h
        chosen.setdefault(target, h)
    mapping = {h: t for t, h in chosen.items()}
    missing = [t for t in REQUIRED if t not in chosen]
    if missing and ask is not None:
        free = [h for h, n in zip(headers, norms, strict=True) if n not in mapping]
        for target in missing:
            answer = ask(target, free)
            if answer:
                mapping[_norm(answer)] = target
                free = [h for h in free if _norm(h) != _norm(answer)]
        missing = [t for t in REQUIRED if t not in mapping.values()]
    if missing:
        raise UserError(
            "The export has no column for " + ", ".join(missing) + ".",
            'Say which question holds each with --map, e.g. --map "Who are you nominating?'
            "=Nominee\" (the mapping is saved in Settings for the next import). The export's "
            "columns are: " + "; ".join(str(h) for h in headers) + ".",
        )
    return mapping


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------
_SLASHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2,4})\b")


def day_first(values: list[object]) -> bool:
    """Whether slashed dates in an export are day first (UK) or month first (US).

    A first number above 12 settles it one way, a second number above 12 the other; with
    neither (every day 12 or under) the UK reading is taken.
    """
    for value in values:
        m = _SLASHED.match(str(value or ""))
        if m and int(m.group(1)) > 12:
            return True
        if m and int(m.group(2)) > 12:
            return False
    return True


def parse_received(value: object, *, dayfirst: bool = True) -> pd.Timestamp | None:
    """A response time: a real date cell, Google's '2026/10/03 2:15:07 pm GMT+1', or text
    (slashed dates day first unless ``dayfirst`` is False)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value).normalize()
    text = str(value).strip()
    if not text:
        return None
    m = GOOGLE_TIME.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            return pd.Timestamp(dt.date(y, mo, d))
        except ValueError:
            return None
    m = _SLASHED.match(text)
    if m and not dayfirst:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            return pd.Timestamp(dt.date(year + 2000 if year < 100 else year, month, day))
        except ValueError:
            return None
    parsed = parse_date(pd.Series([text])).iloc[0]
    return None if pd.isna(parsed) else pd.Timestamp(parsed).normalize()


def yes_no(value: object) -> bool | None:
    """A consent answer as yes/no: 'Yes, you may', 'I agree' -> yes; 'No thanks' -> no."""
    text = _norm(value)
    if not text:
        return None
    if any(text == w or text.startswith(w + " ") or text.startswith(w + ",") for w in _NO):
        return False
    if any(text == w or text.startswith(w + " ") or text.startswith(w + ",") for w in _YES):
        return True
    return None


def nominator_type(value: object) -> str | None:
    """'A customer', 'Colleague', 'I am their manager', 'Myself' -> the workbook's list values."""
    text = _norm(value)
    if not text:
        return None
    for word, kind in (
        ("customer", "customer"),
        ("manager", "manager"),
        ("self", "self"),
        ("myself", "self"),
        ("colleague", "colleague"),
        ("staff", "colleague"),
        ("team", "colleague"),
    ):
        if word in text:
            return kind
    return str(value).strip()


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def next_ids(existing: list[str], count: int, prefix: str = "N-", width: int = 4) -> list[str]:
    """``count`` new IDs after the highest existing one, in the same style (N-0042 -> N-0043);
    ``prefix`` and ``width`` make the first one when there is none yet."""
    # IDs in the expected style count, where there are any: a calibration entry typed as
    # CAL-2026 must not make the next nomination CAL-2027.
    existing = [i for i in existing if str(i or "").strip().startswith(prefix)] or existing
    top = 0
    for i in existing:
        m = re.fullmatch(r"(.*?)(\d+)", str(i or "").strip())
        if m and int(m.group(2)) >= top:
            prefix, width, top = m.group(1), len(m.group(2)), int(m.group(2))
    return [f"{prefix}{top + k:0{width}d}" for k in range(1, count + 1)]


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------
# What to check about an added nomination that cannot win (validation reports it as an
# error), by cannot_win's reason; formatted with the nomination's fields.
_CANNOT_WIN = {
    COOL_OFF: (
        "{Nominee} won {Category} too recently to win it again in {Period} (cool-off): thank "
        "the nominator and withdraw it, or validation reports it as an error"
    ),
    JUDGE_NOMINATED: (
        "{Nominee} is on the judging panel: replace them as a judge for this period or "
        "withdraw the nomination, or validation reports it as an error"
    ),
    ERASED_NOMINEE: "{Nominee} was erased on request, so the nomination cannot win",
}


def _cannot_win(data: ProgrammeData, added: list[dict[str, object]]) -> dict[object, str]:
    """The added nominations that cannot win, by ID, with what to tell the manager."""
    if not added:
        return {}
    frame = pd.DataFrame(added)
    view = dataclasses.replace(data, tables={**data.tables, "Nominations": frame}, cache={})
    return {nid: _CANNOT_WIN[why] for nid, why in cannot_win(view, frame).items()}


def plan_import(
    data: ProgrammeData,
    export: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    first_row: int = 2,
    source: str | None = None,
) -> ImportPlan:
    """Decide what to import from ``export`` (columns as the file's headers, raw values).

    ``first_row`` is the file's row number of the first response (2: after the header), so
    each skipped response can be found in the export. ``source`` is the nominator type for a
    form that does not ask (a customer-only form: "customer").
    """
    if "Nominator type" not in mapping.values() and not source:
        raise UserError(
            "The export does not say who nominated (customer, colleague, manager or self).",
            "Add --source customer (or colleague, manager, self) for a form only one kind of "
            'person fills in, or map the question with --map "Question=Nominator type".',
        )
    columns = {mapping[_norm(h)]: h for h in export.columns if _norm(h) in mapping}
    noms = data["Nominations"]
    hist = data.tables.get("NominationHistory")
    old = pd.concat([noms, hist] if hist is not None and len(hist) else [noms], ignore_index=True)
    # Each response ID on the sheets, by key, with the nomination it is.
    in_history = set(hist["ID"].dropna().astype(str)) if hist is not None else set()
    seen_responses = {
        key_of(alias): "" if pd.isna(nid) else str(nid)
        for response, nid in zip(old["Response ID"], old["ID"], strict=True)
        if not pd.isna(response)
        for alias in aliases(response)
    }
    # Who nominated whom in each nomination, by ID: a response under a known ID that names
    # neither is not that nomination.
    held_by = {
        str(r["ID"]): (
            key_of(r["Nominee"]),
            key_of(r["Nominator"]),
            f"{r['Nominator']}'s nomination of {r['Nominee']}",
        )
        for r in old.dropna(subset=["ID", "Response ID"]).to_dict("records")
    }
    # Responses imported once and since withdrawn: a form's export holds them still.
    imported = remembered(data)
    seen_nominations = {
        (
            key_of(r["Nominee"]),
            key_of(r["Category"]),
            key_of(r["Period"]),
            key_of(r["Nominator"]),
        ): r["ID"]
        for _, r in old.iterrows()
    }
    cats = data["Categories"].dropna(subset=["Category"])
    categories = {key_of(c): str(c) for c in cats["Category"]}
    team_cats = {
        key_of(c) for c, t in zip(cats["Category"], cats["Type"], strict=True) if t == "team"
    }
    staff = data["Staff"].dropna(subset=["Name"])
    staff_names = {key_of(n): str(n) for n in staff["Name"]}
    teams = data["Teams"].dropna(subset=["Team"])
    team_names = {key_of(t): str(t) for t in teams["Team"]}
    periods = data["Periods"].dropna(subset=["Period", "Starts", "Ends"])
    period_names = {key_of(p): str(p) for p in periods["Period"]}
    # A response for a closed period would sit in Nominations, expected from the judges of
    # the current period.
    closed = closed_periods(data)
    not_run = not_run_periods(data)

    added: list[dict[str, object]] = []
    to_check: list[tuple[int, list[str]]] = []  # (export row, notes) of each added response
    plan = ImportPlan(pd.DataFrame(), mapping=dict(mapping))
    dayfirst = day_first(list(export[columns["Received"]])) if "Received" in columns else True
    for i, values in enumerate(export.to_dict("records")):
        row = first_row + i

        def get(target: str, values=values) -> object:
            return values.get(columns[target]) if target in columns else None

        if all(_text(v) is None for v in values.values()):
            continue  # a blank line at the end of a CSV is not a response
        response = _text(get("Response ID"))
        # The IDs the same response may have had before: an earlier version kept Google's
        # timestamp and email as typed, then made a G- ID of that text.
        earlier: list[str] = []
        if response is None and "Received" in columns and _text(get("Received")):
            # Google Forms has no response ID: its timestamp (with the email) identifies one,
            # read as a time, since the linked sheet and a CSV saved again in Excel write it
            # differently ("03/10/2026 14:15:07" for "2026/10/03 2:15:07 PM GMT+1").
            stamp, contact = _text(get("Received")), _text(get("Nominator contact"))
            when = response_time(get("Received"), dayfirst=dayfirst)
            response = (
                google_id_at(when, contact)
                if when is not None
                else google_response_id(stamp, key_of(contact))
            )
            earlier = [
                "|".join(x for x in (stamp, contact) if x),
                google_response_id(stamp, contact),
            ]
            if when is not None:
                earlier.append(google_response_id(f"{when:%Y-%m-%d %H:%M:%S}", key_of(contact)))
        candidates = [r for r in (response, *earlier) if r]
        held = next(
            (seen_responses[key_of(r)] for r in candidates if key_of(r) in seen_responses), None
        )
        mine = (key_of(_text(get("Nominee"))), key_of(_text(get("Nominator")) or "anonymous"))
        if held is not None and held in held_by and not set(mine) & set(held_by[held][:2]):
            # Someone else's response under the same ID: a second form, numbered from 1 too.
            plan.skipped.append(
                Skipped(
                    row,
                    OTHER_FORM,
                    f"response {response} has the ID of {held}, {held_by[held][2]}, but names "
                    "another nominee and nominator: the export is probably of another form, "
                    "whose IDs start again at 1",
                )
            )
            continue
        if held is not None:
            plan.skipped.append(
                Skipped(
                    row,
                    "already imported",
                    f"response {response} is already "
                    + (
                        f"nomination {held}"
                        + (" (on the Nomination history sheet)" if held in in_history else "")
                        if held
                        else "on the Nominations sheet"
                    ),
                )
            )
            continue
        received = parse_received(get("Received"), dayfirst=dayfirst)
        if received is None:
            raw = _text(get("Received"))
            plan.skipped.append(
                Skipped(
                    row,
                    "bad date" if raw else "no date",
                    f"the date '{raw}' in column '{columns['Received']}' cannot be read"
                    if raw
                    else f"the response has no date in column '{columns['Received']}'",
                )
            )
            continue
        category_raw = _text(get("Category"))
        category = categories.get(key_of(category_raw))
        if category is None:
            hint = closest(category_raw or "", categories) if category_raw else None
            plan.skipped.append(
                Skipped(
                    row,
                    "unknown category",
                    f"'{category_raw or ''}' is not an award on the Categories sheet"
                    + (f" (did you mean '{hint}'?)" if hint else ""),
                )
            )
            continue
        nominee = _text(get("Nominee"))
        if nominee is None:
            plan.skipped.append(Skipped(row, "no nominee", "the response names nobody"))
            continue
        period = _text(get("Period"))
        if period is not None:
            period = period_names.get(key_of(period), period)
        else:
            inside = periods[(periods["Starts"] <= received) & (periods["Ends"] >= received)]
            if inside.empty:
                plan.skipped.append(
                    Skipped(
                        row,
                        "no period",
                        f"received {received:%d/%m/%Y}, which is in no period on the Periods sheet",
                    )
                )
                continue
            period = str(inside["Period"].iloc[0])
        nominator = _text(get("Nominator")) or "anonymous"
        dup = (key_of(nominee), key_of(category), key_of(period), key_of(nominator))
        was = next((imported[d] for r in candidates if (d := response_digest(r)) in imported), None)
        if was is not None:
            plan.skipped.append(
                Skipped(
                    row,
                    "withdrawn",
                    f"response {response} was imported before"
                    + (f" (as {was})" if was else "")
                    + " and is no longer on the Nominations sheet",
                )
            )
            # The same nominator's second response for the same nominee stays out with it.
            seen_nominations.setdefault(dup, f"{was or 'a nomination'}, withdrawn")
            continue
        if key_of(period) in not_run:
            plan.skipped.append(
                Skipped(
                    row,
                    "period not run",
                    f"received {received:%d/%m/%Y}, for {period}, which is marked 'not run' on "
                    "the Periods sheet: it has no judging",
                )
            )
            continue
        if key_of(period) in closed:
            plan.skipped.append(
                Skipped(
                    row,
                    "period closed",
                    f"received {received:%d/%m/%Y}, for {period}, which is closed: its judging "
                    "is over",
                )
            )
            continue
        notes: list[str] = []  # what to check about this response, kept only if it is added
        is_team = key_of(category) in team_cats
        known = team_names if is_team else staff_names
        if key_of(nominee) in known:
            nominee = known[key_of(nominee)]  # team, site and manager: from Staff, below
        else:
            hint = closest(nominee, known)
            where = "Teams" if is_team else "Staff"
            notes.append(
                f"{nominee} is not on the {where} list"
                + (f"; did you mean {hint}?" if hint else "")
            )
        if dup in seen_nominations:
            plan.skipped.append(
                Skipped(
                    row,
                    "duplicate",
                    f"{nominator} already nominated {nominee} for {category} in {period} "
                    f"({seen_nominations[dup]})",
                )
            )
            continue
        consent = yes_no(get("Consent to publish"))
        raw_consent = _text(get("Consent to publish"))
        if raw_consent and consent is None:
            notes.append(
                f"the consent answer '{raw_consent}' is neither yes nor no; recorded as no consent"
            )
        consent_date = (
            parse_received(get("Consent date"), dayfirst=dayfirst)
            if "Consent date" in columns
            else None
        )
        record = {
            "Period": period,
            "Category": category,
            "Nominee": nominee,
            "Team": _text(get("Team")),
            "Site": _text(get("Site")),
            "Line manager": _text(get("Line manager")),
            "Nominator type": nominator_type(get("Nominator type")) or source,
            "Nominator": nominator,
            "Nominator contact": _text(get("Nominator contact")),
            "Evidence": _text(get("Evidence")),
            "Customer quote": _text(get("Customer quote")),
            "Received": received,
            "Consent to publish": bool(consent),
            "Consent date": (consent_date or received) if consent else None,
            "Response ID": response,
        }
        if record["Evidence"] is None:
            plan.skipped.append(Skipped(row, "no evidence", "the response says nothing about why"))
            continue
        added.append(record)
        to_check.append((row, notes))
        seen_nominations[dup] = f"row {row} of this export"
        if response:
            seen_responses[key_of(response)] = f"row {row} of this export"
    # Never an ID given before: a withdrawn nomination's would take over its scores.
    ids = next_ids(ids_in_use(data, "Nominations", "ID"), len(added))
    for record, new_id in zip(added, ids, strict=True):
        record["ID"] = new_id
    out_of_it = _cannot_win(data, added)
    for record, (row, notes) in zip(added, to_check, strict=True):
        why = out_of_it.get(record["ID"])
        if why is not None:
            notes.append(why.format(**record))
        plan.notes += [f"row {row} ({record['ID']}): {note}" for note in notes]
    # What the export leaves blank comes from the Staff and Teams tables, as reading does.
    plan.added = with_staff_details(
        pd.DataFrame(added), data["Staff"], data["Teams"], data["Categories"]
    )
    return plan

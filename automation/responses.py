"""The form responses a workbook has held, remembered on the Tool data sheet.

A form's download holds every response so far, so each import reads the earlier responses
again and skips those already on the Nominations sheet. A nomination withdrawn after its
import (its cells cleared) is no longer there: without a memory of the responses imported,
the next import would add it back. The ImportedResponses table is that memory. It keeps a
digest of each response's ID, not the ID itself: a Google Forms response has no ID of its own,
and is known by its timestamp and the nominator's email.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd

from automation import schema
from automation.keys import key_of
from automation.model import ProgrammeData

TABLE = "ImportedResponses"
COLUMNS = list(schema.TABLE_BY_NAME[TABLE].names)


def response_digest(response: object) -> str:
    """The digest a response is remembered by (its ID, ignoring case and stray spaces)."""
    return hashlib.sha256(key_of(response).encode("utf-8")).hexdigest()


def google_response_id(received: str, contact: str | None) -> str:
    """An ID for a response from a form that gives none (Google Forms): made from its
    timestamp and email, which identify it, without showing the email on the Nominations
    sheet (the retention job removes contact details, and would miss them there)."""
    text = "|".join(x for x in (received, contact) if x)
    return "G-" + response_digest(text)[:10].upper()


def google_id_at(when: pd.Timestamp, contact: str | None) -> str:
    """The ID of a Google response made at ``when`` by ``contact``: to the minute, since Excel
    saves a CSV's times without their seconds ("28/09/2026 09:05" for "09:05:11")."""
    return google_response_id(f"{when:%Y-%m-%d %H:%M}", key_of(contact))


def aliases(response: object) -> list[str]:
    """The IDs a response on the sheet is known by: its own, and for one an older version
    stored as its timestamp and email ("2026/10/15 3:41:52 PM GMT+1|k.ng@example.com"), the
    ID this version makes of them, so it is recognised however a later export writes the
    time."""
    text = str(response).strip()
    stamp, bar, contact = text.partition("|")
    when = response_time(stamp) if bar and "@" in contact else None
    return [text, google_id_at(when, contact)] if when is not None else [text]


# Google's own timestamp: "2026/10/03 2:15:07 pm GMT+1".
GOOGLE_TIME = re.compile(
    r"^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})\s*([ap]m)?\s*(gmt|utc)?[+-]?[\d:]*$",
    re.I,
)


def response_time(value: object, *, dayfirst: bool = True) -> pd.Timestamp | None:
    """A response's date and time to the second, however the export writes it (Google's CSV
    '2026/10/03 2:15:07 pm GMT+1', its linked sheet '03/10/2026 14:15:07', a date cell); the
    time of day as the form showed it, its zone left aside. None when it cannot be read."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value).floor("s")
    text = str(value).strip()
    m = GOOGLE_TIME.match(text)
    if m:
        hour = int(m.group(4)) % 12 if m.group(7) else int(m.group(4))
        hour += 12 if (m.group(7) or "").lower() == "pm" else 0
        try:
            return pd.Timestamp(
                dt.datetime(
                    int(m.group(1)),
                    int(m.group(2)),
                    int(m.group(3)),
                    hour,
                    int(m.group(5)),
                    int(m.group(6)),
                )
            )
        except ValueError:
            return None
    try:
        when = pd.to_datetime(text, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):
        return None
    if pd.isna(when):
        return None
    return (when.tz_localize(None) if when.tzinfo is not None else when).floor("s")


def remembered(data: ProgrammeData) -> dict[str, str]:
    """The responses imported before, by digest, with the nomination each became."""
    table = data.tables.get(TABLE)
    if table is None or table.empty:
        return {}
    rows = table.dropna(subset=["Response digest"])
    return {
        str(d): "" if pd.isna(n) else str(n)
        for d, n in zip(rows["Response digest"], rows["Nomination ID"], strict=True)
    }


def held_table(
    data: ProgrammeData, added: pd.DataFrame | None = None, *, now: dt.datetime | None = None
) -> pd.DataFrame:
    """The ImportedResponses table to write: what it holds, then each response ID on the
    Nominations and Nomination history sheets that it lacks (imported before the table
    existed, or typed in), then the nominations ``added`` by an import."""
    from automation.audit import UTC_FORMAT, as_utc  # (the audit log writes this table)

    old = data.tables.get(TABLE)
    old = pd.DataFrame(columns=COLUMNS) if old is None else old.reindex(columns=COLUMNS)
    known = set(old["Response digest"].dropna().astype(str))
    when = as_utc(now).strftime(UTC_FORMAT)  # as the audit log writes its times
    new: list[dict[str, str]] = []
    sources = [data.tables.get(t) for t in ("Nominations", "NominationHistory")]
    for frame in [*sources, added]:
        if frame is None or frame.empty or "Response ID" not in frame.columns:
            continue
        frame = frame[frame["Response ID"].notna()]
        ids = frame["ID"] if "ID" in frame.columns else pd.Series(None, index=frame.index)
        for response, nid in zip(frame["Response ID"], ids, strict=True):
            if not key_of(response):
                continue
            for alias in aliases(response):
                digest = response_digest(alias)
                if digest not in known:
                    known.add(digest)
                    new.append(
                        {
                            "Response digest": digest,
                            "Nomination ID": None if pd.isna(nid) else str(nid),
                            "First seen (UTC)": when,
                        }
                    )
    if not new:
        return old.reset_index(drop=True)
    return pd.concat([old, pd.DataFrame(new, columns=COLUMNS)], ignore_index=True)

"""Email drafts to judges: their pack attached, the deadline, and reminders for missing scores.

The texts are plain templates (``templates/email/judge_pack.txt`` and ``judge_reminder.txt``,
or the manager's own copies in the Templates folder), rendered in the same sandbox as the
award emails. A judge without a usable address is listed, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from automation.documents.english import count_in_words, count_of, first_name, weekday_date
from automation.documents.render import DEFAULT_TEMPLATE_DIR, render_text, text_environment
from automation.errors import UserError
from automation.judging.assign import nominations_in_scope
from automation.judging.packs import Pack
from automation.judging.progress import expected_with_status
from automation.keys import key, key_of
from automation.model import ProgrammeData

KIND_HEADER = "X-Award-Recipient"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _template(data: ProgrammeData, name: str) -> str:
    folder = data.setting("templates_folder")
    candidates = []
    if folder and data.source is not None:
        candidates.append(Path(data.source).parent / str(folder) / "email" / name)
    candidates.append(DEFAULT_TEMPLATE_DIR / "email" / name)
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise UserError(
        f"The email template {name} is missing.",
        "Restore it from the project's templates/email folder.",
    )


def _render(source: str, context: dict) -> tuple[str, str]:
    text = render_text(text_environment(), source, context)
    first, _, body = text.lstrip("\ufeff").partition("\n")
    if not first.lower().startswith("subject:"):
        raise UserError("A judge email template must start with a 'Subject:' line.")
    return " ".join(first[len("subject:") :].split()), body.strip("\n") + "\n"


def _context(data: ProgrammeData, pack: Pack) -> dict:
    due = weekday_date(pack.due) if pack.due else None
    return {
        "programme": pack.programme_name or "our award programme",
        "period": pack.period,
        "judge_first_name": first_name(pack.judge) or pack.judge,
        # "two nominations", as the award emails write numbers under ten.
        "nominations_text": count_in_words(pack.size, "nomination"),
        "rows_text": count_in_words(len(pack.grid), "row"),
        "calibration": bool(pack.calibration),
        "blind": pack.blind,
        "due": due,
        "sender_name": str(data.setting("signatory_name") or "The awards team"),
        "organisation": pack.organisation,
    }


def _message(data: ProgrammeData, pack: Pack, file: Path, subject: str, body: str, kind: str):
    message = EmailMessage()
    sender = data.setting("from_address")
    if sender:
        message["From"] = str(sender)
    message["To"] = formataddr((pack.judge, pack.email or ""))
    message["Subject"] = subject
    message[KIND_HEADER] = kind
    message.set_content(body)
    message.add_attachment(file.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=file.name)
    return message


def _address_problem(pack: Pack) -> str | None:
    address = (pack.email or "").strip()
    if not address:
        return "no email address on the Judges sheet"
    if "@" not in address or " " in address:
        return f"'{address}' is not an email address"
    return None


def judge_messages(
    data: ProgrammeData, made: Sequence[tuple[Pack, Path]]
) -> tuple[list[EmailMessage], list[tuple[str, str]]]:
    """One draft per judge with their pack attached; (judge, reason) for those skipped."""
    source = _template(data, "judge_pack.txt")
    messages, skipped = [], []
    for pack, file in made:
        problem = _address_problem(pack)
        if problem:
            skipped.append((pack.judge, problem))
            continue
        subject, body = _render(source, _context(data, pack))
        messages.append(_message(data, pack, file, subject, body, "judge"))
    return messages, skipped


def reminder_messages(
    data: ProgrammeData, made: Sequence[tuple[Pack, Path]], today: dt.date | None = None
) -> tuple[list[EmailMessage], list[tuple[str, str]], list[Path]]:
    """Reminders only to judges with scores missing, saying how many (and that the scores
    were due, when *Scores due* is before ``today``); also the pack files of those judges
    (reminded, or skipped for want of an address)."""
    today = today or dt.date.today()
    source = _template(data, "judge_reminder.txt")
    status = expected_with_status(data)
    if len(status):  # this period's nominations only, like the packs
        scope = set(key(nominations_in_scope(data)["ID"]))
        status = status[key(status["Nomination ID"]).isin(scope)]
    messages, skipped, owing = [], [], []
    for pack, file in made:
        mine = status[key(status["Judge"]) == key_of(pack.judge)] if len(status) else status
        todo = mine[~mine["scored"]] if len(mine) else mine
        if todo.empty:
            continue
        owing.append(file)
        problem = _address_problem(pack)
        if problem:
            skipped.append((pack.judge, problem))
            continue
        context = _context(data, pack) | {
            "missing_text": count_of(len(todo), "score"),  # "1 score", for the subject
            "missing_words": count_in_words(len(todo), "score"),  # "one score", for prose
            "nominations_text": count_in_words(todo["Nomination ID"].nunique(), "nomination"),
            "due_passed": pack.due is not None and pack.due < today,
            # A judge who has sent nothing back has no scores "already given" in the pack.
            "scored_any": len(todo) < len(mine),
        }
        subject, body = _render(source, context)
        messages.append(_message(data, pack, file, subject, body, "judge reminder"))
    return messages, skipped, owing

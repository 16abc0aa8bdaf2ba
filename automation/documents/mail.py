"""Award emails: compose them, save them as drafts (.eml) or send them over SMTP.

Three kinds of message, each from a plain-text template in ``templates/email/``:
``winner.txt`` (winner or runner-up, certificate attached), ``line_manager.txt`` and
``comms_team.txt`` (newsletter article attached). A template's first line is ``Subject: ...``.

Recipients without an email address are skipped and reported as data, never an error: one
missing address must not stop the other messages.
"""

from __future__ import annotations

import copy
import os
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any

from automation.documents.atomic_file import write_file
from automation.documents.certificates import certificate_fields
from automation.documents.citation import citation
from automation.documents.context import Award, Branding
from automation.documents.english import (
    count_in_words,
    first_name,
    join_list,
    mid_sentence,
)
from automation.documents.filenames import unique_stem
from automation.documents.render import (
    DEFAULT_TEMPLATE_DIR,
    clean_text,
    render_text,
    text_environment,
)
from automation.errors import UserError

WINNER = "winner"
LINE_MANAGER = "line manager"
COMMS_TEAM = "comms team"
_TEMPLATE_FILES = {
    WINNER: "winner.txt",
    LINE_MANAGER: "line_manager.txt",
    COMMS_TEAM: "comms_team.txt",
}
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_CONTENT_TYPES = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
}
# Headers that say what a message is, so a reader of the returned data need not parse bodies.
KIND_HEADER = "X-Award-Recipient"
ROLE_HEADER = "X-Award-Role"  # "winner", "runner-up team", "line manager of winner"...
NAME_HEADER = "X-Award-Name"  # who the file is named after (a team, not its members)
_PRIVATE_HEADERS = (KIND_HEADER, ROLE_HEADER, NAME_HEADER)
# Up to this many members are greeted by first name; a bigger team is greeted through its lead.
GREET_BY_NAME_UP_TO = 6
# Drafts keep each header on one line (RFC 5322 allows 998 characters): folded subjects come
# back from some readers with a stray leading space.
_DRAFT_POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class Skipped:
    """A message that was not made, and why (for the user to follow up by hand)."""

    kind: str  # "winner", "line manager" or "comms team"
    name: str
    category: str
    reason: str
    where: str = ""  # where the address belongs: "Staff row 14, column Email"
    # Who they are, when the kind of message says less: "runner-up" for the winner's letter
    # sent to a runner-up, "line manager of the runner-up".
    role: str = ""

    def describe(self) -> str:
        """``No draft for Ann Patel (winner, Hero of the Month): no email address recorded
        (Staff row 14, column Email).``"""
        about = ", ".join(part for part in (self.role or self.kind, self.category) if part)
        where = f" ({self.where})" if self.where else ""
        return f"No draft for {self.name} ({about}): {self.reason}{where}."


@dataclass
class Outbox:
    """The composed messages and the recipients that had to be skipped."""

    messages: list[EmailMessage] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server. The password is never stored: see :func:`send`."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    from_address: str = ""
    timeout_s: float = 30.0


@dataclass(frozen=True)
class Delivery:
    """One message as sent (or as it would be sent in a dry run)."""

    to: list[str]
    subject: str
    attachments: list[str]
    error: str = ""  # empty when the server accepted it


def _valid_address(address: str | None) -> str | None:
    address = (address or "").strip()
    return address if _ADDRESS.match(address) else None


def _missing_reason(address: str | None) -> str:
    return (
        "no email address recorded"
        if not (address or "").strip()
        else (f"{address.strip()!r} is not an email address")
    )


class _Templates:
    """The three email templates, read once."""

    def __init__(self, folder: Path) -> None:
        self._env = text_environment()
        self._sources: dict[str, str] = {}
        for kind, name in _TEMPLATE_FILES.items():
            path = folder / name
            if not path.is_file():
                raise UserError(
                    f"The email template {path} is missing.",
                    hint="Restore it from the project's templates/email folder.",
                )
            self._sources[kind] = path.read_text(encoding="utf-8")

    def render(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str]:
        text = render_text(self._env, self._sources[kind], context)
        first, _, body = text.lstrip("\ufeff").partition("\n")
        if not first.lower().startswith("subject:"):
            raise UserError(
                f"The email template {_TEMPLATE_FILES[kind]} must start with a 'Subject:' line."
            )
        subject = " ".join(first[len("subject:") :].split())  # no line breaks in a header
        body = re.sub(r"\n{3,}", "\n\n", body.strip("\n")) + "\n"
        return subject, body


def _message(
    kind: str,
    to: tuple[str, str] | Sequence[tuple[str, str]],
    subject: str,
    body: str,
    sender: str | None,
    attachments: Sequence[Path],
    *,
    role: str = "",
    name: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    recipients = [to] if isinstance(to, tuple) else list(to)
    message["To"] = ", ".join(formataddr(r) for r in recipients)
    message["Subject"] = subject
    message[KIND_HEADER] = kind
    message[ROLE_HEADER] = role or kind
    message[NAME_HEADER] = recipients[0][0] if name is None else name
    message.set_content(body)
    for path in attachments:
        maintype, subtype = _CONTENT_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def _team_phrase(team: str) -> str:
    """``the Retentions team``; a name that already ends in "team" is not doubled."""
    name = clean_text(team, single_line=True)
    if not name.lower().endswith("team"):
        name += " team"
    return name if name.lower().startswith("the ") else f"the {name}"


def team_recipients(award: Award) -> tuple[list[tuple[str, str]], list[str], str]:
    """Who a team award's email goes to, who has no usable address, and the greeting.

    The members listed on the Staff table are greeted by first name (a large team through its
    lead: "Tom and everyone in the Retentions team"); with no members listed, the lead, and
    with no lead either, the team's own address with "everyone in the ... team".
    """
    members = [(clean_text(n, single_line=True), e) for n, e in award.team_members if n]
    leader = clean_text(award.team_leader or "", single_line=True)
    if not members and leader:
        members = [(leader, award.nominee_email or "")]
    team = _team_phrase(award.nominee)
    if not members:
        address = _valid_address(award.nominee_email)
        to = [(clean_text(award.nominee, single_line=True), address)] if address else []
        return to, ([] if address else [award.nominee]), f"everyone in {team}"
    to = [(n, a) for n, e in members if (a := _valid_address(e))]
    missing = [n for n, e in members if not _valid_address(e)]
    names = [first_name(n) or n for n, _ in members]
    if len(members) == 1 and leader and members[0][0] == leader:
        greeting = f"{names[0]} and everyone in {team}"
    elif len(members) <= GREET_BY_NAME_UP_TO:
        greeting = join_list(names)
    else:
        greeting = (
            f"{first_name(leader) or leader} and everyone in {team}"
            if leader
            else (f"everyone in {team}")
        )
    return to, missing, greeting


def _award_context(award: Award, branding: Branding, today: date | None) -> dict[str, Any]:
    page = certificate_fields(award)
    # A ceremony already held is not announced again as if it were to come.
    coming = award.presented_on is not None and (today is None or award.presented_on >= today)
    return {
        **page,
        "ceremony_to_come": coming,
        "nominee_first_name": first_name(page["nominee"]) or page["nominee"],
        # The templates say "You will receive {{ award_description }}": as inside a sentence.
        "award_description": mid_sentence(
            clean_text(award.award_description, single_line=True).rstrip(".")
        ),
        # "one nomination", not "1 nomination": numbers under ten in words, as in the article.
        "nominations_text": count_in_words(award.nomination_count, "nomination"),
        "nomination_count": award.nomination_count,
        "citation": citation(award),
        "team_phrase": _team_phrase(award.nominee) if award.is_team else "",
        "organisation": branding.organisation,
        "signatory_name": branding.signatory_name,
        "signatory_title": branding.signatory_title,
    }


def compose_emails(
    awards: Sequence[Award],
    branding: Branding,
    *,
    certificates: Mapping[Award, Path] | Iterable[tuple[Award, Path]] = (),
    newsletter: Path | None = None,
    comms_email: str | None = None,
    sender: str | None = None,
    template_dir: Path | None = None,
    today: date | None = None,
    comms_email_at: str = "",
) -> Outbox:
    """Compose every award email.

    For each award (winner or runner-up): one to the nominee (a team award: one to the team's
    members by name), with their certificate attached when ``certificates`` has one for that
    award (e.g. ``CertificateRun.files``; give the PDFs to attach PDFs), and one to their line
    manager. Then one to the comms team listing the winners, with the newsletter attached.
    Recipients without a usable address are returned in ``Outbox.skipped``, with where the
    address belongs (``Award.email_sources``; ``comms_email_at`` for the comms team's). ``today`` decides
    whether the ceremony is still to come (it is only announced then).
    """
    templates = _Templates(Path(template_dir) if template_dir else DEFAULT_TEMPLATE_DIR / "email")
    attached = dict(certificates.items() if isinstance(certificates, Mapping) else certificates)
    outbox = Outbox()
    for award in awards:
        context = _award_context(award, branding, today)
        nominee, category = context["nominee"], context["category"]
        place = "winner" if award.is_winner else "runner-up"
        role = ("winning team" if award.is_winner else "runner-up team") if award.is_team else place
        certificate = attached.get(award)
        context["has_certificate"] = certificate is not None

        if award.is_team:
            to, missing, greeting = team_recipients(award)
            outbox.skipped.extend(
                Skipped(
                    WINNER,
                    name,
                    category,
                    "no email address recorded",
                    award.email_source(name),
                    role=f"member of the {role}",
                )
                for name in missing
            )
        else:
            address = _valid_address(award.nominee_email)
            to = [(nominee, address)] if address else []
            greeting = context["nominee_first_name"]
            if not address:
                outbox.skipped.append(
                    Skipped(
                        WINNER,
                        nominee,
                        category,
                        _missing_reason(award.nominee_email),
                        award.email_source(award.nominee),
                        role=role,
                    )
                )
        if to:
            subject, body = templates.render(WINNER, {**context, "greeting": greeting})
            files = [Path(certificate)] if certificate else []
            outbox.messages.append(
                _message(WINNER, to, subject, body, sender, files, role=role, name=nominee)
            )

        if award.is_team and not award.line_manager:
            continue  # the team's own email reaches its lead; there is no one else to tell
        address = _valid_address(award.line_manager_email)
        if address:
            greeting = first_name(award.line_manager) or "colleague"
            subject, body = templates.render(LINE_MANAGER, {**context, "greeting": greeting})
            manager = clean_text(award.line_manager or "", single_line=True)
            outbox.messages.append(
                _message(
                    LINE_MANAGER,
                    (manager, address),
                    subject,
                    body,
                    sender,
                    [],
                    role=f"line manager of {place}",
                )
            )
        else:
            outbox.skipped.append(
                Skipped(
                    LINE_MANAGER,
                    award.line_manager or f"line manager of {nominee}",
                    category,
                    _missing_reason(award.line_manager_email),
                    award.email_source(award.line_manager or ""),
                    role=f"line manager of the {role}" if award.line_manager else "",
                )
            )

    winners = [award for award in awards if award.is_winner]
    if winners or newsletter:
        address = _valid_address(comms_email)
        if address:
            subject, body = templates.render(
                COMMS_TEAM,
                {
                    "period": winners[0].period if winners else "",
                    "winners": [certificate_fields(award) for award in winners],
                    "has_newsletter": newsletter is not None,
                    "organisation": branding.organisation,
                    "signatory_name": branding.signatory_name,
                    "signatory_title": branding.signatory_title,
                },
            )
            files = [Path(newsletter)] if newsletter else []
            outbox.messages.append(
                _message(
                    COMMS_TEAM,
                    ("Communications team", address),
                    subject,
                    body,
                    sender,
                    files,
                    name="",
                )
            )
        else:
            outbox.skipped.append(
                Skipped(
                    COMMS_TEAM,
                    "communications team",
                    "",
                    _missing_reason(comms_email),
                    comms_email_at,
                )
            )
    return outbox


def write_drafts(messages: Iterable[EmailMessage], out_dir: Path) -> list[Path]:
    """Save each message as a draft ``.eml`` file and return the paths, in message order.

    ``X-Unsent: 1`` makes Outlook open the file as an unsent draft with a Send button;
    Thunderbird opens .eml files too. Names say who the message is for and the place:
    ``001-winner-ann-patel.eml``, ``002-line-manager-of-winner-mark-ellis.eml``,
    ``003-runner-up-tomasz-nowak.eml``, ``009-winning-team-retentions.eml``, ``011-comms-team.eml``.
    """
    out_dir = Path(out_dir)
    messages = list(messages)  # write_file makes the folder: none when there is nothing to save
    taken: set[str] = set()
    paths = []
    for number, message in enumerate(messages, start=1):
        draft = copy.deepcopy(message)
        del draft["X-Unsent"]
        draft["X-Unsent"] = "1"
        name, address = (getaddresses([str(message.get("To", ""))]) or [("", "")])[0]
        if message.get(NAME_HEADER) is not None:
            name = str(message[NAME_HEADER])
        elif not name:
            name = address.partition("@")[0]
        stem = unique_stem([f"{number:03d}", _file_role(message), name], taken)
        # Through a temporary file: a full disk or a kill leaves no half draft to be sent.
        paths.append(
            write_file(out_dir / f"{stem}.eml", draft.as_bytes(policy=_DRAFT_POLICY), "the draft")
        )
    return paths


def _file_role(message: EmailMessage) -> str:
    """The recipient's role and the place, for the draft's file name."""
    return str(message.get(ROLE_HEADER) or message.get(KIND_HEADER) or "email")


def _delivery(message: EmailMessage, error: str = "") -> Delivery:
    headers = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    recipients = [address for _, address in getaddresses(headers) if address]
    return Delivery(
        to=recipients,
        subject=str(message.get("Subject", "")),
        attachments=[part.get_filename() or "" for part in message.iter_attachments()],
        error=error,
    )


def _password(smtp: SmtpSettings, password_env: str) -> str | None:
    if not smtp.user:
        return None
    password = os.environ.get(password_env)
    if not password:
        raise UserError(
            f"The mail server needs a password for {smtp.user}, but the environment variable "
            f"{password_env} is not set.",
            hint=f"Set {password_env} to the password before sending (it is never saved in the "
            "workbook), or save the emails as drafts instead.",
        )
    return password


def send(
    messages: Sequence[EmailMessage],
    smtp: SmtpSettings,
    password_env: str = "AWARDS_SMTP_PASSWORD",
    dry_run: bool = False,
) -> list[Delivery]:
    """Send the messages over one SMTP connection and return what happened to each.

    The password is read only from the environment variable ``password_env`` (needed when
    ``smtp.user`` is set). With ``dry_run`` nothing connects: the return value lists what would
    be sent. A message the server refuses is reported in its ``Delivery.error`` and the rest
    still go; a server that cannot be reached or refuses the login raises UserError.
    """
    if not dry_run:
        password = _password(smtp, password_env)
    outgoing = []
    for message in messages:
        ready = copy.deepcopy(message)
        del ready["X-Unsent"]
        for header in _PRIVATE_HEADERS:
            del ready[header]
        if "From" not in ready:
            if not smtp.from_address:
                raise UserError(
                    "No sender address is set for the award emails.",
                    hint="Fill in the 'from' address in the email settings.",
                )
            ready["From"] = smtp.from_address
        if "Date" not in ready:
            ready["Date"] = formatdate(localtime=True)
        if "Message-ID" not in ready:
            domain = (smtp.from_address or str(ready["From"])).rpartition("@")[2].strip("> ")
            ready["Message-ID"] = make_msgid(domain=domain or None)
        outgoing.append(ready)
    if dry_run:
        return [_delivery(message) for message in outgoing]

    where = f"{smtp.host}:{smtp.port}"
    try:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    except (OSError, smtplib.SMTPException) as exc:
        raise UserError(
            f"Could not connect to the mail server {where}: {exc}.",
            hint="Check the server name and port in the email settings, and your network.",
        ) from exc
    deliveries = []
    with connection:
        try:
            connection.ehlo()
            if smtp.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if smtp.user:
                connection.login(smtp.user, password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise UserError(
                f"The mail server {where} refused the login for {smtp.user}.",
                hint=f"Check the user name and the password in {password_env}.",
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise UserError(
                f"The mail server {where} did not accept the connection: {exc}.",
                hint="Check whether the server needs STARTTLS and the right port (often 587).",
            ) from exc
        for message in outgoing:
            envelope_from = smtp.from_address or None
            try:
                refused = connection.send_message(message, from_addr=envelope_from)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                deliveries.append(_delivery(message, error=str(exc)))
                continue
            error = "; ".join(f"{who}: {reason!r}" for who, reason in refused.items())
            deliveries.append(_delivery(message, error=error))
    return deliveries

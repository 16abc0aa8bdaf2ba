"""Award emails: composing, .eml drafts and sending through a real local SMTP server."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from automation.documents.certificates import write_certificates
from automation.documents.mail import (
    COMMS_TEAM,
    LINE_MANAGER,
    WINNER,
    SmtpSettings,
    compose_emails,
    send,
    write_drafts,
)
from automation.errors import UserError
from tests.documents_sample import AWARDS, BRANDING, HERO, TEAM

COMMS = "comms@northgate.example"


class _Inbox:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535


@pytest.fixture
def auth_server() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_authenticator,
        auth_require_tls=False,  # test only: no certificate for STARTTLS on loopback
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def outbox(tmp_path: Path):
    run = write_certificates(AWARDS, BRANDING, tmp_path / "certs", combined=False, progress=False)
    newsletter = tmp_path / "newsletter.docx"
    newsletter.write_bytes(b"PK fake newsletter")
    return compose_emails(
        AWARDS,
        BRANDING,
        certificates=run.files,
        newsletter=newsletter,
        comms_email=COMMS,
        sender="Northgate Awards <awards@northgate.example>",
    )


def test_one_message_per_recipient_and_missing_addresses_reported(outbox) -> None:
    kinds = [str(m["X-Award-Recipient"]) for m in outbox.messages]
    # 5 awards: 4 nominees with addresses, 4 managers with addresses, and the comms team.
    assert kinds.count(WINNER) == 4 and kinds.count(LINE_MANAGER) == 4
    assert kinds.count(COMMS_TEAM) == 1
    assert [(s.kind, s.name, s.reason) for s in outbox.skipped] == [
        (WINNER, "Jordan Hughes", "no email address recorded"),
        (LINE_MANAGER, "line manager of Leah O'Brien", "no email address recorded"),
    ]


def test_invalid_address_is_skipped_not_sent(tmp_path: Path) -> None:
    import dataclasses

    award = dataclasses.replace(HERO, nominee_email="ann at northgate", line_manager_email=None)
    composed = compose_emails([award], BRANDING)
    assert composed.messages == []
    assert composed.skipped[0].reason == "'ann at northgate' is not an email address"
    assert composed.skipped[-1].kind == COMMS_TEAM  # no comms address given


def test_winner_email_wording_and_attachment(outbox) -> None:
    message = outbox.messages[0]
    assert message["To"] == "Ann Patel <ann.patel@northgate.example>"
    assert message["Subject"] == (
        "Congratulations: you have won Customer Hero of the Month (October 2026)"
    )
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Dear Ann,\n\nI am delighted to tell you that you have won")
    assert "You received three nominations. The citation on your certificate reads:" in body
    assert "presented by Priya Shah on 23 November 2026" in body
    assert [a.get_filename() for a in message.iter_attachments()] == [
        "customer-hero-of-the-month-ann-patel.docx"
    ]


def test_runner_up_and_team_wording(outbox) -> None:
    by_to = {str(m["To"]): m for m in outbox.messages}
    runner_up = by_to["Tomasz Nowak <tomasz.nowak@northgate.example>"]
    assert runner_up["Subject"] == "Highly commended: Customer Hero of the Month (October 2026)"
    body = runner_up.get_body(("plain",)).get_content()
    assert "will receive" not in body  # the prize is the winner's, not promised to runners-up
    team = by_to["Complaints Resolution Team <complaints.team@northgate.example>"]
    assert team["Subject"].startswith("Congratulations: your team has won Team of the Quarter")
    # A team is never greeted as if it were a person.
    assert (
        team.get_body().get_content().startswith("Dear everyone in the Complaints Resolution Team,")
    )


def test_runner_up_is_told_of_a_commendation_not_a_prize() -> None:
    import dataclasses
    import datetime as dt

    runner_up = dataclasses.replace(
        HERO, place=2, presented_by="Priya Shah", presented_on=dt.date(2026, 11, 23)
    )
    (message, *_) = compose_emails([runner_up], BRANDING).messages
    body = message.get_body(("plain",)).get_content()
    assert "The commendation will be presented by Priya Shah on 23 November 2026." in body
    assert "will receive" not in body


def test_comms_email_lists_winners_with_newsletter(outbox) -> None:
    comms = outbox.messages[-1]
    body = comms.get_body().get_content()
    assert "- Customer Hero of the Month: Ann Patel (Billing · Leeds)" in body
    assert "Tomasz" not in body  # runners-up are not announced
    assert [a.get_filename() for a in comms.iter_attachments()] == ["newsletter.docx"]


def test_drafts_parse_back_with_x_unsent(outbox, tmp_path: Path) -> None:
    paths = write_drafts(outbox.messages, tmp_path / "drafts")
    assert len(paths) == len(outbox.messages)
    # Named by the recipient's role and the place: a runner-up is never filed as a winner.
    assert [p.name for p in paths] == [
        "001-winner-ann-patel.eml",
        "002-line-manager-of-winner-mark-ellis.eml",
        "003-runner-up-tomasz-nowak.eml",
        "004-line-manager-of-runner-up-grace-okafor.eml",
        "005-line-manager-of-winner-grace-okafor.eml",
        "006-winning-team-complaints-resolution-team.eml",
        "007-line-manager-of-winner-mark-ellis.eml",
        "008-winner-leah-o-brien.eml",
        "009-comms-team.eml",
    ]
    for path, original in zip(paths, outbox.messages, strict=True):
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert parsed["X-Unsent"] == "1"
        assert parsed["Subject"] == original["Subject"]
        assert parsed["To"] == original["To"]
    first = email.message_from_bytes(paths[0].read_bytes(), policy=policy.default)
    attachment = next(first.iter_attachments())
    assert attachment.get_content().startswith(b"PK")  # the .docx survives the round trip
    assert "X-Unsent" not in outbox.messages[0]  # drafts are copies


def test_send_through_local_smtp_server(outbox, smtp_server) -> None:
    inbox, port = smtp_server
    settings = SmtpSettings(
        "127.0.0.1", port, starttls=False, from_address="awards@northgate.example"
    )
    deliveries = send(outbox.messages, settings)
    assert all(d.error == "" for d in deliveries)
    assert len(inbox.received) == len(outbox.messages)
    recipients = [rcpt for rcpts, _ in inbox.received for rcpt in rcpts]
    assert "ann.patel@northgate.example" in recipients and COMMS in recipients
    subjects = {str(m["Subject"]) for _, m in inbox.received}
    assert "Ann Patel has won Customer Hero of the Month (October 2026)" in subjects
    ann = next(m for rcpts, m in inbox.received if rcpts == ["ann.patel@northgate.example"])
    assert [a.get_filename() for a in ann.iter_attachments()] == [
        "customer-hero-of-the-month-ann-patel.docx"
    ]
    assert "X-Unsent" not in ann and "X-Award-Recipient" not in ann
    assert ann["Message-ID"] and ann["Date"]
    comms = next(m for rcpts, m in inbox.received if rcpts == [COMMS])
    assert [a.get_filename() for a in comms.iter_attachments()] == ["newsletter.docx"]


def test_login_uses_password_from_environment(
    outbox, auth_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = auth_server
    settings = SmtpSettings(
        "127.0.0.1", port, starttls=False, user="awards", from_address="awards@northgate.example"
    )
    monkeypatch.setenv("AWARDS_SMTP_PASSWORD", "s3cret")
    send(outbox.messages[:1], settings)
    assert len(inbox.received) == 1
    monkeypatch.setenv("AWARDS_SMTP_PASSWORD", "wrong")
    with pytest.raises(UserError, match="refused the login"):
        send(outbox.messages[:1], settings)


def test_missing_password_variable_is_named(outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWARDS_SMTP_PASSWORD", raising=False)
    settings = SmtpSettings("127.0.0.1", 1, user="awards", from_address="a@northgate.example")
    with pytest.raises(UserError, match="AWARDS_SMTP_PASSWORD"):
        send(outbox.messages, settings)


def test_dry_run_connects_to_nothing(outbox) -> None:
    settings = SmtpSettings("mail.invalid", 1, user="awards", from_address="a@northgate.example")
    deliveries = send(outbox.messages, settings, dry_run=True)  # no password needed either
    assert len(deliveries) == len(outbox.messages)
    assert deliveries[0].to == ["ann.patel@northgate.example"]
    assert deliveries[0].attachments == ["customer-hero-of-the-month-ann-patel.docx"]


def test_unreachable_server_is_a_user_error(outbox) -> None:
    settings = SmtpSettings("127.0.0.1", _free_port(), starttls=False, from_address="a@b.example")
    with pytest.raises(UserError, match="Could not connect"):
        send(outbox.messages[:1], settings)


def test_team_award_sent_to_team_address(tmp_path: Path) -> None:
    composed = compose_emails([TEAM], BRANDING, comms_email=COMMS)
    assert str(composed.messages[0]["To"]).endswith("<complaints.team@northgate.example>")


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_line_manager_of_runner_up_is_told_what_a_commendation_is() -> None:
    import dataclasses
    import datetime as dt

    runner_up = dataclasses.replace(
        HERO, place=2, presented_by="Priya Shah", presented_on=dt.date(2026, 11, 23)
    )
    messages = compose_emails([runner_up], BRANDING, today=dt.date(2026, 11, 1)).messages
    manager = next(m for m in messages if m["X-Award-Recipient"] == LINE_MANAGER)
    body = _body(manager)
    assert "certificate of commendation, not the award itself" in body
    assert "close second" not in body
    assert "award will be presented" not in body and "can be there" not in body


def test_ceremony_is_announced_only_while_it_is_to_come() -> None:
    import datetime as dt

    before = compose_emails([HERO], BRANDING, today=dt.date(2026, 11, 1)).messages
    after = compose_emails([HERO], BRANDING, today=dt.date(2026, 12, 1)).messages
    assert all("23 November 2026" in _body(m) for m in before)
    assert not any("will be presented" in _body(m) for m in after)
    assert not any("can be there" in _body(m) for m in after)


def test_team_email_greets_members_by_name_from_staff() -> None:
    import dataclasses

    team = dataclasses.replace(
        TEAM,
        team_leader="Tom Harris",
        team_members=(
            ("Tom Harris", "tom.harris@northgate.example"),
            ("Aisha Khan", "aisha.khan@northgate.example"),
            ("Ben Lowe", ""),
        ),
        line_manager=None,
        line_manager_email=None,
    )
    composed = compose_emails([team], BRANDING)
    (message,) = composed.messages
    assert _body(message).startswith("Dear Tom, Aisha and Ben,")
    assert "Tom Harris <tom.harris@northgate.example>" in str(message["To"])
    assert "aisha.khan@northgate.example" in str(message["To"])
    assert [(s.kind, s.name) for s in composed.skipped][0] == (WINNER, "Ben Lowe")
    big = dataclasses.replace(
        team, team_members=tuple((f"Person {i}", f"p{i}@northgate.example") for i in range(9))
    )
    (message,) = compose_emails([big], BRANDING).messages
    assert _body(message).startswith("Dear Tom and everyone in the Complaints Resolution Team,")


def test_a_skipped_recipient_says_where_the_address_belongs() -> None:
    import dataclasses

    award = dataclasses.replace(
        HERO,
        nominee_email=None,
        line_manager_email="mark at northgate",
        email_sources=(
            ("Ann Patel", "Staff row 14, column Email"),
            ("Mark Ellis", "Staff row 20, column Email"),
        ),
    )
    composed = compose_emails([award], BRANDING, comms_email_at="Settings, Comms team email")
    assert [s.where for s in composed.skipped] == [
        "Staff row 14, column Email",
        "Staff row 20, column Email",
        "Settings, Comms team email",
    ]
    assert composed.skipped[0].describe() == (
        "No draft for Ann Patel (winner, Customer Hero of the Month): no email address "
        "recorded (Staff row 14, column Email)."
    )
    assert (
        composed.skipped[1]
        .describe()
        .startswith(
            "No draft for Mark Ellis (line manager of the winner, Customer Hero of the Month): "
        )
    )
    # A runner-up is named as one, not as a winner (the letter they get is the winner's kind).
    second = compose_emails([dataclasses.replace(award, place=2)], BRANDING).skipped
    assert [s.describe().split(":")[0] for s in second[:2]] == [
        "No draft for Ann Patel (runner-up, Customer Hero of the Month)",
        "No draft for Mark Ellis (line manager of the runner-up, Customer Hero of the Month)",
    ]


def test_a_prize_typed_with_a_capital_reads_inside_the_sentence() -> None:
    import dataclasses

    award = dataclasses.replace(HERO, award_description="A framed certificate and a £50 voucher.")
    (message, *_) = compose_emails([award], BRANDING).messages
    assert "You will receive a framed certificate and a £50 voucher." in _body(message)

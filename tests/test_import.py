"""awards import: Microsoft Forms and Google Forms exports into the Nominations table."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from automation import cli, import_job
from automation.errors import UserError
from automation.import_job import import_workbook, read_export
from automation.importer import map_headers, next_ids, parse_mapping, parse_received, yes_no
from automation.io.read import read_workbook
from automation.validate import validate

FORMS = Path(__file__).parent / "fixtures" / "forms"
MS = FORMS / "microsoft_forms_export.xlsx"
GOOGLE = FORMS / "google_forms_export.csv"
NOW = dt.datetime(2026, 10, 20, 9, 0)
# An export whose questions the tool cannot map by itself, and the mapping that fits it.
CUSTOM_HEADER = "Timestamp,Who should win?,Award,Story,Your name"
CUSTOM_MAP = "Who should win?=Nominee; Award=Category; Story=Evidence"


def _custom_export(path: Path, *responses: str) -> Path:
    path.write_text("\n".join([CUSTOM_HEADER, *responses]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def workbook(built_example: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(built_example, tmp_path / "awards.xlsx"))


def test_microsoft_forms_export(workbook):
    before = read_workbook(workbook)
    out = import_workbook(workbook, MS, now=NOW, user="test")
    reasons = {s.row: s.reason for s in out.plan.skipped}
    assert reasons == {4: "bad date", 5: "duplicate", 7: "unknown category"}
    data = read_workbook(workbook)
    new = data["Nominations"].iloc[len(before["Nominations"]) :]
    assert list(new["Response ID"]) == ["1", "2", "5", "7"]
    assert list(new["ID"]) == ["N-0061", "N-0062", "N-0063", "N-0064"]
    first = new.iloc[0]
    assert first["Nominee"] == "Aoife Byrne" and first["Period"] == "Q4 2026"
    assert first["Team"] and first["Site"]  # filled in from Staff and Teams
    assert first["Nominator"] == "Rita Shaw" and first["Nominator type"] == "customer"
    assert first["Nominator contact"] == "r.shaw@example.com"
    assert first["Received"] == pd.Timestamp(2026, 10, 6)
    assert bool(first["Consent to publish"]) and first["Consent date"] == pd.Timestamp(2026, 10, 6)
    assert not bool(new.iloc[1]["Consent to publish"])  # "No thanks"
    assert new.iloc[3]["Nominee"] == "Retentions"  # a team, matched whatever its case
    # Each response to check is named by its export row and the ID it was given.
    assert out.plan.notes == [
        "row 3 (N-0062): Megan Elis is not on the Staff list; did you mean Megan Ellis?",
        "row 6 (N-0063): Zed Unknown is not on the Staff list",
    ]
    assert out.lines[4] == import_job.SKIPPED_FIX and out.lines[7] == import_job.CHECK_FIX
    assert "the date 'not recorded' in column 'Completion time' cannot be read" in out.lines[1]
    assert data["Audit"]["Action"].iloc[-1] == "import"
    # Imported rows are ordinary nominations: the unknown nominee is flagged as usual.
    found = {(i.code, i.value): i for i in validate(data, today=dt.date(2026, 10, 20))}
    assert found["unknown-nominee", "Megan Elis"].message == (
        "Megan Elis is not on the Staff list; did you mean Megan Ellis?"
    )
    assert (
        found["unknown-nominee", "Zed Unknown"].message == "Zed Unknown is not on the Staff list."
    )


def test_importing_the_same_export_twice_adds_nothing(workbook):
    import_workbook(workbook, MS)
    again = import_workbook(workbook, MS)
    assert again.plan.added.empty
    assert {s.reason for s in again.plan.skipped} >= {"already imported"}
    # Every response is accounted for: nothing lost.
    assert len(again.plan.skipped) == len(read_export(MS))
    # Nothing to save: the workbook is left as it was, with no backup of it.
    before = workbook.read_bytes()
    backups = sorted((workbook.parent / "backups").iterdir())
    third = import_workbook(workbook, MS)
    assert third.written is None and workbook.read_bytes() == before
    assert sorted((workbook.parent / "backups").iterdir()) == backups
    assert third.lines[-1] == f"Nothing new to add, so {workbook.name} was not changed."


def test_google_forms_csv(workbook):
    out = import_workbook(workbook, GOOGLE)
    reasons = {s.row: s.reason for s in out.plan.skipped}
    assert reasons == {4: "bad date", 5: "duplicate"}
    data = read_workbook(workbook)
    new = data["Nominations"][data["Nominations"]["Period"] == "Q4 2026"]
    assert list(new["Nominator"]) == ["Jo Hale", "Kai Ng", "Mo Ray"]
    assert list(new["Received"]) == [
        pd.Timestamp(2026, 10, 14),
        pd.Timestamp(2026, 10, 15),
        pd.Timestamp(2026, 11, 2),
    ]
    assert list(new["Nominator type"]) == ["customer", "customer", "colleague"]
    assert [bool(c) for c in new["Consent to publish"]] == [True, False, True]
    assert any("did you mean Isaac Clarke" in n for n in out.plan.notes)


def test_a_mapping_given_once_is_saved_for_the_next_import(workbook, tmp_path):
    export = _custom_export(
        tmp_path / "custom.csv",
        "14/10/2026 09:00:00,Luca Rossi,Customer Hero,Calm on a hard call.,Bo Yu",
    )
    with pytest.raises(UserError, match="Nominee"):
        import_workbook(workbook, export, source="colleague")
    given = parse_mapping(CUSTOM_MAP)
    out = import_workbook(workbook, export, given=given, source="colleague")
    assert len(out.plan.added) == 1
    data = read_workbook(workbook)
    assert "Who should win?=Nominee" in str(data.setting("import_mapping"))
    _custom_export(export, "15/10/2026 10:00:00,Aoife Byrne,Customer Hero,Kind to everyone.,Bo Yu")
    second = import_workbook(workbook, export, source="colleague")  # no --map this time
    assert list(second.plan.added["Nominee"]) == ["Aoife Byrne"]


def test_cli_import_dry_run_lists_every_skipped_row(workbook, capsys):
    assert cli.main(["import", str(workbook), str(MS), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "skipped row 4 (bad date)" in text and "skipped row 7 (unknown category)" in text
    assert read_workbook(workbook)["Nominations"]["Response ID"].isna().all()
    # Nothing was written, so nothing is said to be "added".
    assert "would be added" in text and " added," not in text.replace("would be added,", "")


def test_cli_bad_mapping_is_a_plain_message(workbook, capsys):
    assert cli.main(["import", str(workbook), str(MS), "--map", "Question=Shoe size"]) == 2
    assert "Shoe size" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/10/14 9:05:11 AM GMT+1", dt.date(2026, 10, 14)),
        ("2026/11/02 8:15:00 pm GMT", dt.date(2026, 11, 2)),
        ("03/11/2026 14:05:33", dt.date(2026, 11, 3)),
        ("2026-11-03T14:05:33", dt.date(2026, 11, 3)),
        (dt.datetime(2026, 10, 6, 9, 7), dt.date(2026, 10, 6)),
        ("not recorded", None),
        ("", None),
    ],
)
def test_response_dates(text, expected):
    got = parse_received(text)
    assert (got.date() if got is not None else None) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Yes", True),
        ("Yes, you may publish my words", True),
        ("I agree", True),
        ("No", False),
        ("No thanks", False),
        ("Do not publish", False),
        ("Maybe", None),
        ("", None),
    ],
)
def test_consent_answers(answer, expected):
    assert yes_no(answer) is expected


def test_ids_follow_the_existing_style():
    assert next_ids(["N-0041", "N-0042", "N-CAL1"], 2) == ["N-0043", "N-0044"]
    assert next_ids([], 1) == ["N-0001"]


def test_headers_the_services_write_are_mapped_without_help():
    ms = ["ID", "Start time", "Completion time", "Email", "Name", "Nominee", "Category", "Evidence"]
    mapping = map_headers(ms)
    assert mapping["id"] == "Response ID" and mapping["completion time"] == "Received"
    assert "start time" not in mapping
    google = ["Timestamp", "Email Address", "Nominee", "Category", "Evidence", "Nominator"]
    assert map_headers(google)["timestamp"] == "Received"


def test_first_import_asks_for_a_column_it_cannot_place():
    headers = ["Timestamp", "Pick one", "Award", "Why?", "Your name"]
    asked = []

    def ask(target, free):
        asked.append((target, list(free)))
        return {"Category": "Award", "Nominee": "Pick one", "Evidence": "Why?"}.get(target)

    mapping = map_headers(headers, ask=ask)
    assert [t for t, _ in asked] == ["Category", "Nominee", "Evidence"]
    assert "Timestamp" not in asked[0][1]  # already mapped, so not offered
    assert mapping["pick one"] == "Nominee" and mapping["why?"] == "Evidence"
    with pytest.raises(UserError, match="Category"):
        map_headers(headers, ask=lambda target, free: None)


def test_us_month_first_dates_are_recognised_from_the_column(workbook, tmp_path):
    export = tmp_path / "us.csv"
    export.write_text(
        "Timestamp;Nominee;Category;Evidence;Your name\n"
        "10/14/2026 9:00:00;Luca Rossi;Customer Hero;Calm on a hard call.;Bo Yu\n"
        "11/2/2026 9:00:00;Aoife Byrne;Customer Hero;Kind to everyone.;Bo Yu\n",
        encoding="utf-8",
    )
    out = import_workbook(workbook, export, source="customer", dry_run=True)
    assert list(out.plan.added["Received"]) == [
        pd.Timestamp(2026, 10, 14),
        pd.Timestamp(2026, 11, 2),  # 2 November, not 11 February
    ]


def test_a_skipped_response_gets_no_note_to_check(workbook, tmp_path):
    # An unknown name on a response skipped for another reason (here: no evidence) is not
    # worth checking: nothing of it was added.
    export = _custom_export(
        tmp_path / "export.csv", "15/10/2026 10:00:00,Nobody Known,Customer Hero,,Bo Yu"
    )
    mapping = parse_mapping(CUSTOM_MAP)
    out = import_workbook(workbook, export, given=mapping, source="colleague", dry_run=True)
    assert [s.reason for s in out.plan.skipped] == ["no evidence"] and out.plan.notes == []
    assert import_job.CHECK_FIX not in out.lines


def test_no_spelling_guess_against_a_long_staff_list(workbook, monkeypatch):
    """Each guess compares a name with the whole list: past the limit, none is offered."""
    from automation.validate import nominations

    import_workbook(workbook, MS)
    monkeypatch.setattr(nominations, "SPELLING_LIST", 3)
    data = read_workbook(workbook)
    found = {(i.code, i.value): i for i in validate(data, today=dt.date(2026, 10, 20))}
    assert found["unknown-nominee", "Megan Elis"].message == "Megan Elis is not on the Staff list."


def test_a_nomination_that_cannot_win_is_added_with_a_note_saying_why(workbook, tmp_path):
    """Grace Adeyemi won Customer Hero in Q2 2026 (cool-off 2 periods) and Marcus Bell
    judges: both nominations are kept as they came, each with what to do, matching the
    errors validation will report."""
    export = _custom_export(
        tmp_path / "export.csv",
        "15/08/2026 10:00:00,Grace Adeyemi,Customer Hero,Stayed late to fix a fault.,Bo Yu",
        "16/08/2026 10:00:00,Marcus Bell,Customer Hero,Coached the new starters.,Bo Yu",
        "17/08/2026 10:00:00,Luca Rossi,Customer Hero,Calm on a hard call.,Bo Yu",
    )
    mapping = parse_mapping(CUSTOM_MAP)
    out = import_workbook(workbook, export, given=mapping, source="colleague")
    assert len(out.plan.added) == 3
    ids = list(out.plan.added["ID"])
    assert out.plan.notes == [
        f"row 2 ({ids[0]}): Grace Adeyemi won Customer Hero too recently to win it again in "
        "Q3 2026 (cool-off): thank the nominator and withdraw it, or validation reports it as "
        "an error",
        f"row 3 ({ids[1]}): Marcus Bell is on the judging panel: replace them as a judge for "
        "this period or withdraw the nomination, or validation reports it as an error",
    ]
    found = {(i.code, i.value) for i in validate(read_workbook(workbook)) if i.severity == "error"}
    assert ("repeat-winner", "Grace Adeyemi") in found
    assert ("nominee-is-judge", "Marcus Bell") in found


def test_nominations_for_the_next_period_wait_for_it(workbook):
    """The Google export's responses fall in Q4 2026 while Q3 2026 is being judged: the
    import says so, and validation does not ask the Q3 judges to score them."""
    out = import_workbook(workbook, GOOGLE)
    assert (
        "All 3 nominations added are for Q4 2026, not the current period (Q3 2026): they are "
        "judged and scored once that period starts (awards new-period)."
    ) in out.lines
    new = set(out.plan.added["ID"])
    found = validate(read_workbook(workbook))
    assert not [
        i
        for i in found
        if i.code in ("missing-score", "judge-not-started") and any(n in i.message for n in new)
    ]
    # Once Q4 2026 is the current period, they are expected like any other.
    from automation.io.patch import write_changes
    from automation.period_job import setting_edit

    edit = {"Settings": setting_edit(read_workbook(workbook), {"current_period": "Q4 2026"})}
    write_changes(workbook, edit, backup=False)
    found = validate(read_workbook(workbook))
    assert [i for i in found if i.code in ("missing-score", "judge-not-started")]


def test_a_response_for_a_closed_period_is_skipped_saying_why(workbook, tmp_path):
    """Q2 2026 is closed on the example's Periods sheet: a response dated in it came too
    late for its judging, so it is not added where the Q3 judges would be asked to score it."""
    export = _custom_export(
        tmp_path / "export.csv",
        "15/05/2026 10:00:00,Luca Rossi,Customer Hero,Calm on a hard call.,Bo Yu",
        "17/08/2026 10:00:00,Luca Rossi,Customer Hero,Calm on another hard call.,Bo Yu",
    )
    out = import_workbook(workbook, export, given=parse_mapping(CUSTOM_MAP), source="colleague")
    assert list(out.plan.added["Period"]) == ["Q3 2026"]
    (skipped,) = out.plan.skipped
    assert (skipped.row, skipped.reason) == (2, "period closed")
    assert skipped.detail == (
        "received 15/05/2026, for Q2 2026, which is closed: its judging is over"
    )
    assert (
        "A response for a closed period came in too late for its judging: thank the nominator, "
        "or, to have one judged in Q3 2026, type it on the Nominations sheet with Period Q3 2026 "
        "and the date you accept it as Received."
    ) in out.lines
    assert not any(n["Period"] == "Q2 2026" for n in read_workbook(workbook)["Nominations"]
                   .to_dict("records"))  # fmt: skip


def _withdraw(path: Path, response: str) -> str:
    """Clear the cells of the nomination imported from ``response``, as the tool tells a
    manager to withdraw one; its ID."""
    wb = load_workbook(path)
    ws = wb["Nominations"]
    table = ws.tables["Nominations"]
    first, last = (ws[corner].row for corner in table.ref.split(":"))
    header = [c.value for c in next(ws.iter_rows(min_row=first, max_row=first))]
    rid, nid = header.index("Response ID"), header.index("ID")
    for row in ws.iter_rows(min_row=first + 1, max_row=last):
        if str(row[rid].value) == response:
            found = row[nid].value
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    cell.value = None
            wb.save(path)
            return found
    raise AssertionError(f"no nomination from response {response}")


def test_a_withdrawn_response_is_not_imported_again(workbook):
    import_workbook(workbook, MS, now=NOW)
    gone = _withdraw(workbook, "2")
    assert "2" not in set(read_workbook(workbook)["Nominations"]["Response ID"].dropna())
    # The form's next download holds every response so far, the withdrawn one too.
    again = import_workbook(workbook, MS, now=NOW)
    assert again.plan.added.empty
    (withdrawn,) = [s for s in again.plan.skipped if s.reason == "withdrawn"]
    assert withdrawn.row == 3 and withdrawn.detail == (
        f"response 2 was imported before (as {gone}) and is no longer on the Nominations sheet"
    )
    assert import_job.WITHDRAWN_FIX in again.lines
    data = read_workbook(workbook)
    assert "2" not in set(data["Nominations"]["Response ID"].dropna())
    # The memory is digests only, one per response imported, each with its nomination.
    held = data["ImportedResponses"]
    assert len(held) == 4 and held["Response digest"].str.fullmatch("[0-9a-f]{64}").all()
    assert gone in set(held["Nomination ID"])
    assert set(held["First seen (UTC)"]) == {"2026-10-20 09:00:00 UTC"}


def test_google_responses_get_an_id_without_the_email(workbook):
    import_workbook(workbook, GOOGLE)
    data = read_workbook(workbook)
    ids = data["Nominations"]["Response ID"].dropna()
    assert len(ids) == 3 and ids.str.fullmatch("G-[0-9A-F]{10}").all()
    assert not data["Nominations"]["Response ID"].str.contains("@").any()
    assert import_workbook(workbook, GOOGLE).plan.added.empty


def test_an_import_into_a_workbook_without_the_tool_data_sheet(workbook):
    wb = load_workbook(workbook)
    del wb["Tool data"]
    wb.save(workbook)
    out = import_workbook(workbook, MS, now=NOW)
    assert len(out.plan.added) == 4
    data = read_workbook(workbook)
    assert {"AuditSeal", "LockState", "LockRows", "ImportedResponses"} <= set(data.places)
    assert len(data["ImportedResponses"]) == 4
    assert load_workbook(workbook, read_only=True)["Tool data"].sheet_state == "veryHidden"


def test_response_ids_typed_in_before_are_remembered_at_the_next_save(workbook, today):
    from automation.pipeline import check_workbook

    wb = load_workbook(workbook)
    ws = wb["Nominations"]
    header = [c.value for c in next(ws.iter_rows(min_row=5, max_row=5))]
    ws.cell(row=6, column=header.index("Response ID") + 1).value = "2"
    wb.save(workbook)
    check_workbook(workbook, write=True, today=today)
    held = read_workbook(workbook)["ImportedResponses"]
    assert len(held) == 1 and held["Nomination ID"].tolist() == ["N-0001"]
    # ...so withdrawing that nomination before the next import keeps response 2 out.
    _withdraw(workbook, "2")
    out = import_workbook(workbook, MS, now=NOW)
    assert {s.row: s.reason for s in out.plan.skipped}[3] == "withdrawn"


def test_a_withdrawn_nomination_does_not_come_back_as_its_nominators_second_response(workbook):
    # The Google export has Jo Hale nominating Jordan Foster twice (rows 2 and 5): the second
    # is a duplicate of the first. Once the first is withdrawn, the second stays out too.
    import_workbook(workbook, GOOGLE)
    data = read_workbook(workbook)
    noms = data["Nominations"]
    first = noms.loc[noms["Nominee"] == "Jordan Foster", "Response ID"].dropna().iloc[0]
    gone = _withdraw(workbook, first)
    again = import_workbook(workbook, GOOGLE)
    assert again.plan.added.empty
    reasons = {s.row: (s.reason, s.detail) for s in again.plan.skipped}
    assert reasons[2][0] == "withdrawn"
    assert reasons[5] == (
        "duplicate",
        f"Jo Hale already nominated Jordan Foster for Customers' Choice in Q4 2026 "
        f"({gone}, withdrawn)",
    )


def test_a_withdrawn_nominations_id_is_never_given_again(workbook):
    """Clearing the highest-numbered nomination freed its ID: the next import gave it to a
    new nomination, which took over the old one's scores."""
    assert "N-0060" in set(read_workbook(workbook)["Scores"]["Nomination ID"].dropna())
    wb = load_workbook(workbook)
    for row in wb["Nominations"].iter_rows(min_row=6):
        if row[0].value == "N-0060":
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    cell.value = None
    wb.save(workbook)
    out = import_workbook(workbook, MS, now=NOW)
    assert list(out.plan.added["ID"]) == ["N-0061", "N-0062", "N-0063", "N-0064"]
    # Withdrawing the highest imported one keeps its ID out of the next import too.
    _withdraw(workbook, "7")
    again = import_workbook(workbook, GOOGLE, now=NOW)
    assert list(again.plan.added["ID"]) == ["N-0065", "N-0066", "N-0067"]


def _google_times_as(path: Path, time_format: str) -> Path:
    """The Google export with its times written in ``time_format``, as the linked sheet or
    Excel writes them ("%d/%m/%Y %H:%M:%S"; "%d/%m/%Y %H:%M" once Excel saved it)."""
    from automation.importer import response_time

    lines = GOOGLE.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        stamp, rest = line.split(",", 1)
        when = response_time(stamp)
        out.append(f"{when:{time_format}},{rest}" if when is not None else line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _google_ids_as_an_older_version_wrote_them(path: Path) -> None:
    """Response IDs as 'timestamp|email' and nothing remembered, as before ImportedResponses."""
    export = read_export(GOOGLE)
    legacy: dict[tuple[str, str], str] = {}
    for r in export.to_dict("records"):  # the first response of each pair was imported
        who = (str(r["Who are you nominating?"]), str(r["Your name"]))
        legacy.setdefault(who, f"{r['Timestamp']}|{r['Email Address']}")
    wb = load_workbook(path)
    ws = wb["Nominations"]
    header = [c.value for c in next(ws.iter_rows(min_row=5, max_row=5))]
    rid, who, by = (header.index(c) for c in ("Response ID", "Nominee", "Nominator"))
    for row in ws.iter_rows(min_row=6):
        if str(row[rid].value or "").startswith("G-"):
            row[rid].value = legacy[(row[who].value, row[by].value)]
    tool = wb["Tool data"]
    first, last = (tool[c].row for c in tool.tables["ImportedResponses"].ref.split(":"))
    for row in tool.iter_rows(min_row=first + 1, max_row=last):
        for cell in row:
            cell.value = None
    wb.save(path)


def test_an_older_versions_google_ids_still_keep_a_withdrawn_response_out(workbook, today):
    from automation.pipeline import check_workbook

    import_workbook(workbook, GOOGLE)
    _google_ids_as_an_older_version_wrote_them(workbook)
    assert read_workbook(workbook)["ImportedResponses"].empty
    check_workbook(workbook, write=True, today=today)  # remembers the IDs on the sheet
    _withdraw(workbook, "2026/10/15 3:41:52 PM GMT+1|k.ng@example.com")
    again = import_workbook(workbook, GOOGLE)
    assert again.plan.added.empty
    assert {s.row: s.reason for s in again.plan.skipped}[3] == "withdrawn"


@pytest.mark.parametrize(
    "time_format",
    [
        "%d/%m/%Y %H:%M:%S",  # the linked Google Sheet, or a CSV saved again in Excel
        "%d/%m/%Y %H:%M",  # Excel saves a CSV's times without their seconds
    ],
)
def test_a_google_response_is_known_however_its_timestamp_is_written(
    workbook, tmp_path, time_format
):
    """'14/10/2026 09:05:11' (or '14/10/2026 09:05') for '2026/10/14 9:05:11 AM GMT+1' is
    the same response, which must not come back."""
    import_workbook(workbook, GOOGLE)
    first = read_workbook(workbook)["Nominations"]
    _withdraw(workbook, first.loc[first["Nominee"] == "Isaac Clark", "Response ID"].iloc[0])
    resaved = _google_times_as(tmp_path / "resaved.csv", time_format)
    again = import_workbook(workbook, resaved)
    assert again.plan.added.empty
    assert {s.row: s.reason for s in again.plan.skipped} == {
        2: "already imported",
        3: "withdrawn",
        4: "bad date",
        5: "duplicate",
        6: "already imported",
    }
    assert import_job.SKIPPED_FIX in again.lines  # the bad date can be corrected in the export


def test_only_skips_the_export_can_fix_get_the_advice_to_correct_it(workbook):
    import_workbook(workbook, MS)
    again = import_workbook(workbook, MS)
    assert {s.reason for s in again.plan.skipped} >= {"already imported", "duplicate"}
    assert "already nomination N-0061" in " ".join(s.detail for s in again.plan.skipped)
    # The bad date and unknown category of the first import are skipped again, and fixable.
    assert import_job.SKIPPED_FIX in again.lines
    only_done = import_job.NOT_FIXED_IN_THE_EXPORT
    assert "already imported" in only_done and "bad date" not in only_done


def test_a_response_for_a_period_not_run_is_skipped(workbook, today):
    wb = load_workbook(workbook)
    for row in wb["Periods"].iter_rows(min_row=6, max_row=20):
        if row[0].value == "Q4 2026":
            row[4].value = "not run"
    wb.save(workbook)
    out = import_workbook(workbook, GOOGLE)
    assert out.plan.added.empty
    assert {s.reason for s in out.plan.skipped} >= {"period not run"}
    assert any(
        line.startswith("A response for a period not run has no judging") for line in out.lines
    )
    # A nomination typed in for it anyway is a warning: it will not be judged.
    wb = load_workbook(workbook)
    ws = wb["Nominations"]
    ws.cell(row=6, column=2).value = "Q4 2026"
    wb.save(workbook)
    found = [
        i
        for i in validate(read_workbook(workbook), today=today)
        if i.code == "nomination-in-period-not-run"
    ]
    assert len(found) == 1 and found[0].message == (
        "N-0001 is for Q4 2026, which is marked 'not run' on the Periods sheet: it will not be "
        "judged."
    )


def test_an_import_into_a_locked_current_period_says_what_to_do(workbook):
    from automation.pipeline import lock_workbook

    lock_workbook(workbook, now=NOW, user="test")
    export = _custom_export(
        workbook.parent / "late.csv",
        "28/09/2026 10:00:00,Luca Rossi,Customer Hero,Calm on a hard call.,Bo Yu",
    )
    out = import_workbook(workbook, export, given=parse_mapping(CUSTOM_MAP), source="colleague")
    (nid,) = out.plan.added["ID"]
    assert (
        f"The scores of Q3 2026 are locked, so {nid} cannot be judged in it: give it the next "
        "period on the Nominations sheet (and a Received date in it), or unlock the scores "
        "(awards unlock) to judge it now."
    ) in out.lines


def test_a_second_forms_responses_are_not_taken_for_the_firsts(workbook, tmp_path):
    """A second Microsoft form numbers its responses from 1 too: its response 1 was skipped as
    'already imported' (as Rita Shaw's nomination of Aoife Byrne), and so lost unsaid."""
    import_workbook(workbook, MS, now=NOW)
    other = tmp_path / "second_form.csv"
    other.write_text(
        "ID,Completion time,Email,Name,Which award are you nominating for?,"
        "Who are you nominating?,Are you a customer or a colleague?,"
        "What did they do? Please give an example.\n"
        "1,10/10/2026 09:00:00,np@example.com,New Person,Customer Hero,Zara Shaw,Customer,"
        "Sorted my refund.\n",
        encoding="utf-8",
    )
    out = import_workbook(workbook, other, now=NOW)
    (skip,) = out.plan.skipped
    assert skip.reason == "ID of another response"
    assert skip.detail == (
        "response 1 has the ID of N-0061, Rita Shaw's nomination of Aoife Byrne, but names "
        "another nominee and nominator: the export is probably of another form, whose IDs "
        "start again at 1"
    )
    assert import_job.OTHER_FORM_FIX in out.lines and import_job.SKIPPED_FIX not in out.lines


def test_an_older_versions_google_ids_are_known_from_a_differently_written_export(
    workbook, tmp_path, today
):
    from automation.pipeline import check_workbook

    import_workbook(workbook, GOOGLE)
    _google_ids_as_an_older_version_wrote_them(workbook)
    check_workbook(workbook, write=True, today=today)
    _withdraw(workbook, "2026/10/15 3:41:52 PM GMT+1|k.ng@example.com")
    sheet = _google_times_as(tmp_path / "from_the_sheet.csv", "%d/%m/%Y %H:%M:%S")
    again = import_workbook(workbook, sheet)
    assert again.plan.added.empty
    reasons = {s.row: s.reason for s in again.plan.skipped}
    assert reasons[2] == reasons[6] == "already imported" and reasons[3] == "withdrawn"


def test_a_hand_typed_id_in_another_style_does_not_take_over_the_numbering():
    assert next_ids(["N-0041", "N-0042", "CAL-2026"], 2) == ["N-0043", "N-0044"]
    assert next_ids(["NOM-7"], 1) == ["NOM-8"]  # a programme's own style, where it has no N-


def test_a_response_outside_every_period_is_told_to_add_the_period(workbook, tmp_path):
    export = _custom_export(
        tmp_path / "far.csv", "01/05/2031 10:00:00,Luca Rossi,Customer Hero,Calm.,Bo Yu"
    )
    out = import_workbook(workbook, export, given=parse_mapping(CUSTOM_MAP), source="colleague")
    assert [s.reason for s in out.plan.skipped] == ["no period"]
    assert import_job.NO_PERIOD_FIX in out.lines and import_job.SKIPPED_FIX not in out.lines


def test_already_imported_says_when_the_nomination_is_in_history(workbook):
    import dataclasses

    from automation.importer import plan_import

    data = read_workbook(workbook)
    hist = data["Nominations"].head(1).assign(ID="N-0001", **{"Response ID": "1"})
    view = dataclasses.replace(data, tables={**data.tables, "NominationHistory": hist}, cache={})
    export = read_export(MS)
    plan = plan_import(view, export, map_headers(list(export.columns)), source="customer")
    (done,) = [s for s in plan.skipped if s.reason == "already imported"]
    assert (
        done.detail == "response 1 is already nomination N-0001 (on the Nomination history sheet)"
    )

"""From workbook data and results to the documents' plain contexts."""

from __future__ import annotations

import datetime as dt

import pytest

from automation.documents import generate as g
from automation.errors import UserError
from automation.scoring import score

DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def results(example_data):
    return score(example_data)


def test_awards_are_the_placed_nominations_of_the_current_period(example_data, results):
    awards = g.awards(example_data, results)
    placed = results.placed
    assert len(awards) == len(placed) == 6
    assert {a.category for a in awards if a.place == 1} == set(results.winners["Category"])
    assert all(a.period == "Q3 2026" and a.presented_on == dt.date(2026, 10, 15) for a in awards)


def test_team_awards_email_the_team_leader_and_no_separate_manager(example_data, results):
    team = [a for a in g.awards(example_data, results) if a.award_kind == "team"]
    assert team
    staff = example_data["Staff"]
    for award in team:
        assert award.nominee_email and award.nominee_email.endswith("@northgate.example")
        assert award.line_manager is None
        assert award.team_leader
        members = set(staff.loc[staff["Team"] == award.nominee, "Name"])
        assert {name for name, _ in award.team_members} == members and members


def test_pdf_run_attaches_pdfs_to_the_drafts(example_data, results, tmp_path, monkeypatch):
    import email
    import sys
    from email import policy

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        "args = sys.argv[1:]\n"
        "out = pathlib.Path(args[args.index('--outdir') + 1])\n"
        "for name in args[args.index('--outdir') + 2:]:\n"
        "    (out / (pathlib.Path(name).stem + '.pdf')).write_bytes(b'%PDF-1.4 fake')\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    paths = g.generate_all(example_data, results, tmp_path / "out", pdf=True, today=DAY)
    drafts = [p for p in paths if p.suffix == ".eml"]
    attached = [
        part.get_filename()
        for path in drafts
        for part in email.message_from_bytes(
            path.read_bytes(), policy=policy.default
        ).iter_attachments()
    ]
    assert attached and all(name.endswith(".pdf") for name in attached)


def test_customer_quotes_only_with_consent(example_data, results):
    noms = example_data["Nominations"].set_index("Nominee")
    for award in g.awards(example_data, results):
        if award.customer_quote:
            rows = noms.loc[[award.nominee]]
            assert rows["Consent to publish"].fillna(False).astype(bool).any()


def test_newsletter_counts(example_data, results):
    ctx = g.newsletter_context(example_data, results, "Q3 2026", DAY)
    assert ctx.nominations_received == 60  # the calibration entry is not a nomination
    assert ctx.customer_nominations == 31
    assert ctx.next_deadline == dt.date(2026, 12, 31)
    assert sorted(a.place for a in ctx.awards) == [1, 1, 1, 2, 2, 2]  # runners-up are named too


def test_evaluation_reads_survey_fractions_as_percentages(example_data, results):
    ctx = g.evaluation_context(example_data, results, "Q3 2026", DAY)
    agree = {v.question: v.result for v in ctx.viewpoints if v.scale == "% agree"}
    assert agree["All staff: the awards are fair"] == pytest.approx(68)
    assert {v.viewpoint for v in ctx.viewpoints} == {
        "organisation",
        "winners' managers",
        "winners",
        "non-winners",
    }
    assert ctx.staff_total == 78 and ctx.conflicts_declared == 1
    assert sum(ctx.nominations_by_source.values()) == 60


def test_missing_logo_is_a_user_error(example_data):
    from dataclasses import replace

    data = replace(example_data, settings={**example_data.settings, "logo_file": "nope.png"})
    with pytest.raises(UserError, match="logo"):
        g.branding(data)


def test_no_results_is_a_user_error(example_data, results):
    from dataclasses import replace

    empty = replace(results, nominations=results.nominations.iloc[0:0])
    with pytest.raises(UserError):
        g.generate_certificates(example_data, empty, "unused")


def test_templates_folder_setting_uses_the_managers_own_template(example_data, results, tmp_path):
    from dataclasses import replace

    from docx import Document

    from automation.documents.render import DEFAULT_TEMPLATE_DIR

    mine = tmp_path / "my templates"
    mine.mkdir()
    doc = Document(DEFAULT_TEMPLATE_DIR / "certificate.docx")
    doc.paragraphs[0].insert_paragraph_before("Restyled by the manager")
    doc.save(mine / "certificate.docx")
    source = tmp_path / "programme.xlsx"
    data = replace(
        example_data,
        settings={**example_data.settings, "templates_folder": "my templates"},
        source=source,
    )
    paths = g.generate_certificates(data, results, tmp_path / "out", progress=False)
    first = Document(paths[0])
    assert "Restyled by the manager" in "\n".join(p.text for p in first.paragraphs)
    # the newsletter template is not in the folder: the bundled one is used
    assert g.generate_newsletter(data, results, tmp_path / "out", today=DAY).exists()

    missing = replace(data, settings={**data.settings, "templates_folder": "nowhere"})
    with pytest.raises(UserError, match="templates folder"):
        g.generate_certificates(missing, results, tmp_path / "out2", progress=False)


def _without(data, table, **changes):
    """A copy of the example data with cells of one table changed: {column: {index: value}}."""
    import dataclasses

    frame = data[table].copy()
    for column, cells in changes.items():
        for index, value in cells.items():
            frame.loc[index, column] = value
    return dataclasses.replace(data, tables={**data.tables, table: frame}, cache={})


def test_drafts_name_each_recipient_without_an_address_and_where_to_add_it(
    example_data, results, tmp_path
):
    winner = next(a for a in g.awards(example_data, results) if a.award_kind == "individual")
    staff = example_data["Staff"]
    index = staff.index[staff["Name"] == winner.nominee][0]
    data = _without(example_data, "Staff", Email={index: None})
    noms = data["Nominations"]
    nom = noms.index[(noms["Nominee"] == winner.nominee) & (noms["Category"] == winner.category)][0]
    data = _without(data, "Nominations", **{"Line manager": {nom: None}})
    drafts = g.generate_email_drafts(data, score(data), tmp_path, today=DAY)
    assert drafts and all(path.suffix == ".eml" for path in drafts)
    row, nom_row = int(staff.loc[index, "_row"]), int(noms.loc[nom, "_row"])
    # The winner is in a placed team too: that team's email misses them as well.
    teams = [
        (a.category, "winning team" if a.is_winner else "runner-up team")
        for a in g.awards(example_data, results)
        if a.is_team and winner.nominee in dict(a.team_members)
    ]
    assert drafts.notes == [
        f"No draft for {winner.nominee} (winner, {winner.category}): no email address recorded "
        f"(Staff row {row}, column Email).",
        f"No draft for line manager of {winner.nominee} (line manager, {winner.category}): "
        f"no email address recorded (Nominations row {nom_row}, column Line manager).",
    ] + [
        f"No draft for {winner.nominee} (member of the {team}, {category}): no email address "
        f"recorded (Staff row {row}, column Email)."
        for category, team in teams
    ]
    everything = g.generate_all(data, score(data), tmp_path / "all", today=DAY, progress=False)
    assert everything.notes == drafts.notes


def test_a_nominee_missing_from_staff_points_at_their_nomination(example_data, results):
    winner = next(a for a in g.awards(example_data, results) if a.award_kind == "individual")
    staff = example_data["Staff"]
    index = staff.index[staff["Name"] == winner.nominee][0]
    data = _without(example_data, "Staff", Name={index: "Somebody Else"})
    award = next(a for a in g.awards(data, score(data)) if a.nominee == winner.nominee)
    assert award.email_source(winner.nominee).startswith(
        f"{winner.nominee} is not on Staff; named on Nominations row "
    )


def test_every_share_of_staff_nominated_in_the_report_is_out_of_the_same_staff(
    example_data, results
):
    # The example's Teams table counts 78 staff and its Staff sheet lists 42 of them. The
    # participation section, the current period's trend row and the KPI all count out of the
    # 78; the fairness groups can only use the 41 listed who can be nominated (the 42 on the
    # Staff sheet but one judge), and say so.
    from automation.documents.equity_section import equity_summary
    from automation.kpis import workbook_kpi

    ctx = g.evaluation_context(example_data, results, "Q3 2026", DAY)
    share = ctx.staff_nominated / ctx.staff_total
    assert (ctx.staff_nominated, ctx.staff_total) == (29, 78)
    assert ctx.trend[-1]["share_n"] == pytest.approx(share)
    assert workbook_kpi(example_data, "share of staff nominated", "Q3 2026") == round(
        share * 100, 1
    )
    summary = equity_summary(ctx.equity)
    assert (
        "the 41 staff on the Staff sheet who can be nominated (one judge left out), 29 of whom "
        "(71%)" in summary
    )
    assert "The Teams table counts 78 staff in all: list the other 36 on the Staff sheet" in summary
    from automation.equity import equity_tables

    part = equity_tables(ctx.equity)["Participation"].set_index(["Measure", "Group"])
    staff = part.loc["Staff nominated at least once"]
    listed = staff.loc["staff on the Staff sheet who can be nominated", ["Count", "Out of"]]
    assert listed.tolist() == [29, 41]
    assert staff.loc["all staff (Teams headcount)", "Share"] == pytest.approx(share)


def test_one_of_whom_was_nominated_reads_in_the_singular(example_data, results):
    import dataclasses

    from automation.documents.equity_section import equity_summary

    eq = g.evaluation_context(example_data, results, "Q3 2026", DAY).equity
    assert "29 of whom (71%) were nominated" in equity_summary(eq)
    assert "1 of whom (2%) was nominated" in equity_summary(
        dataclasses.replace(eq, staff_nominated=1)
    )

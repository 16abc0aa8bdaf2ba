"""What moves with a table when the writer re-stacks a tool sheet: header notes, table columns.

A tool sheet holds several tables one under another (Judging: Panel, JudgeStats, Agreement).
When Panel grows, the tables below it move down. The notes Excel shows on their header cells
live in separate parts (``comments*.xml`` and a legacy VML drawing) and are anchored to cells,
not to tables, so they are written afresh on every write, on the header row each table now
has; left alone they would sit on Panel's data cells. (Tool sheets are the tool's own, so
nothing of the user's is lost; earlier versions left notes behind, and this repairs them.)
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from automation import schema
from automation.io.package import _rels

COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"

_SHAPE = re.compile(r"<(\w+:)?shape\b.*?</(\w+:)?shape>", re.S)  # not shapetype
_SHAPE_ID = re.compile(r'\bid="[^"]*"')
_VML_ROW = re.compile(r"(<(?:\w+:)?Row>)(\d+)(</(?:\w+:)?Row>)")
_VML_COLUMN = re.compile(r"(<(?:\w+:)?Column>)(\d+)(</(?:\w+:)?Column>)")
# The box's size in the shape's style (what the builder wrote, or Excel in points).
_VML_WIDTH = re.compile(r"(?<![-\w])width:\s*[\d.]+\w*")
_VML_HEIGHT = re.compile(r"(?<![-\w])height:\s*[\d.]+\w*")
_TABLE_COLUMNS = re.compile(r"<tableColumns\b.*?</tableColumns>|<tableColumns\b[^>]*/>", re.S)


def drawing_parts(zf: zipfile.ZipFile, sheet_part: str) -> tuple[str | None, str | None]:
    """The sheet's comments part and its VML drawing part, if it has notes."""
    comments = vml = None
    for kind, target in _rels(zf, sheet_part).values():
        if target not in zf.namelist():
            continue
        if kind == COMMENTS_REL:
            comments = target
        elif kind == VML_REL:
            vml = target
    return comments, vml


def comments_xml(notes: Sequence[tuple[str, str]], author: str) -> str:
    """A comments part holding ``notes`` as (cell, text) pairs."""
    items = "".join(
        f'<comment ref="{cell}" authorId="0" shapeId="0"><text><t>{escape(text)}</t></text>'
        "</comment>"
        for cell, text in notes
    )
    return (
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<authors><author>{escape(author)}</author></authors>"
        f"<commentList>{items}</commentList></comments>"
    )


def vml_xml(
    old: str,
    cells: Sequence[tuple[int, int]],
    sizes: Sequence[tuple[int, int]] | None = None,
) -> str | None:
    """The legacy drawing with one hidden note shape per (0-based row, column), modelled on
    the first shape of the ``old`` drawing, each ``sizes`` (width, height in pixels) where
    given; None when it has no shape to copy."""
    shapes = list(_SHAPE.finditer(old))
    if not shapes:
        return None
    model = shapes[0].group(0)
    made = []
    for number, (row, column) in enumerate(cells):
        shape = _SHAPE_ID.sub(f'id="_x0000_s{1026 + number}"', model, count=1)
        if sizes is not None:
            width, height = sizes[number]
            shape = _VML_WIDTH.sub(f"width:{width}px", shape, count=1)
            shape = _VML_HEIGHT.sub(f"height:{height}px", shape, count=1)
        shape = _VML_ROW.sub(lambda m, r=row: f"{m.group(1)}{r}{m.group(3)}", shape, count=1)
        shape = _VML_COLUMN.sub(lambda m, c=column: f"{m.group(1)}{c}{m.group(3)}", shape, count=1)
        made.append(shape)
    return old[: shapes[0].start()] + "".join(made) + old[shapes[-1].end() :]


def table_columns_xml(spec: schema.Table) -> str:
    """The ``<tableColumns>`` element the schema declares for a tool table.

    Written afresh on every write so that a workbook made by an older version gets the
    columns (and formulas) this version writes; stale column lists make Excel repair the file.
    """
    parts = [f'<tableColumns count="{len(spec.columns)}">']
    for i, col in enumerate(spec.columns, start=1):
        name = escape(col.name, {'"': "&quot;"})
        if col.is_formula:
            formula = escape(col.formula.lstrip("="))
            parts.append(
                f'<tableColumn id="{i}" name="{name}">'
                f"<calculatedColumnFormula>{formula}</calculatedColumnFormula></tableColumn>"
            )
        else:
            parts.append(f'<tableColumn id="{i}" name="{name}"/>')
    parts.append("</tableColumns>")
    return "".join(parts)


def set_table_columns(table_xml: str, spec: schema.Table) -> str:
    """Replace a table part's column list with the schema's."""
    return _TABLE_COLUMNS.sub(lambda _: table_columns_xml(spec), table_xml, count=1)

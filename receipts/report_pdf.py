"""Reports as A4 PDFs: plain data in, PDF bytes out (X and Z reports, designer statements, the event summary).

A report is a `ReportDocument`: a title, a subtitle, a list of blocks laid out top to bottom, and a
footer printed on every page with "Page N of M". The blocks are frozen dataclasses:

* `Heading(text)`: a section heading, kept on the page of what follows it.
* `Paragraph(text)`: plain words, wrapped (no markup: `<`, `&` are printed as typed).
* `Figures(rows, title="", bold_rows=())`: label / value pairs in two columns, values on the right
  (`("Net sales", "£1,234.50")`); the rows at the indexes in `bold_rows` are bold (a total, a variance).
* `Table(title, headers, rows, right_aligned=(), total_row=())`: a table with a header row repeated
  on every page it spans; `right_aligned` holds the indexes of the columns to align right (amounts,
  counts); `total_row`, when given, is drawn bold under a rule. Text columns wrap; a table with no
  rows says "Nothing to show.".
* `BarChart(title, labels, values_pence, horizontal=False)`: one bar per label, values in integer
  pence (negative ones too: a refund-heavy hour); the value axis is labelled in pounds. Horizontal
  charts suit long labels (designers), vertical ones short labels (hours, days); a horizontal chart
  grows with its bars and each bar carries its amount. A chart with more bars than a page holds (50
  horizontal, 31 vertical) is drawn in parts on one value axis, the later ones titled "(continued)".
  No values, or all zero, says "Nothing to chart.".
* `PageBreak()`: the next block starts a new page.

`report_pdf(document)` returns the PDF. Money arrives formatted by the caller (for figures and
tables) or as integer pence (for charts, which format their own axis), so no amount is ever a float.

Text uses the PDF's standard Helvetica (see receipts.pdf): every string passes through
`receipts.pdf.pdf_text` (receipts.text.clean, then Windows-1252), so no control character or
missing glyph reaches the page. reportlab is imported here; import this module only when a PDF is
made. Output is reproducible: the same document gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer
from reportlab.platypus import PageBreak as _PageBreak
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus import Table as _Table
from reportlab.platypus import TableStyle

from common.money import format_pence
from receipts.pdf import BOLD, FONT, MM, pdf_text

__all__ = [
    "BarChart", "Block", "Figures", "Heading", "PageBreak", "Paragraph", "ReportDocument", "Table",
    "axis_pounds", "report_pdf",
]

MARGIN = 18 * MM
PAGE_WIDTH, PAGE_HEIGHT = A4
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12  # platypus frames keep 6 points of padding each side
BODY_SIZE = 9.5
GREY = colors.Color(0.4, 0.4, 0.4)
RULE = colors.Color(0.75, 0.75, 0.75)
BAND = colors.Color(0.94, 0.94, 0.94)
BAR = colors.Color(0.18, 0.33, 0.5)
NEGATIVE_BAR = colors.Color(0.72, 0.3, 0.22)
CELL_PADDING = 4  # points each side of a cell's text
# A heading, or a table's title, never ends a page: with less room than this left, it starts the next page
# (keepWithNext would move a whole long table to the next page, leaving the page before it empty).
HEADING_ROOM = 110  # points: the heading, a table's title, its header and a few rows
TABLE_ROOM = 75
MIN_NUMBER_COLUMN = 48
HORIZONTAL_BARS_PER_PART = 50  # 12 points a bar: a part fits a page with its caption
VERTICAL_BARS_PER_PART = 31  # a month of days
FIGURES_LABEL_SHARE = 0.45  # of the page's width, for a Figures block's labels
FIGURES_VALUE_WIDTH = 100  # points, at least, for its values  # points: amounts line up in columns of one width from table to table


@dataclass(frozen=True)
class Heading:
    """A section heading."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Plain words, wrapped to the page."""

    text: str


@dataclass(frozen=True)
class Figures:
    """Label / value pairs, such as ("Net sales", "£1,234.50"); `bold_rows` are indexes into `rows`."""

    rows: Sequence[tuple[str, str]]
    title: str = ""
    bold_rows: Sequence[int] = ()


@dataclass(frozen=True)
class Table:
    """A titled table; `right_aligned` are column indexes; `total_row` (optional) is drawn bold at the end."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    right_aligned: Sequence[int] = ()
    total_row: Sequence[str] = ()


@dataclass(frozen=True)
class BarChart:
    """Bars of integer pence, one per label; the axis is labelled in pounds."""

    title: str
    labels: Sequence[str]
    values_pence: Sequence[int]
    horizontal: bool = False


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


Block = Heading | Paragraph | Figures | Table | BarChart | PageBreak


@dataclass(frozen=True)
class ReportDocument:
    """A whole report: `footer` is printed at the foot of every page beside "Page N of M"."""

    title: str
    subtitle: str = ""
    blocks: Sequence[Block] = field(default_factory=tuple)
    footer: str = ""


_STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=18, leading=22, spaceAfter=2),
    "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=13, textColor=GREY, spaceAfter=8),
    "heading": ParagraphStyle("heading", fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4),
    "caption": ParagraphStyle("caption", fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3, spaceBefore=4,
                           spaceAfter=4),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2),
    "cell-bold": ParagraphStyle("cell-bold", fontName=BOLD, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2),
    "cell-right": ParagraphStyle("cell-right", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2,
                                 alignment=TA_RIGHT),
    "cell-right-bold": ParagraphStyle("cell-right-bold", fontName=BOLD, fontSize=BODY_SIZE,
                                      leading=BODY_SIZE * 1.2, alignment=TA_RIGHT),
}


def _text(text: str) -> str:
    """`text` ready for a platypus paragraph: cleaned, drawable in Helvetica, markup characters escaped."""
    return escape(pdf_text(str(text)))


def _para(text: str, style: str) -> _Paragraph:
    return _Paragraph(_text(text), _STYLES[style])


def axis_pounds(pence: int) -> str:
    """An axis label: whole pounds without pence ("£1,200"), else pounds and pence ("£2.50")."""
    text = format_pence(pence)
    return text[:-3] if text.endswith(".00") else text


def _nice_step(span_pence: int, ticks: int = 6) -> int:
    """A round step in pence (1, 2 or 5 times a power of ten) giving at most about `ticks` intervals."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if span_pence <= step * multiple * ticks:
                return step * multiple
        step *= 10


def _axis_range(values: Sequence[int]) -> tuple[int, int, int]:
    """(minimum, maximum, step) in pence: round values that hold every bar and zero."""
    low, high = min(0, *values), max(0, *values)
    step = _nice_step(max(high - low, 100))
    low = -(-low // step) * step if low >= 0 else (low // step) * step
    high = -(-high // step) * step
    return low, max(high, low + step), step


def _chart_flowables(chart: BarChart) -> list:
    """The chart as drawings that each fit a page: many bars are drawn in parts, on one value axis,
    the later parts captioned "(continued)"."""
    values = [int(value) for value in chart.values_pence]
    if len(values) != len(chart.labels):
        raise ValueError(f"Chart {chart.title!r} has {len(chart.labels)} labels and {len(values)} values.")
    caption = [_para(chart.title, "caption")] if chart.title else []
    if not values or not any(values):
        return [KeepTogether([*caption, _para("Nothing to chart.", "body")])]
    labels = [pdf_text(label) for label in chart.labels]
    axis = _axis_range(values)
    per_part = HORIZONTAL_BARS_PER_PART if chart.horizontal else VERTICAL_BARS_PER_PART
    flowables: list = []
    for first in range(0, len(values), per_part):
        part = slice(first, first + per_part)
        draw = _horizontal_drawing if chart.horizontal else _vertical_drawing
        title = caption if first == 0 else ([_para(f"{chart.title} (continued)", "caption")] if chart.title else [])
        flowables.append(KeepTogether([*title, draw(labels[part], values[part], axis), Spacer(1, 4)]))
    return flowables


def _horizontal_drawing(labels: list[str], values: list[int], axis: tuple[int, int, int]) -> Drawing:
    label_width = min(max(stringWidth(label, FONT, 8) for label in labels) + 6, FRAME_WIDTH * 0.38)
    labels = [_fit(label, FONT, 8, label_width - 6) for label in labels]
    pitch = 20 if len(values) <= HORIZONTAL_BARS_PER_PART // 2 else 12
    plot_height = max(pitch * len(values), 60)
    drawing = Drawing(FRAME_WIDTH, plot_height + 30)
    bars = HorizontalBarChart()
    bars.x, bars.y = label_width, 18
    bars.width = FRAME_WIDTH - label_width - 60  # room for the amount at the end of the longest bar
    bars.height = plot_height
    bars.data = [list(reversed(values))]  # reportlab draws the first category at the bottom
    bars.categoryAxis.categoryNames = list(reversed(labels))
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -4
    bars.valueAxis.labels.boxAnchor = "n"
    bars.barLabels.boxAnchor = "w"  # each amount just beyond its bar's end (reportlab mirrors it for a negative bar)
    bars.barLabels.dx = 3
    bars.barLabelFormat = _bar_label
    bars.barLabels.fontName, bars.barLabels.fontSize = FONT, 7.5
    _style(bars, axis, len(values))
    drawing.add(bars)
    return drawing


def _vertical_drawing(labels: list[str], values: list[int], axis: tuple[int, int, int]) -> Drawing:
    axis_width = max(stringWidth(axis_pounds(tick), FONT, 8) for tick in range(axis[0], axis[1] + 1, axis[2]))
    rotate = len(labels) * max(stringWidth(label, FONT, 8) + 4 for label in labels) > FRAME_WIDTH - axis_width - 20
    label_room = min(max(stringWidth(label, FONT, 8) for label in labels), 120) * 0.75 + 14 if rotate else 16
    if rotate:
        labels = [_fit(label, FONT, 8, 120) for label in labels]
    height = 150 + label_room
    drawing = Drawing(FRAME_WIDTH, height)
    bars = VerticalBarChart()
    bars.x, bars.y = axis_width + 8, label_room
    bars.width = FRAME_WIDTH - axis_width - 12
    bars.height = height - label_room - 14
    bars.data = [values]
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.labels.boxAnchor = "ne" if rotate else "n"
    bars.categoryAxis.labels.angle = 45 if rotate else 0
    bars.categoryAxis.labels.dy = -3
    bars.valueAxis.labels.boxAnchor = "e"
    bars.valueAxis.labels.dx = -3
    if len(values) <= 12:
        bars.barLabels.boxAnchor = "s"  # reportlab mirrors it below a negative bar
        bars.barLabels.dy = 2
        bars.barLabelFormat = _bar_label
        bars.barLabels.fontName, bars.barLabels.fontSize = FONT, 7.5
    _style(bars, axis, len(values))
    drawing.add(bars)
    return drawing


def _style(bars, axis: tuple[int, int, int], count: int) -> None:  # type: ignore[no-untyped-def]
    """What both kinds of chart share: the value axis in pounds on round steps, a light grid, the bar colours."""
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = axis
    bars.valueAxis.labelTextFormat = _axis_label
    bars.valueAxis.labels.fontName = bars.categoryAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = bars.categoryAxis.labels.fontSize = 8
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = RULE
    bars.valueAxis.gridStrokeWidth = 0.4
    bars.valueAxis.strokeColor = bars.categoryAxis.strokeColor = GREY
    bars.categoryAxis.labelAxisMode = "low"  # names and hours beside the plot, not on the zero line among bars
    bars.bars.strokeColor = None
    bars.bars[0].fillColor = BAR
    for index, value in enumerate(bars.data[0]):
        if value < 0:
            bars.bars[(0, index)].fillColor = NEGATIVE_BAR
    bars.barSpacing = 1
    bars.groupSpacing = 4 if count > 12 else 8


def _axis_label(value: float) -> str:
    """reportlab hands axis ticks over as numbers of pence; they are drawn as pounds."""
    return axis_pounds(int(round(value)))


def _bar_label(value: float) -> str:
    return format_pence(int(round(value))) if value else ""


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with `…` to fit `width` points (a long name beside a bar)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _column_widths(cells: list[list[str]], right: set[int], columns: int) -> list[float]:
    """Each column's width: number columns get what their widest cell needs; text columns share the rest."""
    natural = [
        max([stringWidth(pdf_text(row[index]), BOLD, BODY_SIZE) for row in cells if index < len(row)] or [0])
        + 2 * CELL_PADDING + 1
        for index in range(columns)
    ]
    natural = [max(width, MIN_NUMBER_COLUMN) if index in right else width for index, width in enumerate(natural)]
    if sum(natural) <= FRAME_WIDTH:
        spare = FRAME_WIDTH - sum(natural)
        text_columns = [index for index in range(columns) if index not in right] or list(range(columns))
        return [width + (spare if index == text_columns[0] else 0) for index, width in enumerate(natural)]
    fixed = sum(natural[index] for index in right)
    if fixed > FRAME_WIDTH * 0.7:  # too many wide number columns: everything shares the page
        return [FRAME_WIDTH * width / sum(natural) for width in natural]
    text_total = sum(natural[index] for index in range(columns) if index not in right) or 1
    room = FRAME_WIDTH - fixed
    return [natural[index] if index in right else room * natural[index] / text_total for index in range(columns)]


def _table(table: Table) -> list:
    headers = [str(header) for header in table.headers]
    columns = len(headers)
    rows = [[str(cell) for cell in row] for row in table.rows]
    total = [str(cell) for cell in table.total_row]
    for row in [*rows, *([total] if total else [])]:
        if len(row) != columns:
            raise ValueError(f"Table {table.title!r} has {columns} columns; a row has {len(row)}: {row!r}.")
    flowables: list = [CondPageBreak(TABLE_ROOM), *([_para(table.title, "caption")] if table.title else [])]
    if not rows:
        return [*flowables, _para("Nothing to show.", "body")]
    right = {index for index in table.right_aligned if 0 <= index < columns}
    widths = _column_widths([headers, *rows, *([total] if total else [])], right, columns)

    wrapped = False

    def row_cells(row: list[str], bold: bool) -> list[str | _Paragraph]:
        """Plain strings where the text fits its column (quick to lay out), a wrapping paragraph where not."""
        nonlocal wrapped
        cells: list[str | _Paragraph] = []
        for index, cell in enumerate(row):
            text = pdf_text(cell)
            if stringWidth(text, BOLD if bold else FONT, BODY_SIZE) <= widths[index] - 2 * CELL_PADDING:
                cells.append(text)
            else:
                wrapped = True
                cells.append(_para(cell, ("cell-right" if index in right else "cell") + ("-bold" if bold else "")))
        return cells

    data = [row_cells(headers, True), *(row_cells(row, False) for row in rows)]
    if total:
        data.append(row_cells(total, True))
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE, BODY_SIZE * 1.2),
        ("FONT", (0, 0), (-1, 0), BOLD, BODY_SIZE, BODY_SIZE * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, GREY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
    ]
    style += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in sorted(right)]
    style += [("BACKGROUND", (0, index), (-1, index), BAND) for index in range(2, len(rows) + 1, 2)]
    if total:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, GREY))
        style.append(("FONT", (0, -1), (-1, -1), BOLD, BODY_SIZE, BODY_SIZE * 1.2))
    # Every row one line high: platypus need not measure each row again at every page it splits the table at.
    heights = None if wrapped else [BODY_SIZE * 1.2 + 5] * len(data)
    flowable = _Table(data, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(TableStyle(style))
    return [*flowables, flowable]


def _figures(figures: Figures) -> list:
    rows = [(str(label), str(value)) for label, value in figures.rows]
    flowables: list = [CondPageBreak(TABLE_ROOM), *([_para(figures.title, "caption")] if figures.title else [])]
    if not rows:
        return [*flowables, _para("Nothing to show.", "body")]
    bold = set(figures.bold_rows)
    # One width for every Figures block (wider only for a long value), so blocks one under another line up.
    value_width = min(max(max(stringWidth(pdf_text(value), BOLD, BODY_SIZE) for _, value in rows)
                          + 2 * CELL_PADDING + 1, FIGURES_VALUE_WIDTH), FRAME_WIDTH * 0.5)
    label_width = FRAME_WIDTH * FIGURES_LABEL_SHARE
    data = [[_para(label, "cell-bold" if index in bold else "cell"),
             _para(value, "cell-right-bold" if index in bold else "cell-right")]
            for index, (label, value) in enumerate(rows)]
    flowable = _Table(data, colWidths=[label_width, value_width], hAlign="LEFT")
    flowable.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]))
    return [*flowables, flowable]


def _flowables(block: Block) -> list:
    if isinstance(block, Heading):
        return [CondPageBreak(HEADING_ROOM), _para(block.text, "heading")]
    if isinstance(block, Paragraph):
        return [_para(block.text, "body")]
    if isinstance(block, Figures):
        return _figures(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, BarChart):
        return _chart_flowables(block)
    if isinstance(block, PageBreak):
        return [_PageBreak()]
    raise TypeError(f"{type(block).__name__} is not a report block.")


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that writes `footer` and "Page N of M" on every page once it knows M."""
    footer = pdf_text(footer)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(GREY)
                if footer:
                    self.drawString(MARGIN, MARGIN * 0.55, _fit(footer, FONT, 8, FRAME_WIDTH - 70))
                self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN * 0.55, f"Page {self._pageNumber} of {count}")
                super().showPage()
            super().save()

    return NumberedCanvas


def report_pdf(document: ReportDocument) -> bytes:
    """The report as an A4 PDF (portrait), its title and subtitle at the top of the first page."""
    buffer = io.BytesIO()
    title = pdf_text(document.title)
    template = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=title, author="Makers' Till", creator="Makers' Till", invariant=1,
    )
    story: list = [_para(document.title, "title")]
    if document.subtitle:
        story.append(_para(document.subtitle, "subtitle"))
    for block in document.blocks:
        story += _flowables(block)
    template.build(story, canvasmaker=_numbered_canvas(document.footer))
    return buffer.getvalue()


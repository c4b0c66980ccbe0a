"""The clinician's PDF: the clinician summary on one A4 page (two at most), ready to file.

``build_clinician_report`` draws ``handover.clinician_summary`` (the same rows the clinician
page shows, so the two never disagree) in the third person: a header on every page naming
the client, the date and the clinic; the result with the findings behind it; any alerts;
the red-flag screen; the answers as compact label | value tables, where "Not answered"
is set in grey italics and says so in words, apart from a plain "No"; the areas with a
small body map and the suspected nerves; the journal's trend; and the client's own note.
A table row never splits across a page break, and a block that continues on another
column or page repeats its title. The drawing helpers are the runner's report's
(``report._Writer``). Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF, XPos, YPos
from fpdf.enums import MethodReturnValue

from nervetriage.content import Content, load_content
from nervetriage.handover import Block, ClinicianSummary, Finding, Row, clinician_summary, load_clinician_content
from nervetriage.models import Answers, Assessment
from nervetriage.report import (
    BAND_COLOURS,
    FONT,
    INK,
    LEVEL_WORDS,
    MUTED,
    PANEL,
    RGB,
    RULE,
    URGENT,
    URGENT_FILL,
    _clean,
    _one_line,
    _Writer,
)

FOR: RGB = BAND_COLOURS["likely"]  # findings for a nerve
AGAINST: RGB = (46, 125, 50)  # findings against one
GREY: RGB = (118, 124, 131)  # "Not answered", "Not done"
LABEL: RGB = (62, 67, 73)
ITALIC = "helvetica"  # a core font's oblique for "Not answered" (the embedded DejaVu has no italic)

TOP, SIDE, BOTTOM = 10.0, 14.0, 13.5  # mm; page 1's bottom margin also holds the screen note
FOOTER_LINE = "NerveTriage screen, not a diagnosis"
COLUMN_GAP = 6.0
LABEL_SHARE = 0.54  # of a column, for a row's label
SIZE, LINE, PAD = 7.3, 3.05, 0.5  # a table row's font size (pt), line height and top/bottom padding (mm)
TITLE_H = 5.0  # a block title with its rule
FINDING_TITLE_H = 4.0
BLOCK_GAP = 1.6
MAP_H = (58.0, 90.0)  # mm: the body map's least and most height; it takes what the page has left
MAP_ASPECT = 0.56  # the map's width for its height, legend apart
LEGEND = {  # the body map's legend rows, in the third person
    "pain": "Painful area (darker = stronger)",
    "unrated": "Marked, not rated",
    "crimp": "Crimp the client reported",
}
SECTION_H = 6.2
RED_FLAG_LABEL = 28.0
BULLET = 2.6  # mm a list's bullet takes; wrapped lines hang after it  # a section heading with its rule

WORDS = {
    "result": "SCREEN RESULT",
    "score": "Score {score}/100",
    "not_graded": "Not graded",
    "coverage": "{coverage} % of the deciding questions answered.",
    "unanswered_signs": "Signs not answered: {signs}.",
    "for": "FOR NERVE INVOLVEMENT",
    "against": "AGAINST NERVE INVOLVEMENT",
    "no_findings": "None",
    "points_note": "Points = 10 × ln(likelihood ratio); they add up.",
    "alerts": "Alerts raised",
    "inferred": "not ticked; raised from other answers: {reason}",
    "areas_nerves": "Areas and suspected nerves",
    "areas": "Areas",
    "areas_title": "AREAS",
    "no_areas": "No areas marked.",
    "nerves_title": "SUSPECTED NERVES, MOST LIKELY FIRST",
    "no_nerves": "None suggested by the marked areas.",
    "journal": "Recovery journal",
    "note": "Client's note",
    "continued": "{title} (continued)",
    "client": "Client",
    "clinic": "Clinic",
    "contact": "Contact",
    "example": "Example case: invented answers, not a real client's",
}
CLINICIAN_LEVELS = LEVEL_WORDS  # EMERGENCY, URGENT, CHECK FIRST


def _one(text: str) -> str:
    return _one_line(text)


def _date(day: dt.date) -> str:
    return f"{day:%d %B %Y}".lstrip("0")


def _points(value: float) -> str:
    rounded = round(value, 1)
    text = f"{rounded:g}"
    return f"+{text}" if rounded > 0 else text.replace("-", "−")


def _lr(value: float) -> str:
    return f"LR {value:.2g}"


# --------------------------------------------------------------------------- the page frame


class _ClinicianPdf(FPDF):
    """A4 with the summary's header (title, client, date, clinic) and footer on every page."""

    def __init__(self, summary: ClinicianSummary, example: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.summary = summary
        self.example = example  # invented answers from the examples: said in the header, so nobody files them

    def _who(self) -> str:
        s = self.summary
        not_given = load_clinician_content().words["not_given"]
        parts = [f"{WORDS['client']}: {_one(s.client_shown)}", f"{WORDS['clinic']}: {_one(s.clinic) or not_given}"]
        if s.contact:
            parts.append(f"{WORDS['contact']}: {_one(s.contact)}")
        if self.example:
            parts.append(WORDS["example"])
        return "   ·   ".join(parts)

    def header(self) -> None:
        s = self.summary
        self.set_y(TOP)
        self.set_font(FONT, "B", 10.5)
        self.set_text_color(*INK)
        self.cell(0, 5.5, s.title, new_x=XPos.LMARGIN)
        self.set_font(FONT, "", 9)
        self.cell(0, 5.5, _date(s.made_on), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8)
        self.set_text_color(*LABEL)
        self.multi_cell(0, 3.8, self._who(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 1.0
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + 2.5)
        if self.page_no() > 1:
            self.set_auto_page_break(True, margin=BOTTOM)

    def note_height(self) -> float:
        self.set_font(FONT, "", 6.5)
        return float(self.multi_cell(0, 2.9, self.summary.screen_note, dry_run=True, output=MethodReturnValue.HEIGHT))  # type: ignore[arg-type]

    def footer(self) -> None:
        if self.page_no() == 1:
            self.set_y(-11 - self.note_height() - 0.6)
            self.set_font(FONT, "", 6.5)
            self.set_text_color(*MUTED)
            self.multi_cell(0, 2.9, self.summary.screen_note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(-11)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        who = f"{WORDS['client']}: {_one(self.summary.client_shown)}"
        self.cell(0, 4, f"{FOOTER_LINE} · {who} · {_date(self.summary.made_on)}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")


# --------------------------------------------------------------------------- laying out the tables


@dataclass(frozen=True)
class _Placed:
    """One row in a column: which block and row, and whether a title goes above it."""

    block: int
    row: int
    title: bool  # the block's title (or its "continued" title) goes above this row


def _fill(heights: Sequence[Sequence[float]], start: int, capacity: float, columns: int = 2,
          whole: float | None = None, title_h: float = TITLE_H, gap: float = BLOCK_GAP) -> tuple[list[list[_Placed]], int]:
    """Rows from ``start`` into ``columns`` columns of ``capacity`` mm: the columns and the next row.

    A block title goes above a block's first row and above the first row of a column that
    continues a block; a row always stays whole (one taller than a column still takes one),
    and a block's title keeps its first two rows with it. ``whole``: no block, or rest of a
    block, that fits ``whole`` mm is split; where that cannot be kept the fill stops short.
    """
    order = [(b, r) for b, rows in enumerate(heights) for r in range(len(rows))]
    placed: list[list[_Placed]] = []
    i = start
    for _ in range(columns):
        column: list[_Placed] = []
        used = 0.0
        first = 0  # the first row of the current block in this column
        while i < len(order):
            b, r = order[i]
            if r == 0 or not column:
                first = r
            titled = r == 0 or not column
            need = heights[b][r] + (title_h if titled else 0) + (gap if r == 0 and column else 0)
            keep = need
            if r == 0 and column:  # the title with its first two rows, or (whole) with all of them
                unsplit = whole is not None and sum(heights[b]) + title_h <= whole
                keep += sum(heights[b][1:] if unsplit else heights[b][1:2])
            if column and used + keep > capacity:
                if whole is not None and r != 0 and title_h + sum(heights[b][first:]) <= whole:
                    return [*placed, column], i  # this block would have to split: not a whole fill
                break
            column.append(_Placed(b, r, titled))
            used += need
            i += 1
        placed.append(column)
    return placed, i


def _balanced(heights: Sequence[Sequence[float]], start: int, room: float, whole: bool, title_h: float = TITLE_H,
              gap: float = BLOCK_GAP) -> float | None:
    """The shortest column height (to 0.25 mm) that takes every row from ``start``, None when ``room`` is too little.

    ``whole``: only heights where no block that fits ``room`` is split.
    """
    total = sum(len(rows) for rows in heights)
    limit = room if whole else None
    if _fill(heights, start, room, whole=limit, title_h=title_h, gap=gap)[1] < total:
        return None
    low, high = 0.0, room
    while high - low > 0.25:
        mid = (low + high) / 2
        if _fill(heights, start, mid, whole=limit, title_h=title_h, gap=gap)[1] == total:
            high = mid
        else:
            low = mid
    return high


def _plan(heights: Sequence[Sequence[float]], first: float, full: float, title_h: float = TITLE_H,
          gap: float = BLOCK_GAP) -> list[list[list[_Placed]]]:
    """Pages of two columns: balanced where the rest fits on the page, else filled to its foot.

    Where the rest fits, whole blocks are kept in one column when that costs at most a
    fifth or 12 mm more height than splitting one.
    """
    total = sum(len(rows) for rows in heights)
    pages: list[list[list[_Placed]]] = []
    start, room = 0, first
    while start < total:
        split = _balanced(heights, start, room, whole=False, title_h=title_h, gap=gap)
        if split is not None:
            kept = _balanced(heights, start, room, whole=True, title_h=title_h, gap=gap)
            if kept is not None and kept <= max(split * 1.2, split + 12):
                columns, end = _fill(heights, start, kept, whole=room, title_h=title_h, gap=gap)
            else:
                columns, end = _fill(heights, start, split, title_h=title_h, gap=gap)
        else:
            columns, end = _fill(heights, start, room, title_h=title_h, gap=gap)
            if end == start:  # not even one row fits here: start on a fresh page
                pages.append([[], []])
                room = full
                continue
        pages.append(columns)
        start, room = end, full
    return pages


@dataclass(frozen=True)
class _AreasLayout:
    """How the areas section is laid out: the map's size and the text column beside it."""

    nerves: bool
    has_map: bool
    beside: bool  # the journal goes under the nerves, beside the map
    map_h: float
    map_w: float
    text_w: float
    columns: int
    region_w: float
    region_h: list[float]
    per_column: int
    regions_h: float
    text_h: float


# --------------------------------------------------------------------------- the writer


class _ClinicianReport(_Writer):
    def __init__(self, answers: Answers, assessment: Assessment, content: Content, summary: ClinicianSummary) -> None:
        self.s = summary
        self.journal_shown = False  # the journal went beside the map
        pdf = _ClinicianPdf(summary, example=bool(answers.origin and answers.origin.example))
        super().__init__(answers, assessment, content, summary.made_on, pdf=pdf, title=summary.title, bottom=BOTTOM)
        self.content_top = float(pdf.get_y())  # below the header, the same on every page
        pdf.set_auto_page_break(True, margin=11 + pdf.note_height() + 3)  # page 1 also holds the screen note

    # ------------------------------------------------------------------ pieces

    @property
    def bottom(self) -> float:
        return float(self.pdf.h - self.pdf.b_margin)

    def section(self, text: str, below: float = 8.0) -> None:
        """A section heading, kept with the first ``below`` mm of what follows it."""
        self.ensure_space(SECTION_H + below)
        pdf = self.pdf
        pdf.ln(1.2)
        self.font(8.8, True)
        pdf.cell(0, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y() + 0.3
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_y(y + 0.5)

    def _value_font(self, row: Row, size: float = SIZE) -> tuple[str, str, RGB]:
        """(family, style, colour) for a row's value: unanswered grey italic, yes bold, the rest plain."""
        if row.status in ("not_answered", "not_done"):
            try:
                row.value.encode("latin-1")
                return ITALIC, "I", GREY
            except UnicodeEncodeError:
                return FONT, "", GREY
        return FONT, "B" if row.status == "yes" else "", INK

    def _text_height(self, text: str, width: float, family: str = FONT, style: str = "", size: float = SIZE,
                     line: float = LINE) -> float:
        self.pdf.set_font(family, style, size)
        height = self.pdf.multi_cell(width, line, text, align="L", dry_run=True, output=MethodReturnValue.HEIGHT)
        return float(height)  # type: ignore[arg-type]

    def row_height(self, row: Row, width: float, label_w: float | None = None) -> float:
        label_w = label_w or width * LABEL_SHARE
        family, style, _ = self._value_font(row)
        label = self._text_height(_clean(row.label), label_w - 1.2)
        value = self._text_height(_clean(row.value), width - label_w, family, style)
        return max(label, value) + 2 * PAD

    def draw_row(self, row: Row, x: float, y: float, width: float, height: float, rule: bool = True,
                 value_colour: RGB | None = None, label_w: float | None = None) -> None:
        pdf = self.pdf
        label_w = label_w or width * LABEL_SHARE
        pdf.set_xy(x, y + PAD)
        self.font(SIZE, False, LABEL)
        pdf.multi_cell(label_w - 1.2, LINE, _clean(row.label), align="L")
        family, style, colour = self._value_font(row)
        pdf.set_font(family, style, SIZE)
        pdf.set_text_color(*(value_colour or colour))
        pdf.set_xy(x + label_w, y + PAD)
        pdf.multi_cell(width - label_w, LINE, _clean(row.value), align="L")
        if rule:
            with pdf.local_context():
                pdf.set_draw_color(226, 230, 234)
                pdf.set_line_width(0.15)
                pdf.line(x, y + height, x + width, y + height)

    def draw_title(self, text: str, x: float, y: float, width: float) -> None:
        pdf = self.pdf
        pdf.set_xy(x, y + 0.8)
        self.font(7.8, True)
        pdf.cell(width, 3.6, text)
        with pdf.local_context():
            pdf.set_draw_color(*MUTED)
            pdf.set_line_width(0.25)
            pdf.line(x, y + TITLE_H - 0.4, x + width, y + TITLE_H - 0.4)

    # ------------------------------------------------------------------ sections

    def result(self) -> None:
        s = self.s
        colour = URGENT if s.urgent_only else BAND_COLOURS.get(self.a.band, INK)
        pdf = self.pdf
        if s.urgent_only:  # after the alerts: keep the whole panel on one page (no findings in it)
            inner = self.width - 5.9
            self.ensure_space(3.6 + self.para_height(s.result, 10.5, True, h=5, w=inner - 40) + 3.5 + 0.8
                              + self.row_height(s.red_flags, inner, RED_FLAG_LABEL) + 6.4)
        with self.boxed(PANEL, colour, pad=2.2):
            self.font(7, True, MUTED)
            pdf.cell(0, 3.6, WORDS["result"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            right = WORDS["score"].format(score=s.score) if s.score is not None else WORDS["not_graded"]
            self.font(10, True, INK)
            right_w = pdf.get_string_width(right) + 2
            y = pdf.get_y()
            self.para(s.result, 10.5, True, colour, h=5, w=self.width - right_w - 4)
            after = pdf.get_y()
            pdf.set_xy(pdf.l_margin + self.width - right_w, y)
            self.font(10, True, INK if s.score is not None else MUTED)
            pdf.cell(right_w, 5, right, align="R")
            pdf.set_xy(pdf.l_margin, after)
            line = WORDS["coverage"].format(coverage=s.coverage)
            if s.unanswered_signs:
                line += " " + WORDS["unanswered_signs"].format(signs=", ".join(map(str, s.unanswered_signs)))
            self.para(line, 7.5, colour=MUTED, h=3.5)
            if not s.urgent_only:
                self.findings()
            pdf.ln(0.8)
            self.red_flag_row()

    def findings(self) -> None:
        """For and against nerve involvement, each finding with its LR and points, in two balanced columns."""
        pdf = self.pdf
        col = (self.width - COLUMN_GAP) / 2
        num_w = 24.0
        groups: list[tuple[str, RGB, list[Finding | None]]] = []
        for tone, title, colour in (("for", WORDS["for"], FOR), ("against", WORDS["against"], AGAINST)):
            items: list[Finding | None] = [f for f in self.s.findings if f.tone == tone]
            groups.append((title, colour, items or [None]))  # None: the group's "None" line
        heights = [[self._finding_height(f, col - num_w) for f in items] for _, _, items in groups]
        [columns] = _plan(heights, 1000, 1000, title_h=FINDING_TITLE_H, gap=1.2)
        x0, y0 = pdf.l_margin, pdf.get_y() + 1.2
        ends = [y0]
        for index, column in enumerate(columns):
            x, y = x0 + index * (col + COLUMN_GAP), y0
            for n, place in enumerate(column):
                title, colour, items = groups[place.block]
                if place.title:
                    y += 1.2 if place.row == 0 and n else 0
                    self._finding_title(title if place.row == 0 else WORDS["continued"].format(title=title), colour, x, y, col)
                    y += FINDING_TITLE_H
                finding = items[place.row]
                pdf.set_xy(x, y + 0.3)
                if finding is None:
                    self.font(7.3, False, GREY)
                    pdf.cell(col, 3.3, WORDS["no_findings"])
                else:
                    self.font(7.3, False, INK)
                    pdf.multi_cell(col - num_w, 3.3, _clean(finding.label), align="L")
                    pdf.set_xy(x + col - num_w, y + 0.3)
                    self.font(7.3, False, MUTED)
                    pdf.cell(num_w - 11, 3.3, _lr(finding.lr), align="R")
                    self.font(7.3, True, colour)
                    pdf.cell(11, 3.3, _points(finding.points), align="R")
                y += heights[place.block][place.row]
            ends.append(y)
        pdf.set_xy(x0, max(ends) + 0.4)
        self.para(WORDS["points_note"], 6.5, colour=MUTED, h=3)

    def _finding_height(self, finding: Finding | None, width: float) -> float:
        return (self._text_height(_clean(finding.label), width, size=7.3, line=3.3) if finding else 3.3) + 0.6

    def _finding_title(self, text: str, colour: RGB, x: float, y: float, width: float) -> None:
        pdf = self.pdf
        pdf.set_xy(x, y)
        self.font(6.8, True, colour)
        pdf.cell(width, 3.4, text)
        with pdf.local_context():
            pdf.set_draw_color(*colour)
            pdf.set_line_width(0.35)
            pdf.line(x, y + 3.6, x + width, y + 3.6)

    def red_flag_row(self) -> None:
        row = self.s.red_flags
        width, label_w = self.width, RED_FLAG_LABEL
        height = self.row_height(row, width, label_w)
        y = self.pdf.get_y()
        self.draw_row(row, self.pdf.l_margin, y, width, height, rule=False,
                      value_colour=URGENT if row.status == "yes" else None, label_w=label_w)
        self.pdf.set_xy(self.pdf.l_margin, y + height)

    def alerts(self) -> None:
        flags = list(self.a.red_flags)
        if not self.s.alerts:
            return
        lines = []
        for index, text in enumerate(self.s.alerts):
            flag = flags[index] if index < len(flags) and text.startswith(flags[index].title) else None
            # the summary's alert is "title: the runner's action"; the clinician's page keeps the title
            title = flag.title if flag else text.partition(": ")[0]
            level = CLINICIAN_LEVELS.get(flag.level, flag.level.upper()) if flag else ""
            reason = WORDS["inferred"].format(reason=flag.reason) if flag and flag.kind == "inferred" and flag.reason else ""
            lines.append((level, title, reason))
        tag_w = 22.0
        text_w = self.width - 5.9 - tag_w  # the panel's padding and border
        heights = [max(self.para_height(t, 8.3, True, h=3.9, w=text_w), 3.9)
                   + (self.para_height(r, 7.3, h=3.3, w=text_w) if r else 0) + 0.8 for _, t, r in lines]
        self.ensure_space(4.6 + sum(heights) + 7)
        pdf = self.pdf
        with self.boxed(URGENT_FILL, URGENT, pad=2.2):
            self.font(7, True, URGENT)
            pdf.cell(0, 3.6, WORDS["alerts"].upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.6)
            for (level, title, reason), _height in zip(lines, heights, strict=True):
                y = pdf.get_y()
                self.font(7.3, True, URGENT)
                pdf.cell(tag_w, 3.9, level)
                pdf.set_xy(pdf.l_margin + tag_w, y)
                self.para(title, 8.3, True, INK, h=3.9, w=text_w)
                if reason:
                    pdf.set_x(pdf.l_margin + tag_w)
                    self.para(reason, 7.3, colour=MUTED, h=3.3, w=text_w)
                pdf.ln(0.8)

    def blocks(self) -> None:
        blocks: list[Block] = [b for b in self.s.blocks if b.rows]
        if not blocks:
            return
        pdf = self.pdf
        col = (self.width - COLUMN_GAP) / 2
        heights = [[self.row_height(row, col) for row in b.rows] for b in blocks]
        pdf.ln(1.5)
        top_room = self.bottom - pdf.get_y()
        full_room = pdf.h - BOTTOM - self.content_top
        pages = _plan(heights, top_room, full_room)
        for number, columns in enumerate(pages):
            if number:
                pdf.add_page()
            y0 = pdf.get_y()
            ends = [y0]
            for index, column in enumerate(columns):
                x = pdf.l_margin + index * (col + COLUMN_GAP)
                y = y0
                for n, place in enumerate(column):
                    block = blocks[place.block]
                    if place.title:
                        if place.row == 0 and n:
                            y += BLOCK_GAP
                        title = block.title if place.row == 0 else WORDS["continued"].format(title=block.title)
                        self.draw_title(_clean(title), x, y, col)
                        y += TITLE_H
                    height = heights[place.block][place.row]
                    self.draw_row(block.rows[place.row], x, y, col, height)
                    y += height
                ends.append(y)
            pdf.set_xy(pdf.l_margin, max(ends))

    def _later_height(self, journal: bool = True) -> float:
        """Roughly what the journal (unless it goes beside the map) and the note take after the areas."""
        height = 0.0
        if self.s.journal and journal:
            height += SECTION_H + 1.2 + self._journal_height(self.width)
        if self.s.note.strip():
            height += SECTION_H + 1.2 + self.para_height(_clean(self.s.note.strip()), 7.8, h=3.5)
        return height

    def _areas_layout(self, beside: bool) -> _AreasLayout:
        s = self.s
        pdf = self.pdf
        nerves = not s.urgent_only
        has_map = bool(self.answers.regions) or bool(self.a.nerves and nerves)
        columns = 2 if len(s.regions) > 6 else 1
        room = self.bottom - pdf.get_y() - SECTION_H - 2.5 - self._later_height(journal=not beside)
        map_h = min(MAP_H[1], max(MAP_H[0], room)) if has_map else 0.0
        map_w = max(44.0, (map_h - 13) * MAP_ASPECT) if has_map else 0.0
        text_w = self.width - (map_w + 5 if has_map else 0)
        region_w = (text_w - (columns - 1) * 3) / columns
        region_h = [self.para_height(r, 7.3, h=3.3, w=region_w - BULLET) for r in s.regions]
        per_column = -(-len(region_h) // columns)
        regions_h = max((sum(region_h[c * per_column:(c + 1) * per_column]) for c in range(columns)), default=3.6)
        nerve_h = sum(self.para_height(n, 7.3, True, h=3.3, w=text_w - 5) + 0.5 for n in s.nerves) or 3.6
        text_h = 4 + regions_h + (6 + nerve_h if nerves else 0)
        if beside:
            text_h += 2 + 3.9 + self._journal_height(text_w)
        return _AreasLayout(nerves, has_map, beside, map_h, map_w, text_w, columns, region_w, region_h, per_column,
                            regions_h, text_h)

    def areas(self) -> None:
        """The marked areas and the suspected nerves beside a small body map drawn with them, and the
        journal under them where it fits beside the map."""
        s = self.s
        pdf = self.pdf
        for fresh in (False, True):  # this page, or the next when even the smallest map does not fit here
            layout = self._areas_layout(beside=False)
            if s.journal and layout.has_map:
                with_journal = self._areas_layout(beside=True)
                if with_journal.text_h <= with_journal.map_h:
                    layout = with_journal
            need = max(layout.text_h, layout.map_h) + 1
            if fresh or pdf.get_y() + SECTION_H + 1.2 + need <= self.bottom:
                break
            pdf.add_page()
        self.journal_shown = layout.beside
        nerves, has_map, map_h, map_w, text_w = layout.nerves, layout.has_map, layout.map_h, layout.map_w, layout.text_w
        columns, region_w, region_h, per_column, regions_h = (layout.columns, layout.region_w, layout.region_h,
                                                             layout.per_column, layout.regions_h)
        left = pdf.l_margin + (map_w + 5 if has_map else 0)
        self.section(WORDS["areas_nerves"] if nerves else WORDS["areas"], need)
        top = pdf.get_y() + 0.8

        colours: dict[str, RGB] = {}
        if has_map:
            colours = self._body_map(pdf.l_margin, top, map_w, map_h, max_nerves=4 if nerves else 0, legend=LEGEND)
        y = self._caption(WORDS["areas_title"], left, top, text_w)
        if not s.regions:
            y = self._grey(WORDS["no_areas"], left, y, text_w)
        for c in range(columns):
            yy = y
            for index in range(c * per_column, min((c + 1) * per_column, len(s.regions))):
                x = left + c * (region_w + 3)
                self.font(7.3, False, INK)
                pdf.set_xy(x, yy)
                pdf.cell(BULLET, 3.3, "•")
                pdf.set_xy(x + BULLET, yy)
                pdf.multi_cell(region_w - BULLET, 3.3, _clean(s.regions[index]), align="L")
                yy += region_h[index]
        if s.regions:
            y += regions_h
        if nerves:
            y = self._caption(WORDS["nerves_title"], left, y + 2, text_w)
            if not s.nerves:
                y = self._grey(WORDS["no_nerves"], left, y, text_w)
            for index, line in enumerate(s.nerves):
                nerve = self.a.nerves[index] if index < len(self.a.nerves) else None
                colour = colours.get(nerve.id) if nerve else None
                if colour:  # the nerve's colour on the map
                    with pdf.local_context():
                        pdf.set_draw_color(*colour)
                        pdf.set_line_width(1.0)
                        pdf.line(left, y + 1.7, left + 3.5, y + 1.7)
                name, _, where = line.partition(": ")
                self._lead_line(left + 5, y, text_w - 5, name + (": " if where else ""), where)
                y = pdf.get_y() + 0.5
        if layout.beside:
            y = self._caption(WORDS["journal"].upper(), left, y + 2, text_w)
            y = self._journal_at(left, y, text_w)
        pdf.set_xy(pdf.l_margin, max(top + map_h, y) + 0.5)

    def _caption(self, text: str, x: float, y: float, width: float) -> float:
        self.pdf.set_xy(x, y)
        self.font(6.8, True, MUTED)
        self.pdf.cell(width, 3.6, text)
        return y + 3.9

    def _grey(self, text: str, x: float, y: float, width: float) -> float:
        self.pdf.set_xy(x, y)
        self.font(7.3, False, GREY)
        self.pdf.cell(width, 3.3, text)
        return y + 3.6

    def _lead_line(self, x: float, y: float, width: float, lead: str, rest: str, size: float = 7.3, line: float = 3.3,
                   colour: RGB = INK) -> None:
        """``lead`` in bold running on into ``rest``, wrapped within ``width`` from ``x``; ends on the next line."""
        pdf = self.pdf
        left, right = pdf.l_margin, pdf.r_margin
        pdf.set_left_margin(x)
        pdf.set_right_margin(pdf.w - x - width)
        pdf.set_xy(x, y)
        self.font(size, True, colour)
        pdf.write(line, _clean(lead))
        self.font(size, False, colour)
        pdf.write(line, _clean(rest))
        pdf.ln(line)
        pdf.set_left_margin(left)
        pdf.set_right_margin(right)

    def _journal_height(self, width: float) -> float:
        lines = self.s.journal
        if not lines:
            return 0.0
        return (self.para_height(lines[0], 7.5, h=3.4, w=width) + 0.3
                + sum(self.para_height(line, 7.4, h=3.3, w=width - BULLET) for line in lines[1:]))

    def _journal_at(self, x: float, y: float, width: float) -> float:
        """The journal's trend (bold verdict, then why) and its summary lines, from (x, y); returns the end."""
        pdf = self.pdf
        lines = self.s.journal
        label, _, reason = lines[0].partition(": ")
        self._lead_line(x, y, width, label + (": " if reason else ""), reason, 7.5, 3.4)
        y = pdf.get_y() + 0.3
        for line in lines[1:]:
            if y + 3.3 > self.bottom:
                pdf.add_page()
                y = pdf.get_y()
            self.font(7.4, False, LABEL)
            pdf.set_xy(x, y)
            pdf.cell(BULLET, 3.3, "•")
            pdf.set_xy(x + BULLET, y)
            pdf.multi_cell(width - BULLET, 3.3, _clean(line), align="L")
            y = pdf.get_y()
        return y

    def journal(self) -> None:
        if not self.s.journal or self.journal_shown:
            return
        self.section(WORDS["journal"], self.para_height(self.s.journal[0], 7.5, h=3.4) + 1)
        y = self._journal_at(self.pdf.l_margin, self.pdf.get_y(), self.width)
        self.pdf.set_xy(self.pdf.l_margin, y)

    def note(self) -> None:
        if not self.s.note.strip():
            return
        text = _clean(self.s.note.strip())
        self.section(WORDS["note"], min(self.para_height(text, 7.8, h=3.5), 14))
        self.para(text, 7.8, h=3.5)

    def build(self) -> bytes:
        if self.s.urgent_only:
            self.alerts()
            self.result()
        else:
            self.result()
            self.alerts()
        self.blocks()
        self.areas()
        self.journal()
        self.note()
        return bytes(self.pdf.output())


def build_clinician_report(answers: Answers, assessment: Assessment, today: dt.date | None = None) -> bytes:
    """The clinician's PDF as bytes (nothing is written to disk)."""
    content = load_content()
    summary = clinician_summary(answers, assessment, today or dt.date.today(), content=content)
    return _ClinicianReport(answers, assessment, content, summary).build()

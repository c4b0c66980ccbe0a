"""The PDF a runner hands to a clinician: one or two pages, read at a glance.

Order follows what a clinician needs first: who and when, anything urgent, the band, the
six signs with their points, what else moved the score, where it hurts (a body map drawn
from the same geometry as the app, without a browser), the suspected nerves and why, the
next steps and the limits of a self-screen. After an emergency or urgent answer the report
is only the urgent guidance (``build_urgent``): what to do now, the number to call, what
raised it, what to tell the clinician and where it hurts; no band, score or self-care.
A Unicode font is embedded so that dashes, arrows and accented names print as typed.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import MethodReturnValue

from nervetriage.content import Content, load_content
from nervetriage.models import Answers, Assessment, RegionPain
from nervetriage.safetext import visible
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import emergency_number, urgent_flags

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

RGB = tuple[int, int, int]
INK: RGB = (33, 37, 41)
MUTED: RGB = (96, 102, 110)
RULE: RGB = (206, 212, 218)
PANEL: RGB = (245, 247, 249)
URGENT: RGB = (176, 32, 32)
URGENT_FILL: RGB = (253, 236, 236)
EXAMPLE_FILL: RGB = (255, 246, 214)
BAND_COLOURS: dict[str, RGB] = {
    "not_enough": (84, 110, 122),
    "unlikely": (46, 125, 50),
    "possible": (191, 110, 0),
    "likely": (94, 53, 177),
}
MIN_MAP_H = 84.0  # mm: below this the figure gets too small to read
MAX_MAP_H = 112.0
JOURNAL_ROWS = 8  # the latest weeks; the trend line summarises all of them
LEVEL_WORDS = {"emergency": "EMERGENCY", "urgent": "URGENT", "professional": "CHECK FIRST"}
SIDE_WORDS = {"left": "left", "right": "right", "both": "both sides"}
HEADING_H = 9.5  # mm a ``heading`` takes: space above, the line, the rule and space below
NOT_RATED_CLINIC = "not rated (marked by the clinic)"
NOT_RATED = "not rated"

DISCLAIMER = (
    "NerveTriage is a self-assessment screen, not a diagnosis or a medical device. It weighs the six signs of nerve-related "
    "running pain described by physiotherapist Joe Uhan (iRunFar), and a few other findings, as evidence: each answer multiplies "
    "the odds of nerve involvement by a likelihood ratio, taken from published figures where they exist and from expert "
    "judgement where they do not; no validated questionnaire uses these signs. A self-report can at most suggest that nerve "
    "involvement is possible: only a clinical examination, and sometimes tests, can confirm it. The answers were entered by "
    "the runner and have not been checked."
)
POINTS_NOTE = (
    "Points are 10 × ln(likelihood ratio) and add up: +7 about doubles the odds of nerve involvement, −7 halves them; "
    "they start at {prior} %."
)
EVIDENCE_WORDS = {"measured": "measured in a study", "derived": "derived from related figures", "expert": "expert judgement"}
ANSWER_FIRST = "Answer the questions that decide it"
NOT_ENOUGH_STEP = (
    "Too little is answered yet for advice to fit. Answer the questions listed under the result first; the band and its next "
    "steps follow from them."
)


class _Pdf(FPDF):
    """FPDF with our footer: page number and the disclaimer's one-line reminder."""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, "NerveTriage self-assessment – a screen, not a diagnosis", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")


# --------------------------------------------------------------------------- pure helpers


def next_steps(assessment: Assessment, content: Content | None = None) -> list[tuple[str, str]]:
    """(title, text) pairs: urgent guidance first, then the advice that fits the band."""
    content = content or load_content()
    steps: list[tuple[str, str]] = []
    if assessment.urgency != "none":
        steps.append(("Safety first", assessment.urgency_message))
    if assessment.urgent_only:
        return steps  # only getting care: nothing else beside an urgent result
    if assessment.band == "not_enough":
        # no verdict yet, so no self-care advice: only what would give one
        return [*steps, (ANSWER_FIRST, NOT_ENOUGH_STEP)]
    for advice in assessment.next_steps:
        text = advice.text
        if advice.id == "avoid_aggravating" and assessment.avoid:
            text = "Some ordinary treatments can irritate a sensitive nerve: " + "; ".join(
                item.rstrip(".").lower() for item in assessment.avoid
            ) + "."
        steps.append((advice.title, text))
    return steps


def _journal_trend(answers: Answers) -> Any | None:
    """The journal helper's verdict when that module is present (it is optional here)."""
    if not answers.journal:
        return None
    try:
        journal = importlib.import_module("nervetriage.journal")
        return journal.assess_trend(list(answers.journal))
    except Exception:  # an optional section must never stop the report
        return None




def _clean(text: str) -> str:
    """Typed text as the pages show it: bidi controls as visible marks, other controls removed."""
    return visible(text)


def _one_line(text: str) -> str:
    """Typed text for a one-line place (a name in a header): ``_clean``, and white space folded."""
    return " ".join(visible(text, keep_newlines=False).split())


GENERIC_REASON = ": a usual source of nerve pain here."


def _nerve_lines(reasons: list[str]) -> list[str]:
    """Fold the scorer's one-line-per-region reasons into "Fits: a, b" plus the specific ones."""
    generic = [r.removesuffix(GENERIC_REASON) for r in reasons if r.endswith(GENERIC_REASON)]
    specific = [r for r in reasons if not r.endswith(GENERIC_REASON)]
    lines = [f"Usual source of pain in: {', '.join(g.lower() for g in generic)}."] if generic else []
    return lines + specific


def _strength(region: RegionPain) -> str:
    """'7/10', or what an area the clinic marked says until it is rated."""
    if region.intensity is not None:
        return f"{region.intensity}/10"
    return NOT_RATED_CLINIC if region.from_clinic else NOT_RATED


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _rgb(colour: str) -> RGB:
    """'#rrggbb' -> (r, g, b)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _percent(coverage: float) -> int:
    """The answered share of the evidence as a whole percentage; never 0 once anything counts."""
    percent = round(100 * coverage)
    return 1 if coverage > 0 and percent == 0 else percent


def _points(value: float) -> str:
    rounded = round(value, 1)
    text = f"{rounded:g}"
    return f"+{text}" if rounded > 0 else text.replace("-", "−")


# --------------------------------------------------------------------------- writer


class _Writer:
    """An A4 page writer with the pieces both PDFs share: fonts, paragraphs, headings, panels
    and the body map. ``pdf`` is the FPDF to draw on (its ``header`` and ``footer`` frame
    every page), a fresh ``_Pdf`` when not given; ``bottom`` is the bottom margin."""

    def __init__(self, answers: Answers, assessment: Assessment, content: Content, today: dt.date,
                 pdf: FPDF | None = None, title: str = "NerveTriage self-assessment report", bottom: float = 13.5) -> None:
        self.answers = answers
        self.a = assessment
        self.content = content
        self.today = today
        pdf = pdf or _Pdf(orientation="P", unit="mm", format="A4")
        pdf.set_margins(14, 12, 14)
        pdf.set_auto_page_break(auto=True, margin=bottom)
        pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdf.set_title(title)
        pdf.set_author("NerveTriage")
        pdf.set_creator("NerveTriage")
        pdf.set_creation_date(dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC))
        pdf.alias_nb_pages()
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def font(self, size: float, bold: bool = False, colour: RGB = INK) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def para(self, text: str, size: float = 8.5, bold: bool = False, colour: RGB = INK, h: float = 4.0, w: float = 0) -> None:
        self.font(size, bold, colour)
        self.pdf.multi_cell(w, h, _clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para_height(self, text: str, size: float = 8.5, bold: bool = False, h: float = 4.0, w: float = 0) -> float:
        """How tall ``para`` would make this text, without writing it."""
        self.font(size, bold)
        height = self.pdf.multi_cell(w, h, _clean(text), align="L", dry_run=True, output=MethodReturnValue.HEIGHT)
        return float(height)  # type: ignore[arg-type]  # HEIGHT alone returns a float

    def heading(self, text: str) -> None:
        self.ensure_space(18)
        self.pdf.ln(2.5)
        self.font(10.5, True)
        self.pdf.cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.pdf.get_y()
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.3)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
        self.pdf.ln(1.5)

    def ensure_space(self, needed: float) -> None:
        if self.pdf.get_y() + needed > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()

    @contextmanager
    def boxed(self, fill: RGB, border: RGB | None = None, pad: float = 2.5) -> Iterator[None]:
        """Draw a filled panel behind whatever the block writes (single page blocks only)."""
        pdf = self.pdf
        self.ensure_space(20)
        x0, y0, page = pdf.l_margin, pdf.get_y(), pdf.page
        pdf.set_y(y0 + pad)
        pdf.set_left_margin(x0 + pad + (1.5 if border else 0))
        pdf.set_right_margin(pdf.r_margin + pad)
        with pdf.local_context():
            pdf.set_x(pdf.l_margin)
            yield
        y1 = pdf.get_y() + pad
        pdf.set_left_margin(x0)
        pdf.set_right_margin(pdf.r_margin - pad)
        if pdf.page == page:  # a block that ran onto the next page keeps its text, without the panel
            self._underlay(x0, y0, self.width, y1 - y0, fill, border)
        pdf.set_y(y1 + 2)

    def _underlay(self, x: float, y: float, w: float, h: float, fill: RGB, border: RGB | None) -> None:
        """fpdf2 cannot draw behind text, so draw the panel last and move its bytes first in the page stream."""
        pdf = self.pdf
        contents = pdf.pages[pdf.page].contents
        if not isinstance(contents, bytearray):  # not expected while building; skip the panel rather than hide text
            return
        before = len(contents)
        with pdf.local_context():
            pdf.set_fill_color(*fill)
            pdf.rect(x, y, w, h, style="F")
            if border:
                pdf.set_fill_color(*border)
                pdf.rect(x, y, 1.5, h, style="F")
        drawn = bytes(contents[before:])
        del contents[before:]
        contents[:0] = drawn

    def _body_map(self, x: float, y: float, w: float, h: float, max_nerves: int = 4,
                  legend: dict[str, str] | None = None) -> dict[str, RGB]:
        """Front and back outlines, painful regions shaded, suspected nerves' courses drawn.

        Renders the body map's own ``Drawing`` (the one the app's figure is built from) with
        fpdf2 lines and polygons: no browser, no image export. Returns the nerve colours by
        nerve id so the list beside the map can use the same ones. ``legend``: other words
        for legend rows, by legend group (the clinician's PDF speaks of "the client").
        """
        from nervetriage import bodymap

        drawing = bodymap.results_drawing(self.answers, self.a, max_nerves=max_nerves)
        offsets = bodymap.view_offsets(drawing.views)
        xs: list[float] = []
        ys: list[float] = []
        for view in drawing.views:
            x0, x1, y0, y1 = bodymap.view_bounds(view)
            xs += [x0 + offsets[view], x1 + offsets[view]]
            ys += [y0 - 6, y1 + 10]  # room for the soles' caption and the view titles
        legend_h = 4.0 * sum(1 for e in drawing.legend if not e.group.startswith("nerve:")) + 1
        map_h = h - legend_h
        scale = min(w / (max(xs) - min(xs)), map_h / (max(ys) - min(ys)))
        left = x + (w - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
        top = y + max(ys) * scale

        def to_pdf(view: str, px: float, py: float) -> tuple[float, float]:
            return left + (px + offsets[view]) * scale, top - py * scale  # type: ignore[index]

        pdf = self.pdf
        stroke = 0.12  # mm of PDF line per pixel of the app's figure line
        for shape in drawing.shapes:
            points = [to_pdf(shape.view, px, py) for px, py in shape.points]
            closed = len(points) > 2 and shape.points[0] == shape.points[-1]
            opacity = shape.fill_opacity if shape.fill and closed and shape.fill_opacity < 1 else None
            with pdf.local_context(**({"fill_opacity": opacity} if opacity is not None else {})):
                style = ""
                if shape.fill and closed:
                    pdf.set_fill_color(*_rgb(shape.fill))
                    style += "F"
                if shape.line:
                    pdf.set_draw_color(*_rgb(shape.line))
                    pdf.set_line_width(max(shape.width * stroke, 0.1))
                    if shape.dash != "solid":
                        dash = 0.35 if shape.dash == "dot" else 1.2
                        pdf.set_dash_pattern(dash=dash, gap=0.6)
                    style = "D" + style
                if not style:
                    continue
                if closed:
                    pdf.polygon(points, style=style)
                else:
                    pdf.polyline(points)
        for mark in drawing.marks:
            cx, cy = to_pdf(mark.view, mark.x, mark.y)
            r = 1.1
            with pdf.local_context():
                pdf.set_draw_color(*_rgb(mark.colour))
                pdf.set_line_width(0.45)
                pdf.line(cx - r, cy - r, cx + r, cy + r)
                pdf.line(cx - r, cy + r, cx + r, cy - r)
        for text in drawing.texts:
            tx, ty = to_pdf(text.view, text.x, text.y)
            size = max(text.size * 0.55, 5.0)
            self.font(size, text.bold, _rgb(text.colour))
            width = pdf.get_string_width(text.text)
            pdf.text(tx - width / 2, ty + size * 0.35 * 0.3528, text.text)
        if drawing.message:
            self.font(7.5, False, MUTED)
            pdf.set_xy(x, y + map_h / 2)
            pdf.cell(w, 4, drawing.message, align="C")
        # legend rows for everything but the nerves (the list beside the map names those)
        ly = y + map_h + 1
        for entry in drawing.legend:
            if entry.group.startswith("nerve:"):
                continue
            colour = _rgb(entry.colour)
            with pdf.local_context():
                if entry.kind == "fill":
                    pdf.set_fill_color(*colour)
                    pdf.set_draw_color(179, 88, 6)
                    pdf.set_line_width(0.15)
                    pdf.rect(x + 1, ly + 0.6, 4, 2.4, style="DF")
                elif entry.kind == "marker":
                    pdf.set_draw_color(*colour)
                    pdf.set_line_width(0.4)
                    pdf.line(x + 2, ly + 0.7, x + 4, ly + 2.9)
                    pdf.line(x + 2, ly + 2.9, x + 4, ly + 0.7)
                else:
                    pdf.set_draw_color(*colour)
                    pdf.set_line_width(0.5)
                    pdf.line(x + 1, ly + 1.8, x + 5, ly + 1.8)
            self.font(7, False, MUTED)
            pdf.set_xy(x + 6.5, ly)
            pdf.cell(w - 6.5, 3.6, (legend or {}).get(entry.group, entry.label))
            ly += 4.0
        return {e.group.removeprefix("nerve:"): _rgb(e.colour) for e in drawing.legend if e.group.startswith("nerve:")}


class _Report(_Writer):
    """Lays the runner's report out top to bottom on A4."""

    # ------------------------------------------------------------------ sections

    def header(self) -> None:
        pdf = self.pdf
        self.font(16, True)
        pdf.cell(0, 8, "NerveTriage report", new_x=XPos.LMARGIN)
        self.font(9, False, MUTED)
        pdf.cell(0, 8, f"{self.today:%d %B %Y}".lstrip("0"), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.para("Self-assessment screen for nerve-related running pain, based on the six signs in Joe Uhan's iRunFar article.",
                  8, colour=MUTED)
        if self.answers.client:
            self.para(f"Runner: {_one_line(self.answers.client)}", 9, True)
        pdf.ln(1)
        origin = self.answers.origin
        if origin and origin.example:
            title = self._example_title(origin.example)
            with self.boxed(EXAMPLE_FILL):
                self.para(f"Example case: {title}", 9, True)
                self.para("These are invented answers for teaching, not a real person's.", 8, colour=MUTED)
        elif origin and origin.clinic:
            self.para(f"Link prepared by: {origin.clinic}", 9, True)
        pdf.ln(1)

    def _example_title(self, example_id: str) -> str:
        try:
            examples = importlib.import_module("nervetriage.examples")
            return str(examples.get_example(example_id).title)
        except Exception:  # the examples module is optional; the id is still informative
            return example_id.replace("_", " ")

    def urgent(self) -> None:
        a = self.a
        if a.urgency == "none":
            return
        with self.boxed(URGENT_FILL, URGENT):
            self.para(f"{LEVEL_WORDS[a.urgency]}: read this first", 11, True, URGENT, h=5.5)
            self.para(a.urgency_message, 9, h=4.4)
            self.pdf.ln(1)
            for flag in a.red_flags:
                self.para(f"• {flag.title} ({LEVEL_WORDS.get(flag.level, flag.level).lower()})", 8.5, True, h=4.2)
                self.pdf.set_x(self.pdf.l_margin + 3)
                self.para(flag.action, 8.5, w=self.width - 3)
                if flag.kind == "inferred" and flag.reason:
                    self.pdf.set_x(self.pdf.l_margin + 3)
                    self.para(f"Not ticked; raised from the answers: {flag.reason}", 8, colour=MUTED, w=self.width - 3, h=3.8)

    def band(self) -> None:
        a = self.a
        colour = BAND_COLOURS[a.band]
        verdict = a.band != "not_enough"
        percent = _percent(a.coverage)
        with self.boxed(PANEL, colour):
            self.font(8, True, MUTED)
            self.pdf.cell(0, 4, "RESULT OF THE SCREEN", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.font(14, True, colour)
            self.pdf.cell(self.width - 44, 7, a.band_label)
            self.font(10, True, INK if verdict else MUTED)
            right = f"score {a.score} / 100" if verdict else f"{percent} % answered"
            self.pdf.cell(0, 7, right, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.para(a.band_meaning, 8.5, h=4.2)
            if a.urgency != "none":
                self.para("The safety guidance above outranks this band.", 8, True, URGENT)
            if verdict:
                self.para(f"Based on {percent} % of the questions that matter (weighted by how far each can move the result).",
                          8, colour=MUTED)
            else:
                self.para("No score yet: one is given once enough of the questions that matter are answered to weigh them.",
                          8, colour=MUTED)
            if a.partial and verdict:
                missing = []
                if a.unanswered:
                    missing.append(f"signs {', '.join(map(str, a.unanswered))} not answered")
                if self.answers.red_flags is None:
                    missing.append("safety questions not answered")
                if missing:
                    self.para("Partial answers: " + "; ".join(missing) + ".", 8, True, MUTED)
            self._deciding(verdict)

    def _deciding(self, verdict: bool) -> None:
        """The unanswered questions that would move the result most, with the step that asks them."""
        questions = self.a.deciding
        if not questions and (verdict or self.answers.red_flags is not None):
            return
        nav = load_ui_text().nav
        self.pdf.ln(0.8)
        if verdict:  # one line's worth: the verdict stands, these could still move it
            listed = "; ".join(f"{q.label.rstrip('.')} – {nav.get(q.page, q.page)}" for q in questions)
            self.para(f"Still open, and could change it: {listed}.", 8, colour=MUTED, h=3.8)
            return
        self.para("The questions that would decide it:", 8, True)
        for q in questions:
            self.pdf.set_x(self.pdf.l_margin + 2)
            self.para(f"• {q.label} – {nav.get(q.page, q.page)}", 8, colour=INK if not verdict else MUTED, w=self.width - 2, h=3.8)
        if not verdict and self.answers.red_flags is None and not any(q.page == "safety" for q in questions):
            self.pdf.set_x(self.pdf.l_margin + 2)
            self.para(f"• The safety questions – {nav['safety']}", 8, w=self.width - 2, h=3.8)

    def _sign_text(self, number: int, reasons: list[str]) -> str:
        """Each finding's sentence with its own points, so a clinician sees what drove the total."""
        found = [f for f in self.a.findings if f.sign == number]
        if not found:
            return " ".join(reasons) or "—"
        return " ".join(f"{f.reason} [{_points(f.points)}]" for f in found)

    def _row_height(self, cells: list[tuple[str, float, bool]], size: float = 8, line: float = 3.9,
                    pad: tuple[float, float] = (1.1, 1.2)) -> float:
        """How tall a table row of (text, column width, bold) cells will be (fpdf2 never splits a row)."""
        return max(self.para_height(text, size, bold, h=line, w=width - 2 * pad[1]) for text, width, bold in cells) + 2 * pad[0]

    def _heading_with(self, text: str, below: float) -> None:
        """A heading kept on one page with the first ``below`` mm under it (a note and a table's first rows)."""
        self.ensure_space(HEADING_H + below)
        self.heading(text)

    def signs(self) -> None:
        widths = (8, 52, 22, self.width - 82)
        note = POINTS_NOTE.format(prior=round(100 * self.a.prior))
        first = self.a.signs[0] if self.a.signs else None
        below = self.para_height(note, 7.5, h=3.4) + 0.5 + self._row_height([("Points", widths[2], True)], 7.5)
        if first is not None:
            text = self._sign_text(first.number, first.reasons) if first.answered else "Not answered."
            below += self._row_height([(first.title, widths[1], True), (text, widths[3], False)])
        self._heading_with("The six signs", below)
        pdf = self.pdf
        self.para(note, 7.5, colour=MUTED, h=3.4)
        pdf.ln(0.5)
        self.font(8)
        heading_style = FontFace(emphasis="BOLD", color=MUTED, fill_color=(255, 255, 255), size_pt=7.5)
        with pdf.table(
            col_widths=widths,
            width=self.width,
            line_height=3.9,
            text_align=("LEFT", "LEFT", "RIGHT", "LEFT"),
            headings_style=heading_style,
            borders_layout="HORIZONTAL_LINES",
            padding=(1.1, 1.2),
            v_align="TOP",
        ) as table:
            head = table.row()
            for text in ("#", "Sign", "Points", "What the answers say"):
                head.cell(text)
            for sign in self.a.signs:
                row = table.row()
                row.cell(str(sign.number), style=FontFace(emphasis="BOLD"))
                row.cell(sign.title, style=FontFace(emphasis="BOLD"))
                if sign.answered:
                    row.cell(f"{_points(sign.points)} of {sign.max_points:g}")
                    row.cell(self._sign_text(sign.number, sign.reasons))
                else:
                    grey = FontFace(color=MUTED)
                    row.cell("—", style=grey)
                    row.cell("Not answered.", style=grey)

    def adjustments(self) -> None:
        items = [*self.a.modifiers, *self.a.counter_evidence]
        if not items:
            return
        first = items[0]
        self._heading_with("Other findings and counter-evidence", self._row_height(
            [(f"against: {first.label}", 52, True), ("+00.0 (LR 0.00)", 22, False), (first.reason, self.width - 74, False)]))
        lrs = {f.id: f.lr for f in self.a.findings}
        with self.pdf.table(
            col_widths=(52, 22, self.width - 74),
            width=self.width,
            line_height=3.9,
            text_align=("LEFT", "RIGHT", "LEFT"),
            first_row_as_headings=False,
            borders_layout="HORIZONTAL_LINES",
            padding=(1.1, 1.2),
            v_align="TOP",
        ) as table:
            self.font(8)
            for item in items:
                row = table.row()
                kind = "" if item.points >= 0 else "against: "
                row.cell(f"{kind}{item.label}", style=FontFace(emphasis="BOLD"))
                lr = lrs.get(item.id)
                row.cell(_points(item.points) + (f" (LR {lr:.2g})" if lr else ""),
                         style=FontFace(color=(46, 125, 50) if item.points < 0 else INK))
                row.cell(item.reason)

    def _map_room(self) -> float:
        pdf = self.pdf
        return float(pdf.h - pdf.b_margin - pdf.get_y() - 12)

    def _map_fits(self) -> bool:
        return self._map_room() >= MIN_MAP_H

    def where(self, nerves: bool = True) -> None:
        """Body map on the left, painful regions and suspected nerves on the right (``nerves``
        False: the painful regions only, for the urgent report)."""
        pdf = self.pdf
        map_w, gap = 72.0, 8.0
        # as tall as possible up to MAX_MAP_H; shrink to use page 1 rather than leave it half empty
        room = self._map_room()
        map_h = min(MAX_MAP_H, room) if room >= MIN_MAP_H else MAX_MAP_H
        self.ensure_space(map_h + 12)
        self.heading("Where it hurts and the nerves that fit" if nerves else "Where it hurts")
        top = pdf.get_y()
        colours = self._body_map(pdf.l_margin, top, map_w, map_h, max_nerves=4 if nerves else 0)
        left = pdf.l_margin
        pdf.set_left_margin(left + map_w + gap)
        pdf.set_xy(left + map_w + gap, top)
        col = pdf.w - pdf.r_margin - pdf.l_margin
        self._regions_and_nerves(col, colours, nerves)
        bottom = max(pdf.get_y(), top + map_h)
        pdf.set_left_margin(left)
        pdf.set_xy(left, bottom + 1)

    def _regions_and_nerves(self, col: float, colours: dict[str, RGB], nerves: bool = True) -> None:
        pdf = self.pdf
        labels = {r.id: r.label for r in self.content.regions}
        self.font(8, True, MUTED)
        pdf.cell(col, 4, "PAINFUL AREAS", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.answers.regions:
            # strongest first; areas the clinic marked and nobody rated yet come last
            for r in sorted(self.answers.regions, key=lambda r: -1 if r.intensity is None else -r.intensity):
                self.para(f"• {labels.get(r.region, r.region)} – {SIDE_WORDS[r.side]}, {_strength(r)}", 8.5, w=col)
        else:
            self.para("No painful areas were marked.", 8.5, colour=MUTED, w=col)
        if self.a.sites:
            site_labels = {s.id: s.label.lower() for s in self.content.sites}
            lead = "Stiff or painful along the path: " if nerves else "Also stiff or painful: "
            self.para(lead + ", ".join(site_labels[s] for s in self.a.sites) + ".", 8.5, w=col)
        if not nerves:
            return
        pdf.ln(1.5)
        self.font(8, True, MUTED)
        pdf.cell(col, 4, "NERVES THAT FIT, MOST LIKELY FIRST", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not self.a.nerves:
            self.para("None: mark the painful areas to see which nerves could be involved.", 8.5, colour=MUTED, w=col)
        shown: list[Any] = []
        bottom = pdf.h - pdf.b_margin
        for index, nerve in enumerate(self.a.nerves[:4]):
            sides = ", ".join(SIDE_WORDS[s] for s in nerve.sides)
            title = f"{nerve.name} ({nerve.roots}) – {sides}"
            lines = _nerve_lines(nerve.reasons)[:2]
            needed = self.para_height(title, 8.5, True, w=col) + 0.6
            needed += sum(self.para_height(f"→ {line}", 8, w=col - 3, h=3.7) for line in lines)
            later = self.a.nerves[index + 1 :]
            if later:  # room for the line naming the ones not shown
                needed += self.para_height("Also possible: " + ", ".join(n.name for n in later) + ".", 8, w=col)
            if shown and pdf.get_y() + needed > bottom:
                break  # the list would run off the page beside the map: name the rest in one line
            shown.append(nerve)
            colour = colours.get(nerve.id)
            if colour:
                with pdf.local_context():
                    pdf.set_draw_color(*colour)
                    pdf.set_line_width(1.0)
                    pdf.line(pdf.l_margin - 4.5, pdf.get_y() + 2.0, pdf.l_margin - 1.0, pdf.get_y() + 2.0)
            self.para(title, 8.5, True, w=col)
            for line in lines:
                pdf.set_x(pdf.l_margin + 3)
                self.para(f"→ {line}", 8, w=col - 3, h=3.7)
            pdf.ln(0.6)
        if len(self.a.nerves) > len(shown):
            rest = ", ".join(n.name for n in self.a.nerves[len(shown):])
            self.para(f"Also possible: {rest}.", 8, colour=MUTED, w=col)

    def note(self) -> None:
        if not self.answers.note:
            return
        self.heading("The runner's own words")
        self.para(self.answers.note, 8.5)

    def steps(self) -> None:
        self.heading("Next steps")
        pdf = self.pdf
        for title, text in next_steps(self.a, self.content):
            self.ensure_space(10)
            urgent = title == "Safety first"
            self.font(8.5, True, URGENT if urgent else INK)
            pdf.write(4.2, f"{title}: ")
            self.font(8.5)
            whole = urgent or title == ANSWER_FIRST or title.startswith(("While", "Once"))
            pdf.write(4.2, _clean(text if whole else _first_sentence(text)))
            pdf.ln(5)

    def journal(self) -> None:
        entries = sorted(self.answers.journal, key=lambda e: e.date)
        if not entries:
            return
        trend = _journal_trend(self.answers)
        if trend is not None:  # the heading stays with the trend it opens
            self._heading_with("Recovery journal", 4 + self.para_height(str(getattr(trend, "reason", "")), 8.5))
        else:  # or with the table's headings and first row
            self._heading_with("Recovery journal", 2 * self._row_height([("Typical/10", 22, True)], 8, 3.8, (0.8, 1.2)) + 4)
        if trend is not None:
            label = str(getattr(trend, "label", "") or getattr(trend, "verdict", "")).replace("_", " ")
            self.para(f"Trend: {label}", 9, True)
            self.para(str(getattr(trend, "reason", "")), 8.5)
            for tip in list(getattr(trend, "advice", []))[:3]:
                self.para(f"• {tip}", 8.5)
            self.pdf.ln(1)
        shown = entries[-JOURNAL_ROWS:]
        if len(entries) > len(shown):
            self.para(f"The last {len(shown)} of {len(entries)} weekly entries.", 8, colour=MUTED)
        with self.pdf.table(
            col_widths=(24, 18, 20, 22, 22, self.width - 106),
            width=self.width,
            line_height=3.8,
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            headings_style=FontFace(emphasis="BOLD", color=MUTED, size_pt=7.5),
            borders_layout="HORIZONTAL_LINES",
            padding=(0.8, 1.2),
        ) as table:
            self.font(8)
            head = table.row()
            for text in ("Week of", "Flare-ups", "Worst/10", "Typical/10", "Run min", "Note"):
                head.cell(text)
            for entry in shown:
                row = table.row()
                row.cell(f"{entry.date:%d %b %Y}")
                row.cell(str(entry.flare_ups))
                row.cell(str(entry.worst))
                row.cell(str(entry.typical))
                row.cell(str(entry.running_minutes))
                parts = (entry.note, entry.flared and f"flared: {entry.flared}", entry.helped and f"helped: {entry.helped}")
                note = "; ".join(part for part in parts if part)
                row.cell(_clean(note[:160]) + ("…" if len(note) > 160 else ""))

    def limits(self) -> None:
        self.heading("Limits of this screen")
        self.para(DISCLAIMER, 8, colour=INK, h=3.7)
        self.pdf.ln(0.8)
        kinds: list[str] = [f.evidence for f in self.a.findings]
        if kinds:
            counts = ", ".join(f"{kinds.count(k)} {words}" for k, words in EVIDENCE_WORDS.items() if kinds.count(k))
            self.para(f"The figures behind the {len(kinds)} findings that counted here: {counts}.", 7.5, colour=MUTED, h=3.4)
        # the disclaimer already says the first two of the shipped caveats
        covered = {c.text for c in self.content.scoring.caveats[:2]}
        rest = [c for c in self.a.caveats if c not in covered]
        if rest:
            self.para("Also: " + " ".join(c if c.endswith(".") else c + "." for c in rest), 7.5, colour=MUTED, h=3.4)

    # ------------------------------------------------------------------ the urgent report

    def urgent_now(self) -> None:
        """What to do now (the lead alert's action), why, and the emergency numbers as text."""
        text = load_ui_text().urgent
        flags = urgent_flags(self.a)
        lead = flags[0]
        number = emergency_number(content=self.content)
        others = sorted({n.number: n for n in self.content.emergency.numbers if n.number != number.number}.values(),
                        key=self.content.emergency.numbers.index)
        with self.boxed(URGENT_FILL, URGENT):
            self.para(text.report.heading.format(level=LEVEL_WORDS[lead.level]), 12, True, URGENT, h=6)
            self.pdf.ln(0.5)
            self.para(lead.action, 11, True, h=5.2)
            self.para(text.because.format(title=lead.title), 9, h=4.4)
            self.pdf.ln(1.5)
            self.para(text.call_lead.emergency if lead.level == "emergency" else text.call_lead.urgent, 9, h=4.4)
            self.para(text.report.number.format(number=number.number, label=number.label), 10, True, h=5)
            if others:
                listed = " · ".join(f"{n.number} {n.label}" for n in others)
                self.para(text.report.elsewhere.format(numbers=listed), 8, colour=MUTED, h=3.8)

    def urgent_alerts(self) -> None:
        """Every alert, ticked or raised from the answers (with the answers that raised it)."""
        text = load_ui_text().urgent.report
        lead = urgent_flags(self.a)[0]
        ordered = [*urgent_flags(self.a), *(f for f in self.a.red_flags if f.level not in ("emergency", "urgent"))]
        self.heading(text.alerts_heading)
        for flag in ordered:
            self.ensure_space(9)
            self.para(f"• {flag.title} ({LEVEL_WORDS.get(flag.level, flag.level).lower()})", 8.5, True, h=4.2)
            if flag is not lead and not lead.action.startswith(flag.action):
                self.pdf.set_x(self.pdf.l_margin + 3)
                self.para(flag.action, 8.5, w=self.width - 3)
            if flag.kind == "inferred" and flag.reason:
                self.pdf.set_x(self.pdf.l_margin + 3)
                self.para(text.inferred.format(reason=flag.reason), 8, colour=MUTED, w=self.width - 3, h=3.8)

    def urgent_handover(self) -> None:
        text = load_ui_text().urgent
        self.heading(text.handover_heading)
        for line in self.a.handover:
            self.pdf.set_x(self.pdf.l_margin)
            self.para(f"• {line}", 9, h=4.5)
        if self.answers.note:
            self.pdf.ln(1)
            self.para(text.report.note_heading, 8, True, MUTED)
            self.para(self.answers.note, 8.5)

    def build_urgent(self) -> bytes:
        """Only the urgent guidance: no band, score, signs, nerves or self-care."""
        self.header()
        self.urgent_now()
        self.urgent_alerts()
        self.urgent_handover()
        self.where(nerves=False)
        self.pdf.ln(2)
        self.para(load_ui_text().urgent.report.left_out, 7.5, colour=MUTED, h=3.4)
        return bytes(self.pdf.output())

    def build(self) -> bytes:
        if self.a.urgent_only:
            return self.build_urgent()
        self.header()
        self.urgent()
        self.band()
        self.signs()
        if self._map_fits():
            self.where()
            self.adjustments()
            self.note()
            self.steps()
        else:  # fill the rest of this page with the shorter sections, the map opens the next
            self.adjustments()
            self.note()
            self.steps()
            self.where()
        self.journal()
        self.limits()
        return bytes(self.pdf.output())


def build_report(answers: Answers, assessment: Assessment, today: dt.date | None = None) -> bytes:
    """The PDF report as bytes (nothing is written to disk)."""
    return _Report(answers, assessment, load_content(), today or dt.date.today()).build()

"""Moodle XML: a numerical question per scalar, a Cloze question (a table of
numerical blanks) per vector or grid, grouped in a category per type."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.exercises import export_html
from engine.exercises.export import Worksheet, accepts
from engine.exercises.model import Exercise
from engine.exercises.numbers import ascii_num

CATEGORY = "$course$/top/convviz"


def _text(parent: ET.Element, tag: str, text: str, html: bool = False) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = text
    return element


def blank(value: float, tolerance: float) -> str:
    """A Cloze numerical blank worth 1 mark: ``{1:NUMERICAL:=52:0.01}``.

    >>> blank(-3.0, 0.01)
    '{1:NUMERICAL:=-3:0.01}'
    """
    return f"{{1:NUMERICAL:={ascii_num(value)}:{ascii_num(tolerance)}}}"


def cloze_answer(exercise: Exercise) -> str:
    """The answer part of a Cloze question: labelled blanks or a table of blanks."""
    answer, tol = exercise.answer, exercise.tolerance
    if answer.kind == "vector":
        return "".join(f"<p>{label}: {blank(float(v), tol)}</p>"
                       for label, v in zip(answer.labels, answer.value))
    grids = answer.value if answer.value.ndim == 3 else answer.value[None]
    parts = []
    for c, grid in enumerate(grids):
        name = answer.name if answer.value.ndim == 2 else f"{answer.name}[{c}]"
        rows = [[blank(float(v), tol) for v in row] for row in grid]
        parts.append(f"<p>{name}</p>{export_html.table(rows, border=True)}")
    return "".join(parts)


def _common(question: ET.Element, exercise: Exercise, text: str, sheet: Worksheet) -> None:
    _text(question, "name", f"{exercise.id} {exercise.title}")
    _text(question, "questiontext", text, html=True)
    _text(question, "generalfeedback",
          export_html.steps(exercise) if sheet.answers else "", html=True)
    ET.SubElement(question, "defaultgrade").text = str(int(exercise.answer.value.size))
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = exercise.id


def _question(quiz: ET.Element, exercise: Exercise, sheet: Worksheet) -> None:
    prompt = export_html.question(exercise, border=True,
                                  accepts=accepts(exercise, fractions=False))
    if exercise.answer.kind == "scalar":
        question = ET.SubElement(quiz, "question", {"type": "numerical"})
        _common(question, exercise, prompt, sheet)
        answer = ET.SubElement(question, "answer", {"fraction": "100",
                                                    "format": "moodle_auto_format"})
        ET.SubElement(answer, "text").text = ascii_num(float(exercise.answer.value))
        ET.SubElement(answer, "tolerance").text = ascii_num(exercise.tolerance)
        _text(answer, "feedback", "", html=True)
        for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0"),
                           ("showunits", "3"), ("unitsleft", "0")):
            ET.SubElement(question, tag).text = value
        return
    question = ET.SubElement(quiz, "question", {"type": "cloze"})
    _common(question, exercise, prompt + cloze_answer(exercise), sheet)


def render(sheet: Worksheet) -> str:
    """The worksheet as a Moodle XML quiz, a category per exercise type."""
    quiz = ET.Element("quiz")
    order = list(dict.fromkeys(e.type for e in sheet.exercises))
    for type_ in order:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"{CATEGORY}/{type_}")
        _text(category, "info", f"convviz exercises of type {type_} ({sheet.title})",
              html=True)
        for exercise in sheet.exercises:
            if exercise.type == type_:
                _question(quiz, exercise, sheet)
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"



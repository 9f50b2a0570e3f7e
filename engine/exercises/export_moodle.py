"""Moodle XML: a numerical question per scalar, a Cloze question (a table of
numerical blanks, weighted by the check's credit policy) per vector or grid, grouped
in a category per type and difficulty."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from engine.exercises import export_html
from engine.exercises.export import Worksheet, accepts
from engine.exercises.grading import weights
from engine.exercises.model import Exercise
from engine.exercises.numbers import ascii_num

CATEGORY = "$course$/top/convviz"


def category_path(type_: str, difficulty: int) -> str:
    """One question bank category per type and difficulty, so that a quiz's "random
    question from a category" never mixes levels: ``$course$/top/convviz/conv-output/level-2``."""
    return f"{CATEGORY}/{type_}/level-{difficulty}"


def _text(parent: ET.Element, tag: str, text: str, html: bool = False) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = text
    return element


def blank(value: float, tolerance: float, weight: int = 1) -> str:
    """A Cloze numerical blank worth ``weight`` marks: ``{1:NUMERICAL:=52:0.01}``.

    >>> blank(-3.0, 0.01), blank(5.0, 0, 12)
    ('{1:NUMERICAL:=-3:0.01}', '{12:NUMERICAL:=5:0}')
    """
    return f"{{{weight}:NUMERICAL:={ascii_num(value)}:{ascii_num(tolerance)}}}"


def cloze_answer(exercise: Exercise) -> str:
    """The answer part of a Cloze question: labelled blanks or a table of blanks."""
    answer, tol = exercise.answer, exercise.tolerance
    marks = weights(answer.value)  # the check's credit policy, in whole marks
    if answer.kind == "vector":
        return "".join(f"<p>{label}: {blank(float(v), tol, int(w))}</p>"
                       for label, v, w in zip(answer.labels, answer.value, marks))
    grids = answer.value if answer.value.ndim == 3 else answer.value[None]
    grid_marks = marks if answer.value.ndim == 3 else marks[None]
    parts = []
    for c, grid in enumerate(grids):
        name = answer.name if answer.value.ndim == 2 else f"{answer.name}[{c + 1}]"
        rows = [[blank(float(v), tol, int(w)) for v, w in zip(row, mark_row)]
                for row, mark_row in zip(grid, grid_marks[c])]
        parts.append(f"<p>{name}</p>{export_html.table(rows, border=True)}")
    return "".join(parts)


def _common(question: ET.Element, exercise: Exercise, text: str, sheet: Worksheet) -> None:
    _text(question, "name", f"{exercise.id} {exercise.title}")
    png = sheet.figures.png(exercise) if sheet.figures else None
    if png is None:
        _text(question, "questiontext", text, html=True)
    else:  # the figure travels inside the question, as Moodle exports its own images
        name = f"{exercise.id.replace('.', '-')}.png"
        figure = (f'<p><img src="@@PLUGINFILE@@/{name}" alt="the given matrices of '
                  f'{exercise.title}"></p>')
        element = _text(question, "questiontext", text + figure, html=True)
        ET.SubElement(element, "file", {"name": name, "path": "/", "encoding": "base64"}
                      ).text = base64.b64encode(png).decode("ascii")
    _text(question, "generalfeedback",
          export_html.steps(exercise) if sheet.answers else "", html=True)
    ET.SubElement(question, "defaultgrade").text = str(int(weights(exercise.answer.value).sum()))
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
    order = list(dict.fromkeys((e.type, e.difficulty) for e in sheet.exercises))
    for type_, level in order:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(type_, level))
        _text(category, "info", f"convviz exercises of type {type_}, difficulty {level} "
                                f"({sheet.title})", html=True)
        for exercise in sheet.exercises:
            if (exercise.type, exercise.difficulty) == (type_, level):
                _question(quiz, exercise, sheet)
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"



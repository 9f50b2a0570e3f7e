"""IMS QTI 1.2 as Canvas and Blackboard import it: a zip with ``imsmanifest.xml`` and one
assessment of numerical questions, each with its tolerance as a range.

QTI 1.2 has no numerical question with several blanks that Canvas reads, so a vector or
a grid becomes one numerical item per entry (titled with the entry, ``Y[1, 2]``), each
worth the marks the check's credit policy gives that entry (``grading.weights``): an
item bank of one exercise's entries, in order. Scalars are one item worth one mark.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import numpy as np

from engine.exercises import export_html
from engine.exercises.export import Worksheet, accepts
from engine.exercises.grading import weights
from engine.exercises.model import Exercise
from engine.exercises.numbers import ascii_num

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
QUIZ = "convviz_quiz"


def _field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _item(section: ET.Element, ident: str, title: str, html: str, value: float,
          tolerance: float, points: int) -> None:
    item = ET.SubElement(section, "item", {"ident": ident, "title": title})
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", "numerical_question")
    _field(meta, "points_possible", str(points))
    presentation = ET.SubElement(item, "presentation")
    ET.SubElement(ET.SubElement(presentation, "material"), "mattext",
                  {"texttype": "text/html"}).text = html
    response = ET.SubElement(presentation, "response_str",
                             {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib", {"fibtype": "Decimal"}),
                  "response_label", {"ident": "answer1"})
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                   "vartype": "Decimal"})
    condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    either = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
    ET.SubElement(either, "varequal", {"respident": "response1"}).text = ascii_num(value)
    both = ET.SubElement(either, "and")
    ET.SubElement(both, "vargte", {"respident": "response1"}).text = ascii_num(
        value - tolerance)
    ET.SubElement(both, "varlte", {"respident": "response1"}).text = ascii_num(
        value + tolerance)
    ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"


def _questions(section: ET.Element, exercise: Exercise) -> None:
    answer = exercise.answer
    body = export_html.question(exercise, border=True,
                                accepts=accepts(exercise, fractions=False))
    marks = weights(answer.value)
    ident = exercise.id.replace(".", "_")
    for n, (index, value) in enumerate(np.ndenumerate(answer.value)):
        place = tuple(int(i) for i in index)
        label = answer.cell_label(place)
        ask = "" if answer.kind == "scalar" else f"<p>Give {label}.</p>"
        title = exercise.title if answer.kind == "scalar" else f"{exercise.title}: {label}"
        _item(section, f"{ident}_{n}", title, body + ask, float(value), exercise.tolerance,
              int(marks[place]) if place else 1)


def assessment(sheet: Worksheet) -> str:
    """The assessment XML: one section, the questions in worksheet order."""
    ET.register_namespace("", QTI)
    root = ET.Element(f"{{{QTI}}}questestinterop")
    test = ET.SubElement(root, "assessment", {"ident": QUIZ, "title": sheet.title})
    section = ET.SubElement(test, "section", {"ident": "root_section"})
    for exercise in sheet.exercises:
        _questions(section, exercise)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def manifest() -> str:
    ET.register_namespace("", CP)
    root = ET.Element(f"{{{CP}}}manifest", {"identifier": f"{QUIZ}_manifest"})
    meta = ET.SubElement(root, f"{{{CP}}}metadata")
    ET.SubElement(meta, f"{{{CP}}}schema").text = "IMS Content"
    ET.SubElement(meta, f"{{{CP}}}schemaversion").text = "1.1.3"
    ET.SubElement(root, f"{{{CP}}}organizations")
    resources = ET.SubElement(root, f"{{{CP}}}resources")
    resource = ET.SubElement(resources, f"{{{CP}}}resource",
                             {"identifier": QUIZ, "type": "imsqti_xmlv1p2",
                              "href": f"{QUIZ}/{QUIZ}.xml"})
    ET.SubElement(resource, f"{{{CP}}}file", {"href": f"{QUIZ}/{QUIZ}.xml"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render(sheet: Worksheet) -> bytes:
    """The QTI package: a zip of the manifest and the assessment."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", manifest())
        package.writestr(f"{QUIZ}/{QUIZ}.xml", assessment(sheet))
    return out.getvalue()

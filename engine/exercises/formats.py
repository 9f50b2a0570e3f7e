"""A worksheet in any export format: the one place that knows every renderer.

The renderers (Markdown, Moodle XML, GIFT) import ``engine.exercises.export`` for the
worksheet and its exercises; this module imports them all, so no import runs in a circle.
"""

from __future__ import annotations

from typing import Any

from engine.errors import InputError
from engine.exercises import export_gift, export_markdown, export_moodle, export_qti
from engine.exercises.export import FORMATS, Worksheet, worksheet_json


def export(sheet: Worksheet, format: str) -> str | bytes | dict[str, Any]:
    """The worksheet in ``format`` (json: a dict; qti: a zip's bytes; the others: text)."""
    if format == "json":
        return worksheet_json(sheet)
    if format == "markdown":
        return export_markdown.render(sheet)
    if format == "moodle":
        return export_moodle.render(sheet)
    if format == "gift":
        return export_gift.render(sheet)
    if format == "qti":
        return export_qti.render(sheet)
    raise InputError("format", f"must be one of {', '.join(FORMATS)}, got {format!r}")

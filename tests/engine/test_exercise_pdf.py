"""Worksheets that print: the Markdown export of every type at every difficulty builds to
PDF with pandoc's default engine (pdflatex, from Debian's texlive), with no character
the fonts lack, nothing wider than the page, the floor brackets back in the extracted
text, and the answer key on a page of its own; a student sheet carries no exercise id
unless asked. The test command installs pandoc, texlive and poppler-utils."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from engine.exercises import TYPES, worksheet
from engine.exercises.export import Worksheet
from engine.exercises.formats import export


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_every_type_prints_to_pdf(tmp_path: Path, difficulty: int) -> None:
    sheet = Worksheet(worksheet(None, difficulty, 7, len(TYPES)), None, difficulty, 7, True)
    (tmp_path / "sheet.md").write_text(str(export(sheet, "markdown")), encoding="utf-8")
    made = run("pandoc", "sheet.md", "-o", "sheet.pdf", cwd=tmp_path)  # the default engine
    assert made.returncode == 0, made.stderr[-3000:]
    # The same through pdflatex by hand, for its log: no missing glyph, no overfull line.
    assert run("pandoc", "-s", "sheet.md", "-o", "sheet.tex", cwd=tmp_path).returncode == 0
    run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex", cwd=tmp_path)
    log = (tmp_path / "sheet.log").read_text(encoding="latin-1")
    assert "Missing character" not in log
    wide = [float(pt) for pt in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert max(wide, default=0.0) <= 2.0, sorted(wide)[-5:]
    text = run("pdftotext", "-layout", "sheet.pdf", "-", cwd=tmp_path).stdout
    assert "⌊" in text and "⌋" in text  # the floor brackets of the size formulas
    pages = text.split("\f")
    key = next(i for i, page in enumerate(pages) if re.search(r"^\s*Answers\s*$", page, re.M))
    assert pages[key].lstrip().startswith("Answers")  # the key opens its own page
    assert all(e.id not in "".join(pages[:key]) for e in sheet.exercises)  # no ids before


def test_ids_on_a_student_sheet_only_when_asked() -> None:
    exercises = worksheet("conv-output", 2, 3, 3)
    plain = str(export(Worksheet(exercises, "conv-output", 2, 3, False), "markdown"))
    named = str(export(Worksheet(exercises, "conv-output", 2, 3, False, ids=True), "markdown"))
    assert all(e.id not in plain for e in exercises)
    assert all(e.id in named for e in exercises)

r"""Markdown with LaTeX math, for printing: the exercises, then (optionally) the key.

Built to go through pandoc's default PDF engine (pdflatex), which stops at characters
its fonts lack: every symbol of the texts (−, ·, ⌊, ∂, Δ, ′, ᵀ, …) is written as LaTeX
(``\ensuremath{\lfloor}``, which pandoc passes through as raw TeX), each matrix is a
display of its own, shrunk to the line when it is wide, a vector key is a list, the
answer key starts on a new page, and exercise ids appear only where asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.exercises.export import Figures, Worksheet, accepts
from engine.exercises.model import Answer, Exercise
from engine.exercises.numbers import as_fraction

# Each symbol the texts use, as LaTeX. A character missing here fails the PDF test.
TEX = {"·": r"\cdot", "−": "-", "×": r"\times", "∂": r"\partial", "Δ": r"\Delta",
       "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "→": r"\to",
       "±": r"\pm", "′": "'", "Σ": r"\Sigma", "°": r"^{\circ}", "⋆": r"\star",
       "β": r"\beta", "η": r"\eta", "σ": r"\sigma", "ᵀ": r"^{\mathsf{T}}", "²": "^{2}",
       "³": "^{3}", "ⱼ": "_{j}", "ₐ": "_{a}", "δ": r"\delta", "μ": r"\mu", "λ": r"\lambda",
       "κ": r"\kappa", "α": r"\alpha", "γ": r"\gamma", "ε": r"\varepsilon", "√": r"\surd",
       "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx", "∞": r"\infty",
       "⊙": r"\odot", "∘": r"\circ", "ℓ": r"\ell", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}",
       "₃": "_{3}", "ᵢ": "_{i}"}
PROSE = {"–": "--", "—": "---", "…": r"\ldots{}", "“": "``", "”": "''", "’": "'",
         "‘": "`", "\u00a0": "~"}
WIDE = 10  # matrices with more columns are shrunk to the line


def tex(text: str) -> str:
    r"""Text with every symbol as raw LaTeX for pandoc.

    >>> print(tex("o = ⌊(6 − 3) / 3⌋ + 1"))
    o = \ensuremath{\lfloor}(6 \ensuremath{-} 3) / 3\ensuremath{\rfloor} + 1
    """
    out = []
    for ch in text:
        if ch in TEX:
            out.append(f"\\ensuremath{{{TEX[ch]}}}")
        elif ch in PROSE:
            out.append(PROSE[ch])
        else:
            out.append(ch)
    return "".join(out)


def latex_number(value: float) -> str:
    r"""``52``, ``-3``, ``\frac{15}{4}``, ``-\frac{1}{9}``.

    >>> latex_number(-3.0), latex_number(3.75)
    ('-3', '\\frac{15}{4}')
    """
    exact = as_fraction(value)
    if exact is None:
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if exact.denominator == 1:
        return str(exact.numerator)
    sign = "-" if exact < 0 else ""
    return f"{sign}\\frac{{{abs(exact.numerator)}}}{{{exact.denominator}}}"


def bmatrix(value: Any) -> str:
    rows = [" & ".join(latex_number(float(v)) for v in row) for row in value]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def _latex_name(name: str) -> str:
    return "".join(f"{TEX[ch]} " if ch in TEX else ch for ch in name)


def display(math: str, columns: int) -> list[str]:
    """A display of one equation; shrunk to the line when it is wide (raw LaTeX)."""
    if columns > WIDE:
        return [f"\\resizebox{{\\linewidth}}{{!}}{{$\\displaystyle {math}$}}", ""]
    return ["$$", math, "$$", ""]


def matrix_math(name: str, value: Any) -> list[str]:
    """``X = [...]``, or one ``X_{c}`` per channel for a 3-D array."""
    if isinstance(value[0][0], list):
        return [f"{_latex_name(name)}_{{{c + 1}}} = {bmatrix(ch)}" for c, ch in enumerate(value)]
    return [f"{_latex_name(name)} = {bmatrix(value)}"]


def _columns(value: Any) -> int:
    array = np.asarray(value)
    return int(array.shape[-1]) if array.ndim >= 2 else int(array.size)


TEXT_WIDTH_PT = 470  # A4 with 2.2 cm margins: a wider figure is scaled to the line


def figure_lines(exercise: Exercise, figures: Figures | None) -> list[str]:
    """The given matrices' figure as a raw LaTeX block (pandoc passes it to the PDF)."""
    drawn = figures.tikz(exercise) if figures else None
    if drawn is None:
        return []
    picture, width = drawn
    body = (f"\\resizebox{{\\linewidth}}{{!}}{{{picture}}}" if width > TEXT_WIDTH_PT
            else picture)
    return ["```{=latex}", "\\begin{center}", body, "\\end{center}", "```", ""]


def _exercise(n: int, exercise: Exercise, ids: bool, figures: Figures | None = None
              ) -> list[str]:
    lines = [f"## {n}. {tex(exercise.title)}", ""]
    if ids:
        lines += [f"`{exercise.id}`", ""]
    lines += [tex(f"{exercise.prompt} {accepts(exercise)}"), ""]
    for g in exercise.givens:
        if g.is_matrix:
            for math in matrix_math(g.label, g.value):
                lines += display(math, _columns(g.value))
    lines += figure_lines(exercise, figures)
    lines += [f"- {tex(g.label)}: {tex(g.text)}" for g in exercise.givens if not g.is_matrix]
    return [*lines, ""]


def answer_lines(answer: Answer) -> list[str]:
    """The key: one equation, a list (a vector, whatever its length), or a display per
    matrix (shrunk when wide)."""
    value = answer.value
    if answer.kind == "scalar":
        return ["$$", f"{_latex_name(answer.name)} = {latex_number(float(value))}", "$$", ""]
    if answer.kind == "vector":
        return [*(f"- {tex(label)} $= {latex_number(float(v))}$"
                  for label, v in zip(answer.labels, value)), ""]
    lines: list[str] = []
    for math in matrix_math(answer.name, np.asarray(value).tolist()):
        lines += display(math, int(value.shape[-1]))
    return lines


def render(sheet: Worksheet) -> str:
    """The worksheet as Markdown for pandoc; ``$$ … $$`` blocks and raw commands hold the
    LaTeX. Exercise ids are printed with ``sheet.ids`` and always in the answer key."""
    # For pandoc: margins, and \\sloppy so that long names (max_pool2d(kernel_size=3, …))
    # break the line rather than run past the margin.
    tikz = ["  \\usepackage{graphicx}", "  \\usepackage{tikz}"] if sheet.figures else []
    lines = ["---", "geometry: margin=2.2cm", "header-includes: |", "  \\sloppy", *tikz, "---", "",
             f"# {sheet.title}", "",
             f"{len(sheet.exercises)} exercises. Rows and columns are counted from 1, as in "
             f"the lectures. Write fractions as 15/4 or decimals.", ""]
    for n, exercise in enumerate(sheet.exercises, 1):
        lines += _exercise(n, exercise, sheet.ids, sheet.figures)
    if sheet.answers:
        lines += ["\\newpage", "", "# Answers", ""]
        for n, exercise in enumerate(sheet.exercises, 1):
            lines += [f"## {n}. `{exercise.id}`", "", *answer_lines(exercise.answer)]
            lines += [f"{i}. {tex(step)}" for i, step in enumerate(exercise.steps, 1)]
            lines.append("")
    return "\n".join(lines)

"""A scene as a standalone LaTeX document drawing it with TikZ (conv_arithmetic's own
medium): it compiles with pdflatex alone, every number stays text, and a lecturer can
edit it or \\input it into a beamer slide.

The document is ASCII: the figures' Unicode (subscripts, ·, −, ⌊ ⌋, Greek) is written
as LaTeX mathematics.
"""

from __future__ import annotations

import re

from app.figure.scene import Line, Rect, Scene, Text

_MATH = {
    "\u2212": "-", "·": r"\cdot ", "×": r"\times ", "⌊": r"\lfloor ", "⌋": r"\rfloor ",
    "⌈": r"\lceil ", "⌉": r"\rceil ", "∂": r"\partial ", "Σ": r"\Sigma ", "Δ": r"\Delta ",
    **{g: f"\\{name} " for g, name in zip("αβγδεθλμπρστφωΓΘΛΠΦΩ", (
        "alpha", "beta", "gamma", "delta", "varepsilon", "theta", "lambda", "mu", "pi", "rho",
        "sigma", "tau", "phi", "omega", "Gamma", "Theta", "Lambda", "Pi", "Phi", "Omega"),
        strict=True)},
    "∇": r"\nabla ",
    "′": "'", "→": r"\to ", "←": r"\leftarrow ", "≤": r"\le ", "≥": r"\ge ", "≈": r"\approx ",
    "√": r"\surd ", "∑": r"\sum ", "∗": r"\ast ", "⋆": r"\star ", "ᵀ": r"^{\mathsf{T}}",
    "²": "^{2}", "³": "^{3}", "∞": r"\infty ", "±": r"\pm ", "⊙": r"\odot ",
    "°": r"^{\circ}", "∓": r"\mp ", "÷": r"\div ", "≠": r"\ne ", "∈": r"\in ",
}
_TEXT = {"…": r"\dots{}", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
         "é": r"\'e", "ö": r"\"o", "ü": r"\"u", "\u00a0": "~"}
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
            "#": r"\#", "^": r"\^{}", "_": r"\_{}", "%": r"\%", "~": r"\~{}"}
_SUB = "₀₁₂₃₄₅₆₇₈₉"
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUBS = re.compile(f"[{_SUB}]+(?:,[{_SUB}]+)*")
_SUPS = re.compile(f"⁽?[{_SUP}]+⁾?")


def latex(text: str) -> str:
    """Plain text with the figures' symbols as LaTeX (ASCII out: a symbol with no entry
    here is written as its code point, U+2603, and tests/app/test_figure.py checks that
    no figure of the decks needs that)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        sub = _SUBS.match(text, i)
        sup = _SUPS.match(text, i)
        ch = text[i]
        if sub:
            digits = sub.group().translate(str.maketrans(_SUB, "0123456789"))
            out.append(f"$_{{{digits}}}$")
            i = sub.end()
            continue
        if sup and sup.group() not in ("⁽", "⁾"):
            digits = sup.group().translate(str.maketrans(_SUP + "⁽⁾", "0123456789()"))
            out.append(f"$^{{{digits}}}$")
            i = sup.end()
            continue
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _MATH:
            out.append(f"${_MATH[ch]}$")
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(rf"\texttt{{U+{ord(ch):04X}}}")
        i += 1
    return "".join(out).replace("$$", "")


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def picture(scene: Scene) -> str:
    """The scene as a tikzpicture with its colour definitions (to \\input into a
    document that loads tikz, as the worksheets do)."""
    defs, body = _drawing(scene)
    return "\n".join(["{%", *defs, r"\begin{tikzpicture}[x=0.75pt, y=-0.75pt]", *body,
                      r"\end{tikzpicture}%", "}"])


def _drawing(scene: Scene) -> tuple[list[str], list[str]]:
    colours: dict[str, str] = {}

    def c(hex_colour: str) -> str:
        if hex_colour not in colours:
            colours[hex_colour] = f"c{len(colours)}"
        return colours[hex_colour]

    body = [rf"\fill[{c(scene.paper)}] (0,0) rectangle ({_n(scene.width)},{_n(scene.height)});"]
    for item in scene.items:
        if isinstance(item, Rect):
            box = (f"({_n(item.x)},{_n(item.y)}) rectangle "
                   f"({_n(item.x + item.w)},{_n(item.y + item.h)})")
            if item.fill and item.stroke:
                opts = (f"fill={c(item.fill)}, draw={c(item.stroke)}, "
                        f"line width={_n(item.width * 0.75)}pt")
                body.append(rf"\filldraw[{opts}{', dashed' if item.dashed else ''}] {box};")
            elif item.fill:
                body.append(rf"\fill[{c(item.fill)}] {box};")
            elif item.stroke:
                opts = f"draw={c(item.stroke)}, line width={_n(item.width * 0.75)}pt"
                body.append(rf"\draw[{opts}{', dashed' if item.dashed else ''}] {box};")
        elif isinstance(item, Line):
            body.append(rf"\draw[{c(item.stroke)}, line width={_n(item.width * 0.75)}pt] "
                        f"({_n(item.x1)},{_n(item.y1)}) -- ({_n(item.x2)},{_n(item.y2)});")
        elif isinstance(item, Text):
            anchor = {"start": "west", "middle": "center", "end": "east"}[item.anchor]
            pt = item.size * 0.75
            font = rf"\fontsize{{{_n(pt)}}}{{{_n(pt * 1.2)}}}\selectfont"
            if item.bold:
                font += r"\bfseries"
            body.append(rf"\node[anchor={anchor}, inner sep=0, text={c(item.fill)}, "
                        rf"font={font}] at ({_n(item.x)},{_n(item.y)}) {{{latex(item.text)}}};")
    defs = [rf"\definecolor{{{name}}}{{HTML}}{{{hex_colour[1:].upper()}}}"
            for hex_colour, name in colours.items()]
    return defs, body


def render(scene: Scene) -> str:
    """A whole document: pdflatex makes a one-page PDF the figure's size."""
    defs, body = _drawing(scene)
    return "\n".join([
        f"% {latex(scene.title)}",
        "% convviz figure: compile with pdflatex (TeX Live's tikz, geometry and lmodern). The",
        "% page is the figure's size; in a beamer slide, copy the tikzpicture (with the",
        "% definecolor lines) or include the PDF.",
        r"\documentclass{article}",
        rf"\usepackage[paperwidth={_n(scene.width * 0.75)}pt, paperheight="
        rf"{_n(scene.height * 0.75)}pt, margin=0pt]{{geometry}}",
        r"\usepackage{tikz}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{lmodern}",
        r"\renewcommand{\familydefault}{\sfdefault}",
        r"\pagestyle{empty}",
        r"\setlength{\parindent}{0pt}",
        r"\begin{document}",
        *defs,
        r"\begin{tikzpicture}[x=0.75pt, y=-0.75pt]  % one unit: a CSS pixel; y grows down",
        *body,
        r"\end{tikzpicture}",
        r"\end{document}",
        "",
    ])

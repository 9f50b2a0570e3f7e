"""Output-size arithmetic per axis, with its explanation.

Each function answers for one axis (height or width) and returns the size
together with the formula, the numbers substituted, the floor (or ceiling)
taken and the rows or columns never read. Formulas use the symbols and the
Relationship numbers of Dumoulin & Visin, "A guide to convolution arithmetic
for deep learning" (i input, k kernel, s stride, p padding, d dilation,
a output padding, o output); ``lecture_formula`` gives the same in the
lecture decks' notation (m input, f filter, β padding, s stride, d dilation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.cache import MiB, byte_cached
from engine.errors import InputError


@dataclass(frozen=True)
class AxisArithmetic:
    """How one axis of an operation gets its output size."""

    axis: str
    op: str
    input_size: int
    kernel_size: int
    stride: int
    padding: tuple[int, int]
    dilation: int
    effective_kernel_size: int
    padded_size: int
    output_size: int
    output_padding: int
    ceil_mode: bool
    formula: str
    lecture_formula: str
    substituted: str
    rounding: str
    remainder: int
    unvisited: tuple[int, ...]
    relationship: int
    citation: str
    explanation: str


CITATION = 'Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"'


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _pad_terms(padding: tuple[int, int]) -> tuple[str, str, str]:
    """Symbol, lecture symbol and substituted text for the padding of one axis."""
    before, after = padding
    if before == after:
        return "2p", "2β", f"2·{before}"
    return "p₁ + p₂", "β₁ + β₂", f"{before} + {after}"


def _unvisited(padded_size: int, output_size: int, kernel_size: int, stride: int,
               dilation: int) -> tuple[int, ...]:
    """Padded positions that no (output, tap) pair reads."""
    last = (output_size - 1) * stride + 1
    if output_size * kernel_size + padded_size <= 4096:  # small: sets beat NumPy's overhead
        read: set[int] = set()
        for t in range(kernel_size):
            read.update(range(t * dilation, t * dilation + last, stride))
        return tuple(q for q in range(padded_size) if q not in read)
    mask = np.zeros(padded_size + kernel_size * dilation, dtype=bool)
    for t in range(kernel_size):
        mask[t * dilation:t * dilation + last:stride] = True
    return tuple(int(q) for q in np.flatnonzero(~mask[:padded_size]))


def _conv_relationship(kernel_size: int, stride: int, padding: tuple[int, int],
                       dilation: int) -> int:
    before, after = padding
    if dilation > 1:
        return 15
    if before != after:
        return 6
    if stride == 1:
        if before == 0:
            return 1
        if kernel_size % 2 == 1 and before == kernel_size // 2:
            return 3
        if before == kernel_size - 1:
            return 4
        return 2
    return 5 if before == 0 else 6


def effective_kernel_size(kernel_size: int, dilation: int) -> int:
    """Cells a dilated kernel spans: ``(k - 1)·d + 1``.

    >>> effective_kernel_size(3, 3)
    7
    """
    return (kernel_size - 1) * dilation + 1


@byte_cached(4 * MiB)  # pure and frozen: a lecture repeats geometries
def conv_axis(axis: str, *, input_size: int, kernel_size: int, stride: int,
              padding: tuple[int, int], dilation: int, op: str = "conv2d") -> AxisArithmetic:
    """Output size of a convolution along one axis (Relationships 1–6 and 15).

    Raises
    ------
    InputError
        When the (dilated) kernel does not fit in the padded input.

    Examples
    --------
    >>> a = conv_axis("height", input_size=6, kernel_size=3, stride=3, padding=(0, 0), dilation=1)
    >>> a.output_size, a.substituted
    (2, 'o = ⌊(6 + 2·0 − 3) / 3⌋ + 1 = ⌊3 / 3⌋ + 1 = 2')
    """
    k_eff = effective_kernel_size(kernel_size, dilation)
    padded = input_size + padding[0] + padding[1]
    if k_eff > padded:
        spans = f" with dilation {dilation} spans {k_eff} cells," if dilation > 1 else ""
        raise InputError(
            "kernel",
            f"kernel {axis} {kernel_size}{spans} is more than the padded input's "
            f"{padded} ({input_size} + padding {padding[0]} + {padding[1]})",
        )
    span = padded - k_eff
    output_size = span // stride + 1
    remainder = span % stride
    p_sym, p_lec, p_num = _pad_terms(padding)
    if dilation > 1:
        inner = f"i + {p_sym} − k − (k − 1)(d − 1)"
        lecture = f"⌊(m + {p_lec} − f − (f − 1)(d − 1)) / s⌋ + 1"
        numbers = f"{input_size} + {p_num} − {kernel_size} − ({kernel_size} − 1)({dilation} − 1)"
    else:
        inner = f"i + {p_sym} − k"
        lecture = f"⌊(m + {p_lec} − f) / s⌋ + 1"
        numbers = f"{input_size} + {p_num} − {kernel_size}"
    rounding = f"⌊{span} / {stride}⌋ = {span // stride}"
    if remainder:
        rounding += f" (remainder {remainder} dropped)"
    relationship = _conv_relationship(kernel_size, stride, padding, dilation)
    unvisited = _unvisited(padded, output_size, kernel_size, stride, dilation)
    rows = {"height": "rows", "length": "samples", "depth": "slices"}.get(axis, "columns")
    text = (
        f"The {axis} of the output is {output_size}: a window spanning {k_eff} of the "
        f"{padded} padded {rows}, moved {stride} at a time, fits {times(output_size)}."
    )
    if remainder:
        first = padded - remainder
        text += (
            f" The last {_plural(remainder, rows[:-1])} (padded {rows} {first}"
            f"{'' if remainder == 1 else f'–{padded - 1}'}) are never reached: "
            f"{span} = {padded} − {k_eff} is not a multiple of the stride {stride}, "
            f"and the floor drops the remainder {remainder}."
        )
    skipped = [q for q in unvisited if q < padded - remainder]
    if skipped:
        text += f" Stride or dilation also skips padded {rows} {', '.join(map(str, skipped))}."
    return AxisArithmetic(
        axis=axis, op=op, input_size=input_size, kernel_size=kernel_size, stride=stride,
        padding=padding, dilation=dilation, effective_kernel_size=k_eff, padded_size=padded,
        output_size=output_size, output_padding=0, ceil_mode=False,
        formula=f"o = ⌊({inner}) / s⌋ + 1",
        lecture_formula=lecture,
        substituted=f"o = ⌊({numbers}) / {stride}⌋ + 1 = ⌊{span} / {stride}⌋ + 1 = {output_size}",
        rounding=rounding, remainder=remainder, unvisited=unvisited,
        relationship=relationship, citation=f"{CITATION}, Relationship {relationship}",
        explanation=text,
    )


def _transposed_relationship(kernel_size: int, stride: int, padding: int,
                             output_padding: int) -> int:
    if stride == 1:
        if padding == 0:
            return 8
        if kernel_size % 2 == 1 and padding == kernel_size // 2:
            return 10
        if padding == kernel_size - 1:
            return 11
        return 9
    if output_padding:
        return 14
    return 12 if padding == 0 else 13


@byte_cached(4 * MiB)  # pure and frozen: a lecture repeats geometries
def transposed_axis(axis: str, *, input_size: int, kernel_size: int, stride: int,
                    padding: int, dilation: int, output_padding: int) -> AxisArithmetic:
    """Output size of a transposed convolution along one axis (Relationships 8–14).

    ``o' = s(i' − 1) + a + k − 2p`` with the kernel dilated to ``(k − 1)·d + 1``.

    >>> transposed_axis("height", input_size=3, kernel_size=3, stride=2, padding=1,
    ...                 dilation=1, output_padding=1).output_size
    6
    """
    if output_padding >= max(stride, dilation):
        raise InputError(
            "output_padding",
            f"{axis} {output_padding} must be smaller than the stride ({stride}) or the "
            f"dilation ({dilation}): it chooses among the {max(stride, dilation)} input sizes "
            f"that a stride-{stride} convolution maps to the same output size",
        )
    k_eff = effective_kernel_size(kernel_size, dilation)
    output_size = stride * (input_size - 1) + output_padding + k_eff - 2 * padding
    if output_size < 1:
        raise InputError(
            "padding",
            f"{axis} {padding} removes the whole output: {stride}·({input_size} − 1) + "
            f"{output_padding} + {k_eff} − 2·{padding} = {output_size}",
        )
    relationship = _transposed_relationship(kernel_size, stride, padding, output_padding)
    k_sym = "(k − 1)·d + 1" if dilation > 1 else "k"
    k_num = f"({kernel_size} − 1)·{dilation} + 1" if dilation > 1 else str(kernel_size)
    rows = {"height": "rows", "length": "samples", "depth": "slices"}.get(axis, "columns")
    text = (
        f"The {axis} of the output is {output_size}: each of the {input_size} input {rows} "
        f"places a {k_eff}-{rows[:-1]} copy of the kernel, {stride} apart; the padding "
        f"{padding} trims {padding} from each side"
        + (f" and the output padding adds {output_padding} at the end." if output_padding
           else ".")
        + f" Equivalently, a stride-1 convolution over the input with "
        f"{count(stride - 1, 'zero')} inserted between cells and "
        f"{count(k_eff - padding - 1, 'cell')} of padding on each side."
    )
    return AxisArithmetic(
        axis=axis, op="conv_transpose2d", input_size=input_size, kernel_size=kernel_size,
        stride=stride, padding=(padding, padding), dilation=dilation,
        effective_kernel_size=k_eff, padded_size=input_size, output_size=output_size,
        output_padding=output_padding, ceil_mode=False,
        formula=f"o′ = s(i′ − 1) + a + {k_sym} − 2p",
        lecture_formula=("(n − 1)·s + (f − 1)·d + 1 − 2β + a" if dilation > 1
                         else "(n − 1)·s + f − 2β + a"),
        substituted=(f"o′ = {stride}({input_size} − 1) + {output_padding} + {k_num} − 2·{padding}"
                     f" = {output_size}"),
        rounding="no rounding: every input cell contributes",
        remainder=0, unvisited=(), relationship=relationship,
        citation=(f"{CITATION}, Relationship {relationship}" if dilation == 1 else
                  f"{CITATION}, Relationship {relationship} with the kernel dilated to "
                  f"(k − 1)·d + 1 (the paper's transposed relationships have no dilation)"),
        explanation=text,
    )


@byte_cached(4 * MiB)  # pure and frozen: a lecture repeats geometries
def pool_axis(axis: str, *, input_size: int, kernel_size: int, stride: int, padding: int,
              dilation: int, ceil_mode: bool) -> AxisArithmetic:
    """Output size of pooling along one axis (Relationship 7, PyTorch's padding rules).

    With ``ceil_mode`` the division rounds up, but a last window that would
    start inside the right padding is dropped, as PyTorch does.

    >>> pool_axis("width", input_size=5, kernel_size=2, stride=2, padding=0, dilation=1,
    ...           ceil_mode=True).output_size
    3
    """
    if padding > kernel_size // 2:
        raise InputError(
            "padding",
            f"{axis} {padding} must be at most half the kernel size {kernel_size} "
            f"(that is {kernel_size // 2}), or a window could hold padding only",
        )
    k_eff = effective_kernel_size(kernel_size, dilation)
    padded = input_size + 2 * padding
    if k_eff > padded and not ceil_mode:
        raise InputError(
            "kernel_size",
            f"{axis} {kernel_size} spans {k_eff} cells, more than the padded input's {padded}",
        )
    span = padded - k_eff
    dropped_last = False
    if ceil_mode:
        output_size = -(-span // stride) + 1
        if (output_size - 1) * stride >= input_size + padding:
            output_size -= 1
            dropped_last = True
        rounding = f"⌈{span} / {stride}⌉ = {-(-span // stride)}"
        if output_size < 1:
            raise InputError("kernel_size", f"{axis} {kernel_size} spans {k_eff} cells, more "
                             f"than the padded input's {padded} even with ceil mode")
    else:
        output_size = span // stride + 1
        rounding = f"⌊{span} / {stride}⌋ = {span // stride}"
    remainder = max(0, padded - ((output_size - 1) * stride + k_eff))
    if remainder and not ceil_mode:
        rounding += f" (remainder {remainder} dropped)"
    p_sym, p_lec, p_num = _pad_terms((padding, padding))
    bracket = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    d_sym = " − (k − 1)(d − 1)" if dilation > 1 else ""
    d_num = f" − ({kernel_size} − 1)({dilation} − 1)" if dilation > 1 else ""
    substituted = (f"o = {bracket[0]}({input_size} + {p_num} − {kernel_size}{d_num}) / {stride}"
                   f"{bracket[1]} + 1")
    substituted += f" = {output_size + (1 if dropped_last else 0)}"
    rows = {"height": "rows", "length": "samples", "depth": "slices"}.get(axis, "columns")
    text = (f"The {axis} of the output is {output_size}: a window spanning {k_eff} of the "
            f"{padded} padded {rows}, moved {stride} at a time, fits {times(output_size)}")
    if ceil_mode and not dropped_last and span % stride:
        text += "; ceil mode keeps a last, partial window that hangs over the end."
        substituted_tail = ""
    elif dropped_last:
        text += ("; ceil mode would add a window starting in the padding, which PyTorch "
                 "drops, so one is subtracted.")
        substituted_tail = f" − 1 = {output_size}"
    else:
        text += "."
        substituted_tail = ""
    if remainder and not ceil_mode:
        text += (f" The last {_plural(remainder, rows[:-1])} are never reached: the floor "
                 f"drops the remainder of {span} / {stride}.")
    unvisited = _unvisited(padded, output_size, kernel_size, stride, dilation)
    return AxisArithmetic(
        axis=axis, op="pool2d", input_size=input_size, kernel_size=kernel_size, stride=stride,
        padding=(padding, padding), dilation=dilation, effective_kernel_size=k_eff,
        padded_size=padded, output_size=output_size, output_padding=0, ceil_mode=ceil_mode,
        formula=f"o = {bracket[0]}(i + {p_sym} − k{d_sym}) / s{bracket[1]} + 1",
        lecture_formula=(f"{bracket[0]}(m + {p_lec} − f"
                         f"{' − (f − 1)(d − 1)' if dilation > 1 else ''}) / s{bracket[1]} + 1"),
        substituted=substituted + substituted_tail, rounding=rounding,
        remainder=remainder, unvisited=unvisited, relationship=7,
        citation=_pool_citation(padding, dilation, ceil_mode), explanation=text,
    )


def _pool_citation(padding: int, dilation: int, ceil_mode: bool) -> str:
    """Relationship 7 is pooling without padding, dilation or ceil mode: say so when the
    formula goes beyond it (PyTorch's rules), rather than cite it for what it lacks."""
    extra = [name for name, used in (("padding", padding > 0), ("dilation", dilation > 1),
                                     ("ceil mode", ceil_mode)) if used]
    if not extra:
        return f"{CITATION}, Relationship 7"
    what = " and ".join(extra) if len(extra) < 3 else "padding, dilation and ceil mode"
    return (f"{CITATION}, Relationship 7 (which has no {what}), extended with PyTorch's "
            f"rules for {what}")


def count(n: int, noun: str) -> str:
    """``n`` things in words: "no zeros", "1 zero", "3 zeros".

    >>> count(0, "zero"), count(1, "cell"), count(2, "cell")
    ('no zeros', '1 cell', '2 cells')
    """
    return f"no {noun}s" if n == 0 else f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def times(n: int) -> str:
    """ "once", "2 times"."""
    return "once" if n == 1 else f"{n} times"


def zeros_between(stride: Sequence[int]) -> str:
    """What zero insertion does for a stride, in words.

    >>> zeros_between((2, 3)), zeros_between((1, 1))
    ('1 zero row and 2 zero columns inserted between the cells', 'no zeros inserted')
    """
    if tuple(stride) == (1, 1):
        return "no zeros inserted"
    return (f"{count(stride[0] - 1, 'zero row')} and {count(stride[1] - 1, 'zero column')} "
            f"inserted between the cells")

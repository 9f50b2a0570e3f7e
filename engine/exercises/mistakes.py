"""Feedback that names the mistake: the common wrong answers of each kind of exercise,
recomputed from its givens, and compared with what a student typed.

Each candidate is the key of a slightly wrong exercise: the key transposed, two entries
swapped, the bias forgotten or added twice, the kernel rotated where it should not be
(or not rotated where it should), the stride ignored, the padding off by one, the "+ 1"
of the size formula forgotten. A candidate is named only when the answer matches it and
not the key, entry for entry within the tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.conv import conv2d, run_conv2d
from engine.errors import InputError
from engine.exercises.grading import NotANumber, parse_number
from engine.exercises.model import Exercise
from engine.geometry import conv_axis
from engine.signal import plan_conv1d

Array = NDArray[np.float64]
Maker = Callable[["Exercise", dict[str, Any]], Iterator[tuple[Array, str]]]


def parsed(given: Any) -> Array | None:
    """The typed answer as numbers, any rectangular shape, or None when it is not one."""
    try:
        array = np.asarray(given, dtype=object)
        flat = [parse_number(v) for v in array.reshape(-1).tolist()]
    except (NotANumber, ValueError, TypeError):
        return None
    if any(isinstance(v, list) for v in np.asarray(given, dtype=object).reshape(-1).tolist()):
        return None
    return np.asarray(flat, dtype=np.float64).reshape(array.shape)


def _givens(exercise: Exercise) -> dict[str, Any]:
    return {g.name: g.value for g in exercise.givens}


def _conv_variant(g: dict[str, Any], **change: Any) -> Array | None:
    args = {"stride": g["stride"], "padding": g["padding"], "dilation": g.get("dilation", 1),
            "bias": g.get("bias", 0), "flip_kernel": False} | change
    try:
        return np.asarray(conv2d(g["input"], g["kernel"], **args).output[0])
    except InputError:
        return None


def _conv_candidates(exercise: Exercise, g: dict[str, Any]) -> Iterator[tuple[Array, str]]:
    cell = tuple(g["cell"]) if "cell" in g else None

    def pick(y: Array | None) -> Array | None:
        if y is None or cell is None:
            return y
        return np.asarray(y[cell]) if all(i < n for i, n in zip(cell, y.shape)) else None

    rotated = pick(_conv_variant(g, flip_kernel=True))
    if rotated is not None:
        yield rotated, ("the kernel was rotated by 180°: that is true convolution; a "
                        "convolution layer cross-correlates, with K as it is")
    if list(g["stride"]) != [1, 1]:
        ignored = pick(_conv_variant(g, stride=1))
        if ignored is not None:
            yield ignored, "the stride was ignored: the window moves by the stride, not by 1"


def _true_conv(exercise: Exercise, g: dict[str, Any]) -> Iterator[tuple[Array, str]]:
    cross, true = exercise.answer.value.tolist()
    yield np.array([cross, cross]), ("the kernel was not rotated for the true convolution: "
                                     "rotate K by 180° first")
    yield np.array([true, true]), ("the kernel was rotated for the cross-correlation too: "
                                   "cross-correlation uses K as it is")


def _conv1d(exercise: Exercise, g: dict[str, Any]) -> Iterator[tuple[Array, str]]:
    flip = g["definition"] == "convolution"
    plan = plan_conv1d(g["input"], g["kernel"], bias=g["bias"], stride=g["stride"],
                       padding=g["padding"], dilation=g["dilation"], flip_kernel=not flip)[0]
    other = run_conv2d(plan).output[0, 0]
    yield other, ("the kernel was not reversed: s(t) = Σ x(a)·w(t − a) reads w backwards"
                  if flip else "the kernel was reversed: conv1d cross-correlates, w as it is")


def _sizes(exercise: Exercise, g: dict[str, Any]) -> Iterator[tuple[Array, str]]:
    key = exercise.answer.value
    yield key - 1, "the “+ 1” of the size formula was left out (o = ⌊…⌋ + 1)"
    if "padding" in g and "stride" in g and "dilation" in g:
        axes = len(key)

        def sizes(pad_change: int = 0, stride: Any = None) -> Array | None:
            try:
                return np.array([conv_axis("axis", input_size=g["input_size"][a],
                                           kernel_size=g["kernel_size"][a],
                                           stride=(stride or g["stride"])[a],
                                           padding=(g["padding"][a] + pad_change,) * 2,
                                           dilation=g["dilation"][a]).output_size
                                 for a in range(axes)], dtype=np.float64)
            except InputError:
                return None

        for change in (-1, 1):
            found = sizes(change)
            if found is not None:
                side = "one less" if change < 0 else "one more"
                yield found, (f"the padding is off by one: {side} on each side than given "
                              "(p counts on each side: 2p in all)")
        if any(s != 1 for s in g["stride"]):
            found = sizes(stride=[1] * axes)
            if found is not None:
                yield found, "the stride was ignored: divide by s before adding 1"


CANDIDATES: dict[str, Maker] = {
    "conv-output": _conv_candidates, "conv-cell": _conv_candidates, "true-conv": _true_conv,
    "conv1d-output": _conv1d, "conv-size": _sizes, "conv3d-size": _sizes,
    "transposed-size": lambda e, g: iter([(e.answer.value - 1, "the “+ 1” was left out")]),
}


def _generic(exercise: Exercise, g: dict[str, Any]) -> Iterator[tuple[Array, str]]:
    key = exercise.answer.value
    if key.ndim == 2 and key.shape[0] > 1 and key.shape[1] > 1:
        yield key.T, "the answer is transposed: rows were written as columns"
    bias = g.get("bias")
    if (isinstance(bias, (int, float)) and not isinstance(bias, bool) and bias != 0 \
            and exercise.answer.kind != "scalar") or (exercise.type == "conv-cell" and bias):
        yield key - bias, "the bias was forgotten: add b once to every output"
        yield key + bias, "the bias was added twice: add b once to every output"


def diagnose(exercise: Exercise, given: Any) -> list[str]:
    """The mistakes the answer shows, in words ([] when none is recognised)."""
    values = parsed(given)
    if values is None:
        return []
    key = exercise.answer.value
    tol = exercise.tolerance + 1e-9

    def same(candidate: Array) -> bool:
        return candidate.shape == values.shape and bool(np.all(np.abs(candidate - values) <= tol))

    if same(key):
        return []
    found: list[str] = []
    g = _givens(exercise)
    makers: list[Maker] = [_generic]
    if exercise.type in CANDIDATES:
        makers.append(CANDIDATES[exercise.type])
    for make in makers:
        try:
            for candidate, words in make(exercise, g):
                candidate = np.asarray(candidate, dtype=np.float64)
                if not np.array_equal(candidate, key) and same(candidate) and words not in found:
                    found.append(words)
        except (InputError, KeyError, TypeError, ValueError):
            continue
    if not found and values.shape == key.shape and key.size > 1:
        wrong = np.flatnonzero(np.abs(values - key).reshape(-1) > tol)
        if len(wrong) == 2:
            i, j = wrong
            flat_v, flat_k = values.reshape(-1), key.reshape(-1)
            if abs(flat_v[i] - flat_k[j]) <= tol and abs(flat_v[j] - flat_k[i]) <= tol:
                labels = [exercise.answer.cell_label(tuple(int(x) for x in np.unravel_index(
                    n, key.shape))) for n in (i, j)]
                found.append(f"two entries are swapped: {labels[0]} and {labels[1]}")
    return found

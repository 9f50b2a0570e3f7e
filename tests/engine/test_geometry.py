"""Per-axis output sizes and their explanations, against Dumoulin & Visin and PyTorch.

Figure and Relationship numbers are those of "A guide to convolution
arithmetic for deep learning" (i input, k kernel, s stride, p padding,
d dilation, a output padding).
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F

from engine import InputError, conv_axis, pool_axis, transposed_axis


def conv(i, k, s=1, p=0, d=1):
    return conv_axis("height", input_size=i, kernel_size=k, stride=s,
                     padding=p if isinstance(p, tuple) else (p, p), dilation=d)


def transposed(i, k, s=1, p=0, a=0, d=1):
    return transposed_axis("height", input_size=i, kernel_size=k, stride=s, padding=p,
                           dilation=d, output_padding=a)


def pool(i, k, s, p=0, d=1, ceil=False):
    return pool_axis("width", input_size=i, kernel_size=k, stride=s, padding=p, dilation=d,
                     ceil_mode=ceil)


# --- convolution: the paper's figures and Relationships ---------------------------------

@pytest.mark.parametrize(("figure", "i", "k", "s", "p", "d", "o", "relationship"), [
    ("2.1 no padding, unit strides", 4, 3, 1, 0, 1, 2, 1),
    ("2.2 arbitrary padding, unit strides", 5, 4, 1, 2, 1, 6, 2),
    ("2.3 half padding", 5, 3, 1, 1, 1, 5, 3),
    ("2.4 full padding", 5, 3, 1, 2, 1, 7, 4),
    ("2.5 no padding, strides", 5, 3, 2, 0, 1, 2, 5),
    ("2.6 padding, strides", 5, 3, 2, 1, 1, 3, 6),
    ("2.7 padding, strides (odd)", 6, 3, 2, 1, 1, 3, 6),
    ("5.1 dilation", 7, 3, 1, 0, 2, 3, 15),
])
def test_conv_figures(figure, i, k, s, p, d, o, relationship):
    a = conv(i, k, s, p, d)
    assert a.output_size == o, figure
    assert a.relationship == relationship
    assert a.citation.endswith(f'deep learning", Relationship {relationship}')
    assert a.effective_kernel_size == (k - 1) * d + 1
    assert a.padded_size == i + 2 * p


def test_conv_substitution_and_floor_with_remainder():
    a = conv(6, 3, s=2, p=1)  # Figure 2.7: (6 + 2 − 3) / 2 = 2.5, floored
    assert a.formula == "o = ⌊(i + 2p − k) / s⌋ + 1"
    assert a.lecture_formula == "⌊(m + 2β − f) / s⌋ + 1"
    assert a.substituted == "o = ⌊(6 + 2·1 − 3) / 2⌋ + 1 = ⌊5 / 2⌋ + 1 = 3"
    assert a.rounding == "⌊5 / 2⌋ = 2 (remainder 1 dropped)"
    assert (a.remainder, a.unvisited) == (1, (7,))
    assert "never reached" in a.explanation and "remainder 1" in a.explanation
    assert "padded columns" not in a.explanation and "padded rows 7" in a.explanation


def test_conv_without_remainder_says_nothing_is_dropped():
    a = conv(5, 3, s=2)  # Figure 2.5
    assert a.rounding == "⌊2 / 2⌋ = 1" and a.remainder == 0 and a.unvisited == ()
    assert "never reached" not in a.explanation
    assert a.explanation.startswith("The height of the output is 2: a window spanning 3")


def test_conv_dilated_formula_uses_the_lectures_dilation_term():
    a = conv(7, 3, d=2)  # Figure 5.1
    assert a.formula == "o = ⌊(i + 2p − k − (k − 1)(d − 1)) / s⌋ + 1"
    assert a.lecture_formula == "⌊(m + 2β − f − (f − 1)(d − 1)) / s⌋ + 1"
    assert a.substituted == "o = ⌊(7 + 2·0 − 3 − (3 − 1)(2 − 1)) / 1⌋ + 1 = ⌊2 / 1⌋ + 1 = 3"


def test_conv_asymmetric_padding_and_skipped_rows():
    a = conv(7, 3, s=3, p=(1, 2), d=2)  # padded 10, window spans 5, starts 0 and 3
    assert a.formula == "o = ⌊(i + p₁ + p₂ − k − (k − 1)(d − 1)) / s⌋ + 1"
    assert a.substituted.startswith("o = ⌊(7 + 1 + 2 − 3 − (3 − 1)(2 − 1)) / 3⌋")
    assert (a.output_size, a.remainder, a.relationship) == (2, 2, 15)
    # reads rows {0, 2, 4} and {3, 5, 7}: 1 and 6 are skipped, 8 and 9 are past the end
    assert a.unvisited == (1, 6, 8, 9)
    assert "skips padded rows 1, 6" in a.explanation and "rows 8–9" in a.explanation


def test_lecture_stride_3_example():
    a = conv(6, 3, s=3)  # deck 002, stride 3: ⌊(6 − 3)/3⌋ + 1 = 2
    assert a.substituted == "o = ⌊(6 + 2·0 − 3) / 3⌋ + 1 = ⌊3 / 3⌋ + 1 = 2"


def test_width_axis_speaks_of_columns():
    a = conv_axis("width", input_size=6, kernel_size=3, stride=2, padding=(1, 1), dilation=1)
    assert a.axis == "width" and "padded columns 7" in a.explanation


def test_kernel_larger_than_padded_input():
    with pytest.raises(InputError) as err:
        conv(2, 3, p=1, d=2)
    assert err.value.field == "kernel"
    assert "spans 5 cells" in str(err.value) and "padded input's 4" in str(err.value)
    with pytest.raises(InputError) as err:
        conv(2, 3)
    assert "kernel height 3" in str(err.value) and "2 (2 + padding 0 + 0)" in str(err.value)


# --- transposed convolution: Figures 4.1–4.7, Relationships 8–14 --------------------------

@pytest.mark.parametrize(("figure", "i", "k", "s", "p", "a", "o", "relationship"), [
    ("4.1 no padding, unit strides", 2, 3, 1, 0, 0, 4, 8),
    ("4.2 padding, unit strides", 6, 4, 1, 2, 0, 5, 9),
    ("4.3 half padding", 5, 3, 1, 1, 0, 5, 10),
    ("4.4 full padding", 7, 3, 1, 2, 0, 5, 11),
    ("4.5 no padding, strides", 2, 3, 2, 0, 0, 5, 12),
    ("4.6 padding, strides", 3, 3, 2, 1, 0, 5, 13),
    ("4.7 padding, strides, odd", 3, 3, 2, 1, 1, 6, 14),
])
def test_transposed_figures(figure, i, k, s, p, a, o, relationship):
    t = transposed(i, k, s, p, a)
    assert t.output_size == o, figure
    assert t.relationship == relationship
    assert t.substituted == f"o′ = {s}({i} − 1) + {a} + {k} − 2·{p} = {o}"


def test_transposed_explanation_gives_the_equivalent_convolution():
    t = transposed(3, 3, s=2, p=1, a=1)  # Figure 4.7: 1 zero inserted, padding k − p − 1 = 1
    assert t.formula == "o′ = s(i′ − 1) + a + k − 2p"
    assert "1 zero inserted" in t.explanation and "1 cell of padding" in t.explanation
    assert "output padding adds 1" in t.explanation
    assert "2 apart" in t.explanation and "3-row copy" in t.explanation


def test_transposed_lecture_deck_stride_2():
    # deck 002: (n − 1)·s + f = (3 − 1)·2 + 2 = 6
    assert transposed(3, 2, s=2).output_size == 6
    assert transposed(3, 2, s=1).output_size == 4


def test_transposed_dilated_kernel():
    t = transposed(3, 3, s=1, d=2)
    assert t.output_size == 3 - 1 + 5 and "(3 − 1)·2 + 1" in t.substituted


def test_transposed_errors():
    with pytest.raises(InputError) as err:
        transposed(3, 3, s=2, a=2)
    assert err.value.field == "output_padding"
    assert "stride (2)" in str(err.value) and "dilation (1)" in str(err.value)
    assert transposed(3, 3, s=1, a=1, d=2).output_size == 2 + 1 + 5  # a < d is enough
    with pytest.raises(InputError) as err:
        transposed(1, 1, p=1)
    assert err.value.field == "padding" and "= -1" in str(err.value)


def test_transposed_sizes_match_torch():
    rng = random.Random(2)
    checked = 0
    for _ in range(300):
        i, k, s, d = rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 2)
        p, a = rng.randint(0, 3), rng.randint(0, 2)
        x, w = torch.zeros(1, 1, i, 2), torch.zeros(1, 1, k, 1)
        try:
            expected = F.conv_transpose2d(x, w, stride=(s, 1), padding=(p, 0),
                                          output_padding=(a, 0), dilation=(d, 1)).shape[2]
        except RuntimeError:
            with pytest.raises(InputError):
                transposed(i, k, s, p, a, d)
            continue
        assert transposed(i, k, s, p, a, d).output_size == expected, (i, k, s, p, a, d)
        checked += 1
    assert checked > 150


# --- pooling: Relationship 7 and ceil mode -------------------------------------------------

def test_pool_relationship_7():
    a = pool(5, 3, 1)  # Figures 1.5 and 1.6: 3×3 pooling over 5×5, stride 1
    assert (a.output_size, a.relationship) == (3, 7)
    assert a.formula == "o = ⌊(i + 2p − k) / s⌋ + 1"


def test_pool_ceil_mode_keeps_a_partial_window():
    a = pool(5, 2, 2, ceil=True)
    assert a.output_size == 3 and pool(5, 2, 2).output_size == 2
    assert a.formula == "o = ⌈(i + 2p − k) / s⌉ + 1" and a.rounding == "⌈3 / 2⌉ = 2"
    assert "partial window" in a.explanation


def test_pool_ceil_mode_drops_a_window_starting_in_the_padding():
    a = pool(5, 2, 2, p=1, ceil=True)  # ⌈5 / 2⌉ + 1 = 4 windows, the 4th starts at 6
    assert a.output_size == 3
    assert a.substituted == "o = ⌈(5 + 2·1 − 2) / 2⌉ + 1 = 4 − 1 = 3"
    assert "PyTorch drops" in a.explanation


def test_pool_floor_mode_reports_the_remainder():
    a = pool(5, 2, 2)
    assert a.rounding == "⌊3 / 2⌋ = 1 (remainder 1 dropped)" and a.remainder == 1
    assert a.unvisited == (4,) and "never reached" in a.explanation


def test_pool_ceil_mode_window_may_hang_past_the_padding():
    # dilated window of 5 cells over 3: torch keeps the one window in ceil mode
    expected = F.max_pool2d(torch.zeros(1, 1, 1, 3), (1, 3), stride=(1, 4), dilation=(1, 2),
                            ceil_mode=True).shape[3]
    assert pool(3, 3, 4, d=2, ceil=True).output_size == expected == 1
    with pytest.raises(InputError) as err:
        pool(3, 3, 4, d=2)
    assert err.value.field == "kernel_size" and "padded input's 3" in str(err.value)


def test_pool_errors():
    with pytest.raises(InputError) as err:
        pool(5, 3, 1, p=2)
    assert err.value.field == "padding" and "kernel size 3 (that is 1)" in str(err.value)
    with pytest.raises(InputError) as err:
        pool(2, 3, 1, d=2, p=1)
    assert err.value.field == "kernel_size" and "spans 5 cells" in str(err.value)


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_sizes_match_torch(ceil_mode):
    rng = random.Random(int(ceil_mode))
    dropped = 0
    for _ in range(400):
        i, k, s = rng.randint(1, 9), rng.randint(1, 4), rng.randint(1, 4)
        p, d = rng.randint(0, 2), rng.randint(1, 2)
        x = torch.zeros(1, 1, 1, i)
        try:
            expected = F.max_pool2d(x, (1, k), stride=(1, s), padding=(0, p), dilation=(1, d),
                                    ceil_mode=ceil_mode).shape[3]
        except RuntimeError:
            with pytest.raises(InputError):
                pool(i, k, s, p, d, ceil_mode)
            continue
        a = pool(i, k, s, p, d, ceil_mode)
        assert a.output_size == expected, (i, k, s, p, d, ceil_mode)
        dropped += "PyTorch drops" in a.explanation
    assert (dropped > 0) == ceil_mode


def test_the_lecture_formula_names_every_parameter_in_play() -> None:
    """Issue 14, item 9: dilation appears in the decks' notation whenever it is used, and
    the paper's Relationship is cited only for what it covers."""
    from engine.geometry import pool_axis, transposed_axis

    pooled = pool_axis("height", input_size=9, kernel_size=3, stride=2, padding=1, dilation=2,
                       ceil_mode=False)
    assert "(d − 1)" in pooled.lecture_formula and "(d − 1)" in pooled.formula
    assert "which has no padding and dilation" in pooled.citation
    plain = pool_axis("height", input_size=9, kernel_size=3, stride=2, padding=0, dilation=1,
                      ceil_mode=False)
    assert plain.citation.endswith("Relationship 7") and "d" not in plain.lecture_formula
    dilated = transposed_axis("width", input_size=3, kernel_size=3, stride=2, padding=1,
                              dilation=2, output_padding=0)
    assert "d" in dilated.lecture_formula and "no dilation" in dilated.citation
    # the notation, evaluated with the numbers, gives the output size
    n, s, f, d, beta, a = 3, 2, 3, 2, 1, 0
    assert (n - 1) * s + (f - 1) * d + 1 - 2 * beta + a == dilated.output_size

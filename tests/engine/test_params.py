"""The feasibility checks: every bad input is an InputError naming its field and numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import InputError, conv2d
from engine.params import (
    as_bias,
    as_kernel4d,
    as_matrix,
    check_padding_mode,
    resolve_padding,
)


def error_of(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as err:
        call(*args, **kwargs)
    return err.value


# --- as_matrix ---------------------------------------------------------------------------

def test_as_matrix_returns_float64():
    array = as_matrix([[1, 2], [3, 4]], "input", ranks=(2, 3))
    assert array.dtype == np.float64 and array.tolist() == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize(("value", "words"), [
    ([[1, 2], [3]], ["ragged", "row [1] has 1 entries", "row [0] has 2 entries"]),
    ([[1, 2], 3], ["ragged", "row [1] has a number", "2 entries"]),
    ([[[1, 2], [3, 4]], [[1, 2], [3]]], ["ragged", "row [1][1] has 1 entries"]),
    ([[[1, 2]], [[1]]], ["rectangular"]),   # ragged across cousins, not siblings
    ([[1, "a"]], ["numbers"]),
    ("abc", ["numbers"]),
])
def test_as_matrix_names_the_reason(value, words):
    err = error_of(as_matrix, value, "kernel", ranks=(2, 3, 4))
    assert err.field == "kernel" and err.message
    for word in words:
        assert word in err.message


@pytest.mark.parametrize(("value", "words"), [
    ([], "got shape [0]"),
    ([[]], "must not be empty, got shape [1, 0]"),
    ([[], []], "must not be empty, got shape [2, 0]"),
])
def test_as_matrix_refuses_empty(value, words):
    err = error_of(as_matrix, value, "input", ranks=(1, 2))
    assert err.field == "input" and words in err.message


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_as_matrix_refuses_non_finite_and_says_where(bad):
    err = error_of(as_matrix, [[1, 2], [3, bad]], "input", ranks=(2,))
    assert err.field == "input" and "finite" in err.message
    assert "[1, 1]" in err.message and str(bad) in err.message


@pytest.mark.parametrize(("value", "rank"), [(5, 0), ([1, 2], 1), ([[[[[1]]]]], 5)])
def test_as_matrix_refuses_other_ranks(value, rank):
    err = error_of(as_matrix, value, "input", ranks=(2, 3))
    assert err.message == f"must be a 2-D or 3-D array of numbers, got {rank}-D"


# --- resolve_padding ---------------------------------------------------------------------

def resolve(padding, k=(3, 3), d=(1, 1), s=(1, 1)):
    return resolve_padding(padding, kernel_size=k, dilation=d, stride=s)


def test_resolve_padding_numbers():
    assert resolve(2) == ((2, 2), (2, 2))
    assert resolve([1, 0]) == ((1, 1), (0, 0))
    assert resolve([[1, 2], [0, 3]]) == ((1, 2), (0, 3))


@pytest.mark.parametrize(("k", "d", "same", "full"), [
    ((3, 3), (1, 1), ((1, 1), (1, 1)), ((2, 2), (2, 2))),
    ((4, 2), (1, 1), ((1, 2), (0, 1)), ((3, 3), (1, 1))),   # odd cell bottom / right
    ((3, 2), (2, 3), ((2, 2), (1, 2)), ((4, 4), (3, 3))),   # (k − 1)·d
    ((1, 1), (1, 1), ((0, 0), (0, 0)), ((0, 0), (0, 0))),
])
def test_resolve_padding_keywords(k, d, same, full):
    assert resolve("valid", k, d) == ((0, 0), (0, 0))
    assert resolve("same", k, d) == same
    assert resolve("full", k, d) == full


def test_same_padding_keeps_the_size_at_stride_1():
    for kernel_size in [(1, 2), (2, 3), (4, 4), (5, 1)]:
        result = conv2d(np.ones((6, 5)), np.ones(kernel_size), padding="same")
        assert result.output.shape == (1, 6, 5)


@pytest.mark.parametrize("stride", [(2, 2), (1, 2), (3, 1)])
def test_same_padding_with_stride_is_an_error(stride):
    err = error_of(resolve, "same", s=stride)
    assert err.field == "padding" and f"got stride {list(stride)}" in err.message


@pytest.mark.parametrize("padding", ["half", [1, 2, 3], [-1, 0], -2, 1.5, [True, 1]])
def test_resolve_padding_refuses_other_values(padding):
    err = error_of(resolve, padding)
    assert err.field == "padding"


# --- check_padding_mode ------------------------------------------------------------------

def test_reflect_padding_must_be_smaller_than_the_input():
    assert check_padding_mode("reflect", ((2, 2), (0, 0)), (3, 1)) == "reflect"
    err = error_of(check_padding_mode, "reflect", ((1, 3), (0, 0)), (3, 5))
    assert err.field == "padding"
    assert err.message == "reflect padding 3 must be smaller than the input height 3"


def test_circular_padding_may_equal_the_input():
    assert check_padding_mode("circular", ((0, 0), (4, 4)), (1, 4)) == "circular"
    err = error_of(check_padding_mode, "circular", ((0, 0), (5, 0)), (1, 4))
    assert err.message == "circular padding 5 must be at most the input width 4"


def test_replicate_and_zeros_pad_any_amount():
    for mode in ("zeros", "replicate"):
        assert check_padding_mode(mode, ((9, 9), (9, 9)), (1, 1)) == mode


def test_unknown_padding_mode():
    err = error_of(check_padding_mode, "mirror", ((0, 0), (0, 0)), (3, 3))
    assert err.field == "padding_mode" and "'mirror'" in err.message and "circular" in err.message


# --- kernels, groups, bias ---------------------------------------------------------------

def test_as_kernel4d_ranks():
    assert as_kernel4d(np.ones((2, 3)), 1, 1).shape == (1, 1, 2, 3)
    assert as_kernel4d(np.ones((4, 2, 3)), 4, 1).shape == (1, 4, 2, 3)
    assert as_kernel4d(np.ones((6, 2, 1, 1)), 4, 2).shape == (6, 2, 1, 1)


@pytest.mark.parametrize(("shape", "c_in", "groups", "field", "words"), [
    ((2, 2), 3, 1, "kernel", "each filter needs 3"),
    ((2, 2, 2), 3, 1, "kernel", "has 2 input channel(s) per filter"),
    ((3, 1, 2, 2), 4, 2, "kernel", "in 2 group(s), so each filter needs 2"),
    ((3, 2, 2, 2), 4, 2, "groups", "does not divide the 3 filters"),
    ((2, 1, 2, 2), 3, 2, "groups", "2 does not divide the 3 input channels"),
    ((2, 1, 2, 2), 3, 0, "groups", "must be at least 1, got 0"),
])
def test_as_kernel4d_errors(shape, c_in, groups, field, words):
    err = error_of(as_kernel4d, np.ones(shape), c_in, groups)
    assert err.field == field and words in err.message


def test_as_bias():
    assert as_bias(None, 2).tolist() == [0, 0]
    assert as_bias(-1, 3).tolist() == [-1, -1, -1]
    assert as_bias([1, 2], 2).tolist() == [1, 2]


@pytest.mark.parametrize(("bias", "words"), [
    ([1, 2, 3], "must be one number or 2 (one per output channel), got 3"),
    ([[1], [2]], "got 2"),
    ([1, math.nan], "finite"),
    (math.inf, "finite"),
    ([[1, 2], [3]], "one per output channel"),
    ("abc", "one per output channel"),
])
def test_as_bias_errors(bias, words):
    err = error_of(as_bias, bias, 2)
    assert err.field == "bias" and words in err.message


# --- the whole request, through conv2d ---------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"input": [[1, 2], [3]]}, "input"),
    ({"input": [[math.nan]]}, "input"),
    ({"kernel": [[]]}, "kernel"),
    ({"kernel": [[math.inf]]}, "kernel"),
    ({"stride": 0}, "stride"),
    ({"dilation": [1, 0]}, "dilation"),
    ({"stride": 1.5}, "stride"),
    ({"padding": "same", "stride": 2}, "padding"),
    ({"padding": 3, "padding_mode": "reflect"}, "padding"),
    ({"padding_mode": "edge"}, "padding_mode"),
    ({"kernel": np.ones((4, 4))}, "kernel"),
    ({"bias": [1, 2]}, "bias"),
    ({"groups": 2}, "groups"),
])
def test_conv2d_names_the_field(kwargs, field):
    call = {"input": np.ones((3, 3)), "kernel": np.ones((2, 2))} | kwargs
    assert error_of(conv2d, **call).field == field


def test_conv2d_refuses_an_overflowing_output():
    err = error_of(conv2d, [[1e300, 1e300]], [[1e300, 1e300]])
    assert err.field == "input" and "overflow" in err.message

"""The lecture decks' worked examples and the named kernels, as plain data.

Each example names its deck (``../shared/seeds``), the operation and its
parameters in the API's vocabulary, and the output the slide states, so the
tests can check the engine against the slides and the UI can load them.
"""

from __future__ import annotations

from typing import Any

_A6 = [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
       [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]]
_K3 = [[1, 2, 2], [2, 1, 2], [2, 2, 1]]
_A5 = [[0, 2, -3, 2, -3], [-2, -2, -2, -1, -2], [-3, -3, 2, -2, 1],
       [-3, -2, 1, -3, 1], [0, -1, 0, 2, -3]]
_W3 = [[-1, 0, -2], [1, 1, -1], [-1, -1, 0]]
_DIAG7 = [[0.5, 1, 1, 1, 1, 1, 1], [1, 0.5, 0, 0, 0, 0, 0], [0, 0, 0.5, 1, 1, 1, 1],
          [1, 1, 1, 0.5, 0, 0, 0], [0, 0, 0, 0, 0.5, 1, 1], [1, 1, 1, 1, 1, 0.5, 0],
          [0, 0, 0, 0, 0, 0, 0.5]]
_T3 = [[1, 3, 2], [2, 5, 6], [7, 1, 3]]
_TK = [[0, 1], [3, 2]]
_EDGE = [[10, 10, 10, 0, 0, 0] for _ in range(6)]
_FMAP = [[9, -9, 7], [2, 5, 6], [-7, 9, -10]]  # deck 004: A5 ∗ W3 + b, stride 1


def _example(id: str, name: str, deck: str, description: str, op: str,
             params: dict[str, Any], expected: list[Any] | None) -> dict[str, Any]:
    return {"id": id, "name": name, "deck": deck, "description": description, "op": op,
            "params": params, "expected_output": expected}


EXAMPLES: list[dict[str, Any]] = [
    _example("stride-3", "Stride 3", "002",
             "A 3×3 kernel over the 6×6 matrix A, stride 3: h₁₁ = 3×1 + 2×2 + 7×2 + … = 52.",
             "conv2d", {"input": _A6, "kernel": _K3, "stride": 3},
             [[52, 54], [52, 54]]),
    _example("same-padding", "Same padding", "002",
             "Padding β = (f − 1)/2 = 1 keeps the 6×6 size at stride 1.",
             "conv2d", {"input": _A6, "kernel": _K3, "padding": 1}, None),
    _example("padding-dilation", "Padding 1, dilation 3", "002",
             "The kernel's taps 3 apart over the zero-padded 8×8 A: h₁₁ = 17.",
             "conv2d", {"input": _A6, "kernel": _K3, "padding": 1, "dilation": 3},
             [[17, 33], [28, 22]]),
    _example("dilation-3", "Dilation 3, no padding", "002",
             "A 3-dilated 3×3 kernel spans the whole 7×7 input: one output, 1.",
             "conv2d", {"input": _DIAG7, "kernel": [[1, 0, -1], [0, 4, 0], [-1, 0, -1]],
                        "dilation": 3},
             [[1]]),
    _example("transposed-stride-1", "Transposed convolution, stride 1", "002",
             "Each input cell places a scaled copy of the kernel (A1 … A9); their sum is 4×4.",
             "conv_transpose2d", {"input": _T3, "kernel": _TK, "stride": 1},
             [[0, 1, 3, 2], [3, 13, 17, 10], [6, 26, 29, 15], [21, 17, 11, 6]]),
    _example("transposed-stride-2", "Transposed convolution, stride 2", "002",
             "The same copies placed 2 apart: (3 − 1)·2 + 2 = 6 per side.",
             "conv_transpose2d", {"input": _T3, "kernel": _TK, "stride": 2},
             [[0, 1, 0, 3, 0, 2], [3, 2, 9, 6, 6, 4], [0, 2, 0, 5, 0, 6],
              [6, 4, 15, 10, 18, 12], [0, 7, 0, 1, 0, 3], [21, 14, 3, 2, 9, 6]]),
    _example("bias-stride-1", "Bias, stride 1", "004",
             "A 5×5 image, a 3×3 filter W and bias b = −1.",
             "conv2d", {"input": _A5, "kernel": _W3, "bias": -1},
             [[9, -9, 7], [2, 5, 6], [-7, 9, -10]]),
    _example("bias-stride-2", "Bias, stride 2", "004",
             "Stride 2 keeps every other output of stride 1: drop the intermediates.",
             "conv2d", {"input": _A5, "kernel": _W3, "bias": -1, "stride": 2},
             [[9, 7], [-7, -10]]),
    _example("vertical-edge", "Vertical edge", "000",
             "Bright left half, dark right half: the vertical-edge kernel lights up the border.",
             "conv2d", {"input": _EDGE, "kernel": [[1, 0, -1]] * 3},
             [[0, 30, 30, 0]] * 4),
    _example("true-convolution", "True convolution (kernel rotated 180°)", "003",
             "Convolution proper flips the kernel: a·9 + b·8 + c·7 + … + i·1, here with "
             "a … i = 1 … 9.",
             "conv2d", {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                        "kernel": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "flip_kernel": True},
             [[165]]),
    _example("matrix-3x3-2x2", "Convolution as a matrix: 3×3 input, 2×2 kernel", "001",
             "The deck's X₁₁ … X₃₃ and W₁₁ … W₂₂ as 1 … 9 and 1 … 4, true convolution "
             "(the kernel rotated 180°), valid padding.",
             "conv2d", {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                        "kernel": [[1, 2], [3, 4]], "flip_kernel": True},
             [[23, 33], [53, 63]]),
    *[_example(f"pool-{mode}", f"{word} pooling of a feature map", "004",
               f"Deck 004 pools with max, mean or min, without numbers to reproduce: here a "
               f"2×2 window, stride 1, over the deck's own feature map, the output of the "
               f"bias example ({word.lower()} of each window).",
               "pool2d", {"input": _FMAP, "mode": mode, "kernel_size": 2, "stride": 1},
               expected)
      for mode, word, expected in (("max", "Max", [[9, 7], [9, 9]]),
                                   ("avg", "Mean", [[1.75, 2.25], [2.25, 2.5]]),
                                   ("min", "Min", [[-9, -9], [-7, -10]]))],
]

KERNELS: list[dict[str, Any]] = [
    {"id": "identity", "name": "Identity", "kernel": [[0, 0, 0], [0, 1, 0], [0, 0, 0]]},
    {"id": "box-blur", "name": "Box blur (moving average)",
     "kernel": [[1 / 9] * 3 for _ in range(3)]},
    {"id": "gaussian", "name": "Gaussian blur 3×3",
     "kernel": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]]},
    {"id": "sharpen", "name": "Sharpen", "kernel": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]},
    {"id": "sobel-x", "name": "Sobel x", "kernel": [[1, 0, -1], [2, 0, -2], [1, 0, -1]]},
    {"id": "sobel-y", "name": "Sobel y", "kernel": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]},
    {"id": "scharr-x", "name": "Scharr x", "kernel": [[3, 0, -3], [10, 0, -10], [3, 0, -3]]},
    {"id": "scharr-y", "name": "Scharr y", "kernel": [[3, 10, 3], [0, 0, 0], [-3, -10, -3]]},
    {"id": "vertical-edge", "name": "Vertical edge",
     "kernel": [[1, 0, -1], [1, 0, -1], [1, 0, -1]]},
    {"id": "horizontal-edge", "name": "Horizontal edge",
     "kernel": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]},
    {"id": "laplacian", "name": "Laplacian", "kernel": [[0, 1, 0], [1, -4, 1], [0, 1, 0]]},
    {"id": "emboss", "name": "Emboss", "kernel": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]},
]

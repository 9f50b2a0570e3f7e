"""Random conv2d calls covering every parameter, and PyTorch autograd as the oracle.

Shared by the matrix and backward tests. The padding is worked out here,
independently of the engine, and torch pads with its own ``F.pad`` modes.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

MODES = ["zeros", "reflect", "replicate", "circular"]
PADDINGS = ["int", "pair", "valid", "same", "full"]


def pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def explicit_padding(padding: Any, kernel_size: tuple[int, int], dilation: tuple[int, int]
                     ) -> tuple[tuple[int, int], tuple[int, int]]:
    spans = [(k - 1) * d for k, d in zip(kernel_size, dilation)]
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "full":
        return ((spans[0], spans[0]), (spans[1], spans[1]))
    if padding == "same":  # PyTorch: the odd cell goes to the bottom / right
        return ((spans[0] // 2, spans[0] - spans[0] // 2),
                (spans[1] // 2, spans[1] - spans[1] // 2))
    ph, pw = pair(padding)
    return ((ph, ph), (pw, pw))


def feasible(size: tuple[int, int], kernel_size: tuple[int, int], dilation: tuple[int, int],
             pads: Any, mode: str) -> bool:
    for n, k, d, (before, after) in zip(size, kernel_size, dilation, pads):
        if (k - 1) * d + 1 > n + before + after:
            return False
        if mode == "reflect" and max(before, after) >= n:
            return False
        if mode == "circular" and max(before, after) > n:
            return False
    return True


def random_case(rng: random.Random, mode: str, padding_kind: str, *, integers: bool = False,
                max_size: int = 6, max_kernel: int = 3) -> dict[str, Any]:
    """One feasible conv2d call, as keyword arguments of ``engine.conv2d``."""
    def draw() -> float:
        return float(rng.randint(-4, 4)) if integers else rng.gauss(0, 1)

    while True:
        kernel_rank = rng.choice([2, 3, 4])
        if kernel_rank == 4:
            groups = rng.choice([1, 1, 2, 3])
            c_in, c_out = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
        else:
            groups, c_out = 1, 1
            c_in = 1 if kernel_rank == 2 else rng.randint(1, 3)
        input_rank = 2 if c_in == 1 and rng.random() < 0.5 else 3
        size = (rng.randint(1, max_size), rng.randint(1, max_size))
        kernel_size = (rng.randint(1, max_kernel), rng.randint(1, max_kernel))
        stride: Any = rng.choice([1, 2, 3, [1, 2], [3, 1]])
        dilation: Any = rng.choice([1, 1, 2, [1, 2], [2, 1]])
        padding: Any = {"int": rng.randint(0, 2), "pair": [rng.randint(0, 2), rng.randint(0, 2)],
                        "valid": "valid", "same": "same", "full": "full"}[padding_kind]
        if padding == "same":
            stride = 1
        pads = explicit_padding(padding, kernel_size, pair(dilation))
        if feasible(size, kernel_size, pair(dilation), pads, mode):
            break
    x = np.array([draw() for _ in range(c_in * size[0] * size[1])]).reshape(c_in, *size)
    k = np.array([draw() for _ in range(c_out * c_in // groups * kernel_size[0]
                                        * kernel_size[1])])
    k = k.reshape(c_out, c_in // groups, *kernel_size)
    bias = rng.choice([None, draw(), [draw() for _ in range(c_out)]])
    return {"input": x[0] if input_rank == 2 else x,
            "kernel": k.reshape(k.shape[-kernel_rank:]) if kernel_rank < 4 else k,
            "bias": bias, "stride": stride, "padding": padding, "dilation": dilation,
            "groups": groups, "padding_mode": mode, "flip_kernel": rng.random() < 0.3}


def describe(case: dict[str, Any]) -> str:
    shapes = {k: np.shape(case[k]) for k in ("input", "kernel")}
    return f"{shapes} {({k: v for k, v in case.items() if k not in ('input', 'kernel')})}"


def torch_forward_backward(case: dict[str, Any], grad_output: np.ndarray | None = None
                           ) -> dict[str, np.ndarray]:
    """Output (C_out, H_out, W_out) and the gradients of x, of the kernel as given (shaped
    (C_out, C_in/groups, kH, kW)) and of a per-channel bias, by torch autograd (float64)."""
    x = torch.tensor(np.asarray(case["input"], dtype=float)).reshape(
        1, -1, *np.shape(case["input"])[-2:]).requires_grad_()
    w0 = np.asarray(case["kernel"], dtype=float)
    w = torch.tensor(w0.reshape((1,) * (4 - w0.ndim) + w0.shape)).requires_grad_()
    b = torch.zeros(w.shape[0], dtype=torch.float64)
    if case["bias"] is not None:
        b = b + torch.as_tensor(case["bias"], dtype=torch.float64)
    b.requires_grad_()
    dilation = pair(case["dilation"])
    (top, bottom), (left, right) = explicit_padding(case["padding"], tuple(w.shape[2:]),
                                                    dilation)
    mode = {"zeros": "constant"}.get(case["padding_mode"], case["padding_mode"])
    padded = F.pad(x, (left, right, top, bottom), mode=mode)
    applied = torch.flip(w, dims=(-2, -1)) if case["flip_kernel"] else w
    y = F.conv2d(padded, applied, b, stride=pair(case["stride"]), dilation=dilation,
                 groups=case["groups"])
    dy = torch.ones_like(y) if grad_output is None else torch.tensor(
        np.asarray(grad_output, dtype=float)).reshape(y.shape)
    y.backward(dy)
    assert x.grad is not None and w.grad is not None and b.grad is not None
    return {"output": y.detach()[0].numpy(), "grad_input": x.grad[0].numpy(),
            "grad_kernel": w.grad.numpy(), "grad_bias": b.grad.numpy()}

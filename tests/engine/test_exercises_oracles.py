"""Every exercise's answer key against an independent computation, over thousands of seeds.

Each type is one test looping over seeds (difficulty cycling 1, 2, 3); the oracle reads
only the exercise's givens, as a student would, and computes with PyTorch (float64):
shapes from running the operation on zeros, values from the functional op or autograd.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.exercises import TYPES, generate
from tests.engine.network_torch import build, leaf_rows, params
from tests.engine.test_network import _brute_model

SEEDS = 2000
NETWORK = ("network-shape", "layer-cost", "receptive-field")
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)  # tiny tensors: threads only add overhead


def t4(value) -> torch.Tensor:
    """A 2-D or 3-D given as a (1, C, H, W) tensor."""
    array = torch.tensor(value, dtype=torch.float64)
    return array.reshape(1, -1, *array.shape[-2:])


def kernel4(value) -> torch.Tensor:
    array = torch.tensor(value, dtype=torch.float64)
    return array.reshape(1, -1, *array.shape[-2:])


def zeros_shape(op, size, kernel, **kw) -> list[int]:
    x = torch.zeros(1, 1, *size)
    if op is F.max_pool2d:
        return list(op(x, kernel, **kw).shape[-2:])
    return list(op(x, torch.zeros(1, 1, *kernel), **kw).shape[-2:])


def signal_oracle(kind: str, g: dict) -> np.ndarray:
    """1-D and 3-D answers: F.conv1d and F.conv3d (on zeros for sizes), plain loops over
    the taps for causal padding, and autograd through a stack of causal layers."""
    if kind == "conv1d-output":
        x = torch.tensor(g["input"], dtype=torch.float64)[None, None]
        w = torch.tensor(g["kernel"], dtype=torch.float64)[None, None]
        if g["definition"] == "convolution":
            w = w.flip(-1)
        y = F.conv1d(F.pad(x, tuple(g["padding"])), w, torch.tensor([float(g["bias"])]),
                     stride=g["stride"], dilation=g["dilation"])
        return y[0, 0].numpy()
    if kind == "causal-padding":
        n, k, d, s, t = (g[name] for name in ("length", "kernel_size", "dilation", "stride", "t"))
        left = (k - 1) * d  # all of the span on the left: output t's last tap reads x(t·s)
        y = F.conv1d(F.pad(torch.zeros(1, 1, n), (left, 0)), torch.zeros(1, 1, k), stride=s,
                     dilation=d)
        on_padding = sum(1 for j in range(k) if t * s + j * d < left)
        return np.array([left, y.shape[-1], on_padding])
    if kind == "stack-receptive-field":
        span = sum((k - 1) * d for k, d in zip(g["kernel_sizes"], g["dilations"]))
        x = torch.rand(1, 1, 2 * span + 8, requires_grad=True)
        y = x
        for k, d in zip(g["kernel_sizes"], g["dilations"]):
            y = F.conv1d(F.pad(y, ((k - 1) * d, 0)), torch.rand(1, 1, k) + 0.5, dilation=d)
        y[0, 0, -1].backward()
        assert x.grad is not None
        return np.array(int((x.grad[0, 0] != 0).sum()))
    shape = F.conv3d(torch.zeros(1, 1, *g["input_size"]), torch.zeros(1, 1, *g["kernel_size"]),
                     stride=g["stride"], padding=g["padding"], dilation=g["dilation"]).shape
    return np.array(shape[2:])


SIGNALS = ("conv1d-output", "causal-padding", "stack-receptive-field", "conv3d-size")


def oracle(kind: str, g: dict) -> np.ndarray:
    """The answer computed from the givens alone."""
    if kind in SIGNALS:
        return signal_oracle(kind, g)
    if kind == "conv-size":
        return np.array(zeros_shape(F.conv2d, g["input_size"], g["kernel_size"],
                                    stride=g["stride"], padding=g["padding"],
                                    dilation=g["dilation"]))
    if kind == "transposed-size":
        return np.array(zeros_shape(F.conv_transpose2d, g["input_size"], g["kernel_size"],
                                    stride=g["stride"], padding=g["padding"],
                                    output_padding=g.get("output_padding", 0),
                                    dilation=g.get("dilation", 1)))
    if kind == "pool-size":
        return np.array(zeros_shape(F.max_pool2d, g["input_size"], g["kernel_size"],
                                    stride=g["stride"], padding=g["padding"],
                                    dilation=g.get("dilation", 1), ceil_mode=g["ceil_mode"]))
    if kind == "same-padding":
        # At stride 1 each unit of padding adds 2 to the output size, so the padding that
        # keeps the size is unique: solve for it by hand, then let PyTorch confirm it.
        size, kernel, dilation = g["input_size"], g["kernel_size"], g["dilation"]
        pads = [((kernel[a] - 1) * dilation[a]) // 2 for a in range(2)]
        assert zeros_shape(F.conv2d, size, kernel, padding=pads, dilation=dilation) == size
        return np.array(pads)
    if kind in ("conv-cell", "conv-output"):
        y = F.conv2d(t4(g["input"]), kernel4(g["kernel"]), bias=torch.tensor([g["bias"]],
                     dtype=torch.float64), stride=g["stride"], padding=g["padding"],
                     dilation=g["dilation"])[0, 0].numpy()
        return y[tuple(g["cell"])] if kind == "conv-cell" else y
    if kind == "true-conv":
        x, k = t4(g["input"]), kernel4(g["kernel"])
        r, c = g["cell"]
        return np.array([F.conv2d(x, w, stride=g["stride"], padding=g["padding"])[0, 0, r, c]
                         for w in (k, torch.flip(k, dims=(2, 3)))])
    if kind == "transposed-output":
        return F.conv_transpose2d(t4(g["input"]), kernel4(g["kernel"]),
                                  bias=torch.tensor([g["bias"]], dtype=torch.float64),
                                  stride=g["stride"], padding=g["padding"],
                                  output_padding=g["output_padding"])[0, 0].numpy()
    if kind == "pool-output":
        x, kw = t4(g["input"]), {"stride": g["stride"], "padding": g["padding"],
                                 "ceil_mode": g["ceil_mode"]}
        if g["mode"] == "avg":
            y = F.avg_pool2d(x, g["kernel_size"], count_include_pad=True, **kw)
        elif g["mode"] == "max":
            y = F.max_pool2d(x, g["kernel_size"], **kw)
        else:
            y = -F.max_pool2d(-x, g["kernel_size"], **kw)
        return y[0, 0].numpy()
    if kind == "unpool-output":
        _, idx = F.max_pool2d(t4(g["input"]), g["kernel_size"], g["stride"],
                              return_indices=True)
        return F.max_unpool2d(t4(g["values"]), idx, g["kernel_size"], g["stride"],
                              output_size=g["output_size"])[0, 0].numpy()
    if kind in ("c-row", "im2col-row", "backward-dx", "backward-dw"):
        return matrix_oracle(kind, g)
    if kind in ("network-shape", "layer-cost", "receptive-field"):
        return network_oracle(kind, g)
    if kind in ("chain-factor", "kernel-tap-grad", "sgd-step"):
        return chain_oracle(kind, g)
    raise AssertionError(kind)


ACTS = {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.1)}


def chain_oracle(kind: str, g: dict) -> np.ndarray:
    """Autograd through the chain: ∂L/∂Z at the cell; ∂L/∂K at the tap; and
    torch.optim.SGD's step of K."""
    if kind == "chain-factor":
        z = t4(g["input"]).requires_grad_(True)
        a = ACTS[g["activation"]](z)
        p = g["pooling"]
        pooled = (F.max_pool2d(a, p["kernel_size"], p.get("stride")) if p["op"] == "max_pool2d"
                  else F.avg_pool2d(a, p["kernel_size"], p.get("stride")))
        pooled.backward(t4(g["grad_output"]))
        r, c = g["cell"]
        return np.array(z.grad[0, 0, r, c].item())
    k = t4(g["kernel"]).requires_grad_(True)
    y = t4(g["input"])
    for stage in g["chain"]:
        if stage["op"] == "conv2d":
            y = F.conv2d(y, k, torch.tensor([float(stage.get("bias", 0))], dtype=torch.float64))
        elif stage["op"] == "max_pool2d":
            y = F.max_pool2d(y, stage["kernel_size"])
        else:
            y = ACTS[stage["op"]](y)
    loss = g["loss"]
    value = (y.sum() if loss["type"] == "sum"
             else F.mse_loss(y[0, 0], torch.tensor(loss["target"], dtype=torch.float64)))
    if kind == "kernel-tap-grad":
        value.backward()
        a, b = g["tap"]
        return np.array(k.grad[0, 0, a, b].item())
    opt = torch.optim.SGD([k], lr=g["learning_rate"])
    value.backward()
    opt.step()
    a, b = g["tap"]
    return np.array(k[0, 0, a, b].item())


def network_oracle(kind: str, g: dict) -> np.ndarray:
    """torch.nn modules built from the stack: the output shape; the parameters and the
    multiply-adds forward hooks count; the receptive field from autograd."""
    shape = tuple(g["input_shape"])
    if kind == "network-shape":
        _, out = build(g["layers"], shape)
        return np.array(out)
    if kind == "layer-cost":
        model, _ = build(g["layers"], shape)
        return np.array([params(model), sum(m for _, _, m in leaf_rows(model, shape))])
    # The field's size and stride do not depend on the input's size: on an input a few
    # times as large, the middle output cells see no padding, and the input rows with a
    # non-zero gradient are exactly the field.
    for grow in (3, 5, 9, 17):  # until the output has room for middle cells
        big = (shape[0], grow * shape[1], grow * shape[2])
        model = _brute_model(g["layers"], big)
        x = torch.rand((1, *big), requires_grad=True)
        y = model(x)
        if y.shape[2] >= 7:
            break
    i, j = y.shape[2] // 2, y.shape[3] // 2
    rows = []
    for r in (i, i + 1):
        x.grad = None
        y[0, 0, r, j].backward(retain_graph=True)
        nz = (x.grad[0].abs().sum((0, 2)) > 0).nonzero()[:, 0]
        rows.append((int(nz.min()), int(nz.max())))
    return np.array([rows[0][1] - rows[0][0] + 1, rows[1][0] - rows[0][0]])


def matrix_oracle(kind: str, g: dict) -> np.ndarray:
    k = kernel4(g["kernel"])
    applied = torch.flip(k, dims=(2, 3)) if g["flip_kernel"] else k
    if kind == "c-row":
        # Row p of C is ∂Y_p/∂X: autograd of one output cell with respect to the input.
        x = torch.zeros(1, 1, *g["input_size"], requires_grad=True)
        y = F.conv2d(x, applied, stride=g["stride"], padding=g["padding"])
        y.reshape(-1)[g["row"]].backward()
        return x.grad.reshape(-1).numpy()
    if kind == "im2col-row":
        cols = F.unfold(t4(g["input"]), k.shape[-2:], padding=g["padding"],
                        stride=g["stride"])[0]
        taps = k.shape[-1] * k.shape[-2]
        # Rows follow the weights of K as given; true convolution reads weight t
        # through the rotated kernel's tap T − 1 − t.
        return cols[taps - 1 - g["row"] if g["flip_kernel"] else g["row"]].numpy()
    x = t4(g["input"]).requires_grad_(True)
    k = k.clone().requires_grad_(True)
    w = torch.flip(k, dims=(2, 3)) if g["flip_kernel"] else k
    y = F.conv2d(x, w, stride=g["stride"], padding=g["padding"])
    y.backward(t4(g["grad_output"]))
    return (x.grad if kind == "backward-dx" else k.grad)[0, 0].numpy()


@pytest.mark.parametrize("kind", list(TYPES))
def test_every_answer_key_matches_an_independent_oracle(kind: str) -> None:
    # Networks build torch modules per exercise: fewer seeds, the same three levels.
    for seed in range(SEEDS if kind not in NETWORK else 300):
        exercise = generate(kind, 1 + seed % 3, seed)
        givens = {g.name: g.value for g in exercise.givens}
        expected = np.asarray(oracle(kind, givens), dtype=np.float64)
        key = exercise.answer.value
        assert key.shape == expected.shape, exercise.id
        np.testing.assert_allclose(key, expected, rtol=0, atol=1e-9, err_msg=exercise.id)


def test_every_level_draws_varied_exercises() -> None:
    """A generator that ignored its seed would pass the oracle test: check it does not."""
    for kind in TYPES:
        for level in (1, 2, 3):
            keys = {generate(kind, level, seed).answer.value.tobytes() for seed in range(40)}
            assert len(keys) >= 3, (kind, level)

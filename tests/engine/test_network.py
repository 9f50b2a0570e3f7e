"""Whole networks (engine/network) against PyTorch: the presets against torch.nn modules
written from the architectures' definitions (tests/engine/network_reference.py) and
torchvision's published figures; random stacks against torch.nn modules built from the
same description (tests/engine/network_torch.py); receptive fields against autograd
(the input cells whose gradient is non-zero for one output cell) and Araujo et al.'s
published figures."""

from __future__ import annotations

import random
from typing import Any

import pytest
import torch
from torch import nn

from engine.network import analyze
from engine.network.layers import LayerError
from engine.network.presets import PRESETS
from tests.engine.network_reference import PUBLISHED_GMACS, PUBLISHED_PARAMS, REFERENCES
from tests.engine.network_torch import build, leaf_rows, params

TORCH_TYPE = {"Conv2d": "conv2d", "ConvTranspose2d": "conv_transpose2d", "Linear": "linear",
              "MaxPool2d": "max_pool2d", "AvgPool2d": "avg_pool2d",
              "AdaptiveAvgPool2d": "adaptive_avg_pool2d",
              "AdaptiveMaxPool2d": "adaptive_max_pool2d", "BatchNorm2d": "batch_norm2d",
              "LocalResponseNorm": "local_response_norm"}


def compare(table: dict[str, Any], rows: list[tuple[str, tuple[int, ...], int]]) -> None:
    """Every layer with a geometry or a count, in execution order: type, shape, MACs."""
    theirs = [(TORCH_TYPE[t], list(s), m) for t, s, m in rows if t in TORCH_TYPE]
    ours = [(r["type"], r["output_shape"], r["macs"]) for r in table["layers"]
            if r["type"] in TORCH_TYPE.values()]
    assert ours == theirs


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_agree_with_torch_modules_written_from_their_papers(name: str) -> None:
    preset = PRESETS[name]
    table = analyze(preset["input_shape"], preset["layers"])
    model = REFERENCES[name]().double().eval()
    shape = tuple(preset["input_shape"])
    assert table["total"]["params"] == params(model)
    rows = leaf_rows(model, shape)
    compare(table, rows)
    assert table["total"]["macs"] == sum(m for _, _, m in rows)
    with torch.no_grad():
        out = model(torch.zeros((1, *shape), dtype=torch.float64))
    assert table["output_shape"] == list(out.shape[1:])


@pytest.mark.parametrize("name", list(PUBLISHED_PARAMS))
def test_presets_match_torchvisions_published_figures(name: str) -> None:
    preset = PRESETS[name]
    total = analyze(preset["input_shape"], preset["layers"])["total"]
    assert total["params"] == PUBLISHED_PARAMS[name]
    assert round(total["macs"] / 1e9, 2) == PUBLISHED_GMACS[name]
    assert total["flops"] == 2 * total["macs"]


def test_the_decks_figures_and_what_the_arithmetic_gives() -> None:
    """Deck 000: AlexNet's 3.7M conv parameters and 1.08G conv operations are the
    ungrouped counts, 58.6M fully connected; MobileNet v1 is 4.2M parameters, 569M MACs."""
    alex = analyze([3, 227, 227], PRESETS["alexnet"]["layers"])
    ungrouped = [dict(layer, groups=1) if layer.get("groups") else layer
                 for layer in PRESETS["alexnet"]["layers"]]
    flat = analyze([3, 227, 227], ungrouped)
    conv = lambda t, key: sum(r[key] for r in t["layers"] if r["type"] == "conv2d")  # noqa: E731
    fc = sum(r["params"] for r in alex["layers"] if r["type"] == "linear")
    assert round(conv(flat, "params") / 1e6, 1) == 3.7
    assert round(conv(flat, "macs") / 1e9, 2) == 1.08
    assert round(fc / 1e6, 1) == 58.6
    assert (conv(alex, "params"), conv(alex, "macs")) == (2_334_080, 665_784_864)
    assert alex["layers"][0]["output_shape"] == [96, 55, 55]  # 55·55·96 = 290,400 neurons
    mobile = analyze([3, 224, 224], PRESETS["mobilenet-v1"]["layers"])["total"]
    assert round(mobile["params"] / 1e6, 1) == 4.2 and round(mobile["macs"] / 1e6) == 569


def test_formulas_carry_the_numbers() -> None:
    table = analyze([3, 224, 224], PRESETS["resnet18"]["layers"])
    first = table["layers"][0]
    assert first["formulas"]["params"] == [
        "params = C_out·(C_in/groups·k_h·k_w + bias) = 64·(3·7·7 + 0) = 9,408"]
    assert first["formulas"]["macs"] == [
        "MACs = C_out·H_out·W_out·(C_in/groups·k_h·k_w) = 64·112·112·(3·7·7) = 118,013,952"]
    assert first["formulas"]["output_shape"][0].startswith("height: o = ⌊(224 + 2·3 − 7) / 2⌋")
    assert first["formulas"]["receptive_field"] == [
        "height and width: r = r_in + (k − 1)·j_in = 1 + (7 − 1)·1 = 7; j = j_in·s = 1·2 = 2; "
        "P = P_in + p·j_in = 0 + 3·1 = 3"]
    assert "MAC" in table["convention"] and "FLOPs = 2 × MACs" in table["convention"]


def test_separable_pairs_stand_beside_the_convolution_they_replace() -> None:
    table = analyze([3, 224, 224], PRESETS["mobilenet-v1"]["layers"])
    pairs = [r["separable"] for r in table["layers"] if r["separable"]]
    assert len(pairs) == 13
    first = pairs[0]  # 32 → 64 at 112 × 112: 3×3 depthwise, then 1×1
    assert first["full_macs"] == 112 * 112 * 32 * 64 * 9
    assert first["macs"] == 112 * 112 * 32 * 9 + 112 * 112 * 32 * 64
    assert first["macs_ratio"] == pytest.approx(1 / 64 + 1 / 9)


# ---- receptive fields --------------------------------------------------------------

def field_of(table: dict[str, Any], path: str) -> tuple[list[int], list[int], list[int]]:
    row = next(r for r in table["layers"] if r["path"] == path)
    rf = row["receptive_field"]
    return rf["size"], rf["stride"], rf["padding"]


def test_receptive_fields_araujo_et_al_publish() -> None:
    """Distill 2019, Table 1, at the end of the convolutional stack: alexnet_v2 195/32/64,
    vgg_16 212/32/90 (symmetric padding, as here); mobilenet_v1 315/32 (its TF 'SAME'
    padding is uneven, so only size and stride compare)."""
    alex = analyze([3, 227, 227], PRESETS["alexnet"]["layers"])
    assert field_of(alex, "14") == ([195, 195], [32, 32], [64, 64])  # pool5
    vgg = analyze([3, 224, 224], PRESETS["vgg16"]["layers"])
    assert field_of(vgg, "30") == ([212, 212], [32, 32], [90, 90])  # pool5
    mobile = analyze([3, 224, 224], PRESETS["mobilenet-v1"]["layers"])
    last_conv = [r for r in mobile["layers"] if r["type"] == "conv2d"][-1]
    assert last_conv["receptive_field"]["size"] == [315, 315]
    assert last_conv["receptive_field"]["stride"] == [32, 32]


def _dependence_model(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same geometry with every output depending on every cell of its window: max
    pools become all-ones depthwise convolutions (a max's gradient reaches one cell only)."""
    out = []
    for layer in layers:
        if layer["type"] == "max_pool2d":
            out.append(dict(layer, type="_window"))
        elif layer["type"] == "residual":
            out.append(dict(layer, body=_dependence_model(layer["body"]),
                            shortcut=_dependence_model(layer.get("shortcut", []))))
        else:
            out.append(layer)
    return out


class Window(nn.Module):
    def __init__(self, channels: int, spec: dict[str, Any]) -> None:
        super().__init__()
        k = spec["kernel_size"]
        self.conv = nn.Conv2d(channels, channels, k, spec.get("stride") or k,
                              spec.get("padding", 0), spec.get("dilation", 1), groups=channels,
                              bias=False)
        nn.init.ones_(self.conv.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


def _brute_model(layers: list[dict[str, Any]], shape: tuple[int, ...]) -> nn.Module:
    import tests.engine.network_torch as nt
    original = nt._module

    def module(spec: dict[str, Any], x: torch.Tensor) -> nn.Module:
        if spec["type"] == "_window":
            return Window(x.shape[1], spec)
        mod = original(spec, x)
        for p in mod.parameters():  # positive weights: no cancellation hides a dependence
            with torch.no_grad():
                p.uniform_(0.5, 1.5)
        return mod
    nt._module = module
    try:
        model, _ = build(_dependence_model(layers), shape)
    finally:
        nt._module = original
    return model


def random_rf_stack(rng: random.Random) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["conv", "conv", "max", "avg", "residual"])
        k, s, d = rng.choice([1, 2, 3, 5]), rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])
        if kind == "conv":
            layers.append({"type": "conv2d", "out_channels": 2,
                           "kernel_size": [k, rng.choice([1, 3])], "stride": s,
                           "padding": rng.randint(0, 2), "dilation": d})
        elif kind == "max":
            layers.append({"type": "max_pool2d", "kernel_size": max(k, 2), "stride": s,
                           "padding": rng.randint(0, max(k, 2) // 2), "dilation": d})
        elif kind == "avg":
            kk = max(k, 2)
            layers.append({"type": "avg_pool2d", "kernel_size": kk, "stride": s,
                           "padding": rng.randint(0, kk // 2), "ceil_mode": rng.random() < 0.3})
        else:
            body = [{"type": "conv2d", "out_channels": 2, "kernel_size": 3, "padding": 1},
                    {"type": "conv2d", "out_channels": 2, "kernel_size": 3, "stride": s,
                     "padding": 1, "dilation": 1}]
            shortcut = [{"type": "conv2d", "out_channels": 2, "kernel_size": 1, "stride": s}] \
                if s > 1 or rng.random() < 0.5 else []
            layers.append({"type": "residual", "body": body, "shortcut": shortcut})
    return layers


def test_receptive_fields_agree_with_autograd_on_random_stacks() -> None:
    """For 150 random stacks (convolutions with dilation, max and average pools with ceil
    mode, residual blocks), the input cells with a non-zero gradient for one output cell
    span exactly the receptive field the table gives. The cell is one whose field lies
    inside the input: a field that reaches into the padding also spans intermediate cells
    computed from padding alone, which no gradient can show."""
    rng = random.Random(11)
    checked = 0
    while checked < 150:
        layers = random_rf_stack(rng)
        shape = (2, rng.randint(16, 40), rng.randint(16, 40))
        try:
            table = analyze(list(shape), layers)
        except LayerError:
            continue
        last = table["layers"][-1]
        rf = last["receptive_field"]
        inside = []
        for axis, (n_out, size) in enumerate(zip(last["output_shape"][1:], shape[1:])):
            cells = [c for c in range(n_out) if c * rf["stride"][axis] - rf["padding"][axis] >= 0
                     and c * rf["stride"][axis] - rf["padding"][axis] + rf["size"][axis] <= size]
            inside.append(cells)
        if not inside[0] or not inside[1]:
            continue
        i, j = rng.choice(inside[0]), rng.choice(inside[1])
        model = _brute_model(layers, shape).double()
        x = torch.rand((1, *shape), dtype=torch.float64, requires_grad=True)
        model(x)[0, 0, i, j].backward()
        assert x.grad is not None
        nz = (x.grad[0].abs().sum(0) > 0).nonzero()
        for axis, cell in enumerate((i, j)):
            lo = cell * rf["stride"][axis] - rf["padding"][axis]
            got = (int(nz[:, axis].min()), int(nz[:, axis].max()))
            assert got == (lo, lo + rf["size"][axis] - 1), (layers, shape, (i, j), axis, rf)
        checked += 1


# ---- random stacks against torch.nn ----------------------------------------------

def random_stack(rng: random.Random) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = []
    flat = False
    for _ in range(rng.randint(1, 7)):
        if flat:
            layers.append(rng.choice([{"type": "linear", "out_features": rng.randint(1, 20),
                                       "bias": rng.random() < 0.7},
                                      {"type": "relu"}, {"type": "dropout", "p": 0.3}]))
            continue
        kind = rng.choice(["conv", "conv", "tconv", "max", "avg", "adaptive", "bn", "lrn",
                           "act", "residual", "flatten"])
        if kind == "conv":
            g = rng.choice([1, 1, 2])
            layer: dict[str, Any] = {"type": "conv2d", "out_channels": 2 * rng.randint(1, 4),
                                     "kernel_size": rng.choice([1, 2, 3, [3, 1], [2, 5]]),
                                     "stride": rng.choice([1, 2, [1, 2]]),
                                     "padding": rng.choice([0, 1, 2, [1, 0]]),
                                     "dilation": rng.choice([1, 1, 2]), "groups": g,
                                     "bias": rng.random() < 0.6}
            layers.append(layer)
        elif kind == "tconv":
            s = rng.choice([1, 2])
            layers.append({"type": "conv_transpose2d", "out_channels": 2 * rng.randint(1, 3),
                           "kernel_size": rng.choice([2, 3]), "stride": s,
                           "padding": rng.choice([0, 1]), "output_padding": rng.randint(0, s - 1),
                           "bias": rng.random() < 0.5})
        elif kind == "max":
            k = rng.choice([2, 3])
            layers.append({"type": "max_pool2d", "kernel_size": k,
                           "stride": rng.choice([None, 1, 2]), "padding": rng.randint(0, k // 2),
                           "dilation": rng.choice([1, 2]), "ceil_mode": rng.random() < 0.3})
        elif kind == "avg":
            k = rng.choice([2, 3])
            layers.append({"type": "avg_pool2d", "kernel_size": k,
                           "stride": rng.choice([None, 1, 2]), "padding": rng.randint(0, k // 2),
                           "ceil_mode": rng.random() < 0.3,
                           "count_include_pad": rng.random() < 0.5})
        elif kind == "adaptive":
            layers.append({"type": rng.choice(["adaptive_avg_pool2d", "adaptive_max_pool2d"]),
                           "output_size": rng.choice([1, 2, 3, [2, 4]])})
        elif kind == "bn":
            layers.append({"type": "batch_norm2d", "affine": rng.random() < 0.8})
        elif kind == "lrn":
            layers.append({"type": "local_response_norm", "size": rng.choice([2, 3, 5])})
        elif kind == "act":
            layers.append(rng.choice([{"type": "relu"}, {"type": "tanh"}, {"type": "sigmoid"},
                                      {"type": "leaky_relu", "negative_slope": 0.2},
                                      {"type": "elu"}, {"type": "softplus", "beta": 2.0},
                                      {"type": "gelu"}, {"type": "silu"}, {"type": "relu6"}]))
        elif kind == "residual":
            s = rng.choice([1, 2])
            body = [{"type": "conv2d", "out_channels": 4, "kernel_size": 3, "stride": s,
                     "padding": 1}, {"type": "relu"},
                    {"type": "conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1}]
            layers.append({"type": "residual", "body": body,
                           "shortcut": [{"type": "conv2d", "out_channels": 4, "kernel_size": 1,
                                         "stride": s, "bias": False}]})
        else:
            layers.append({"type": "flatten"})
            flat = True
    return layers


def test_500_random_stacks_agree_with_torch_nn() -> None:
    """Shapes, parameters and MACs of every layer; and a stack is refused exactly when
    PyTorch cannot build or run it."""
    rng = random.Random(5)
    agreed = refused = 0
    while agreed < 500:
        layers = random_stack(rng)
        shape = (rng.choice([1, 2, 4]), rng.randint(3, 24), rng.randint(3, 24))
        try:
            table = analyze(list(shape), layers)
        except LayerError:
            table = None
        try:
            model, out_shape = build(layers, shape)
        except (RuntimeError, ValueError):
            model = None
        assert (table is None) == (model is None), (shape, layers, table is None)
        if table is None or model is None:
            refused += 1
            continue
        assert table["output_shape"] == list(out_shape)
        assert table["total"]["params"] == params(model)
        rows = leaf_rows(model, shape)
        compare(table, rows)
        agreed += 1
    assert refused > 20  # the generator does make impossible stacks

"""torch.nn modules built from a layer description (engine/network/layers.py), the
oracle of the network tests: PyTorch computes the shapes, counts the parameters, and
forward hooks count the multiply-adds of every Conv2d, ConvTranspose2d and Linear."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

ACT = {"relu": nn.ReLU, "relu6": nn.ReLU6, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
       "gelu": nn.GELU, "silu": nn.SiLU}


class Residual(nn.Module):
    def __init__(self, body: nn.Module, shortcut: nn.Module) -> None:
        super().__init__()
        self.body = body
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


def _pair(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def build(layers: list[dict[str, Any]], shape: tuple[int, ...]
          ) -> tuple[nn.Module, tuple[int, ...]]:
    """An nn.Sequential for `layers` on one sample of `shape`; channels and features are
    read from a zero tensor sent through the modules built so far."""
    mods: list[nn.Module] = []
    x = torch.zeros((1, *shape), dtype=torch.float64)
    for spec in layers:
        mod = _module(spec, x)
        mod = mod.double().eval()
        with torch.no_grad():
            x = mod(x)
        mods.append(mod)
    return nn.Sequential(*mods), tuple(x.shape[1:])


def _module(spec: dict[str, Any], x: torch.Tensor) -> nn.Module:
    t = spec["type"]
    g = lambda k, d=None: _pair(spec.get(k, d))  # noqa: E731
    if t == "conv2d":
        return nn.Conv2d(x.shape[1], spec["out_channels"], g("kernel_size"), g("stride", 1),
                         g("padding", 0), g("dilation", 1), spec.get("groups", 1),
                         spec.get("bias", True))
    if t == "conv_transpose2d":
        return nn.ConvTranspose2d(x.shape[1], spec["out_channels"], g("kernel_size"),
                                  g("stride", 1), g("padding", 0), g("output_padding", 0),
                                  spec.get("groups", 1), spec.get("bias", True),
                                  g("dilation", 1))
    if t == "max_pool2d":
        return nn.MaxPool2d(g("kernel_size"), g("stride"), g("padding", 0), g("dilation", 1),
                            ceil_mode=spec.get("ceil_mode", False))
    if t == "avg_pool2d":
        return nn.AvgPool2d(g("kernel_size"), g("stride"), g("padding", 0),
                            ceil_mode=spec.get("ceil_mode", False),
                            count_include_pad=spec.get("count_include_pad", True))
    if t == "adaptive_avg_pool2d":
        return nn.AdaptiveAvgPool2d(g("output_size"))
    if t == "adaptive_max_pool2d":
        return nn.AdaptiveMaxPool2d(g("output_size"))
    if t == "batch_norm2d":
        return nn.BatchNorm2d(x.shape[1], affine=spec.get("affine", True),
                              track_running_stats=spec.get("track_running_stats", True))
    if t == "local_response_norm":
        return nn.LocalResponseNorm(spec["size"], spec.get("alpha", 1e-4),
                                    spec.get("beta", 0.75), spec.get("k", 1.0))
    if t in ACT:
        return ACT[t]()
    if t == "leaky_relu":
        return nn.LeakyReLU(spec.get("negative_slope", 0.01))
    if t == "elu":
        return nn.ELU(spec.get("alpha", 1.0))
    if t == "softplus":
        return nn.Softplus(spec.get("beta", 1.0), spec.get("threshold", 20.0))
    if t == "dropout":
        return nn.Dropout(spec.get("p", 0.5))
    if t == "flatten":
        return nn.Flatten()
    if t == "linear":
        return nn.Linear(x.shape[1], spec["out_features"], spec.get("bias", True))
    if t == "residual":
        body, _ = build_on(spec["body"], x)
        short, _ = build_on(spec.get("shortcut", []), x)
        return Residual(body, short)
    raise ValueError(t)


def build_on(layers: list[dict[str, Any]], x: torch.Tensor) -> tuple[nn.Module, torch.Tensor]:
    mods: list[nn.Module] = []
    for spec in layers:
        mod = _module(spec, x).double().eval()
        with torch.no_grad():
            x = mod(x)
        mods.append(mod)
    return nn.Sequential(*mods), x


def leaf_rows(model: nn.Module, shape: tuple[int, ...]) -> list[tuple[str, tuple[int, ...], int]]:
    """(module class, output shape, MACs) of every leaf module in execution order."""
    rows: list[tuple[str, tuple[int, ...], int]] = []

    def hook(mod: nn.Module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        macs = 0
        if isinstance(mod, nn.Conv2d):
            macs = out[0].numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * \
                mod.kernel_size[1]
        elif isinstance(mod, nn.ConvTranspose2d):
            macs = inputs[0][0].numel() * mod.out_channels // mod.groups * \
                mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, nn.Linear):
            macs = mod.in_features * mod.out_features
        rows.append((type(mod).__name__, tuple(out.shape[1:]), macs))

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if not list(m.children())]
    with torch.no_grad():
        model(torch.zeros((1, *shape), dtype=torch.float64))
    for h in handles:
        h.remove()
    return rows


def params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

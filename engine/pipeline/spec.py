"""A chain of stages as JSON: ``{"op": "conv2d", "kernel": …}, {"op": "relu"}, …``.

Each stage names an operation in PyTorch's functional names (the network's layer
vocabulary, with the values of kernels and weights given) and its arguments; what is
left out takes PyTorch's default. Parsing checks every argument's kind and names a bad
one by its path (``stages → 2 → kernel_size``); shapes and values are checked when the
chain is planned (engine/pipeline/plan.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.network.layers import LayerError, Path, flag, optional, pair, real, whole
from engine.presets import KERNELS

MAX_STAGES = 32

Parser = Callable[[Any], Any]
REQUIRED = object()
NAMED_KERNELS = {k["id"]: k["kernel"] for k in KERNELS}


def _padding(v: Any) -> Any:
    if v in ("same", "valid", "full"):
        return v
    if isinstance(v, str):
        raise ValueError(f'must be a whole number, [height, width], "same", "valid" or '
                         f'"full", got {v!r}'[:200])
    return pair(0)(v)


def _choice(*options: str) -> Parser:
    def parse(v: Any) -> str:
        if v not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {v!r}"[:200])
        return str(v)
    return parse


def _values(v: Any) -> Any:
    """A number or a nested list of numbers, checked for shape when planned."""
    if isinstance(v, bool) or not isinstance(v, (int, float, list)):
        raise ValueError(f"must be a number or a list of numbers, got {type(v).__name__}")
    return v


def _kernel(v: Any) -> Any:
    """Values, a named kernel ("sobel-x") or a list of names (a bank of filters)."""
    names = [v] if isinstance(v, str) else v
    if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
        unknown = [n for n in names if n not in NAMED_KERNELS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a named kernel (they are "
                             f"{', '.join(NAMED_KERNELS)})"[:300])
        return {"names": names}
    return _values(v)


SIZE, PAD = pair(1), pair(0)
CONV = {"kernel": (_kernel, REQUIRED), "bias": (optional(_values), None),
        "stride": (SIZE, 1), "padding": (_padding, 0), "dilation": (SIZE, 1),
        "groups": (whole(1), 1),
        "padding_mode": (_choice("zeros", "reflect", "replicate", "circular"), "zeros"),
        "flip_kernel": (flag, False)}
TRANSPOSED = {"kernel": (_values, REQUIRED), "bias": (optional(_values), None),
              "stride": (SIZE, 1), "padding": (PAD, 0), "output_padding": (PAD, 0),
              "dilation": (SIZE, 1), "groups": (whole(1), 1)}
POOL = {"kernel_size": (SIZE, REQUIRED), "stride": (optional(SIZE), None),
        "padding": (PAD, 0), "dilation": (SIZE, 1), "ceil_mode": (flag, False)}
AVG = {"kernel_size": (SIZE, REQUIRED), "stride": (optional(SIZE), None),
       "padding": (PAD, 0), "ceil_mode": (flag, False), "count_include_pad": (flag, True)}

# op → argument → (parser, default). Defaults are PyTorch's.
ARGS: dict[str, dict[str, tuple[Parser, Any]]] = {
    "conv2d": CONV,
    "conv_transpose2d": TRANSPOSED,
    "max_pool2d": POOL, "min_pool2d": POOL, "avg_pool2d": AVG,
    "max_unpool2d": {"kernel_size": (SIZE, REQUIRED), "stride": (optional(SIZE), None),
                     "padding": (PAD, 0), "output_size": (optional(SIZE), None),
                     "indices_from": (optional(whole(0, MAX_STAGES)), None)},
    "relu": {}, "sigmoid": {}, "tanh": {}, "abs": {},
    "leaky_relu": {"negative_slope": (real(), 0.01)},
    "elu": {"alpha": (real(), 1.0)},
    "softplus": {"beta": (real(0.0, open_min=True), 1.0), "threshold": (real(), 20.0)},
    "batch_norm2d": {"training": (flag, True), "weight": (optional(_values), None),
                     "bias": (optional(_values), None),
                     "running_mean": (optional(_values), None),
                     "running_var": (optional(_values), None),
                     "momentum": (real(0.0, 1.0), 0.1), "eps": (real(0.0, open_min=True), 1e-5)},
    "local_response_norm": {"size": (whole(1, 1024), REQUIRED), "alpha": (real(), 1e-4),
                            "beta": (real(), 0.75), "k": (real(), 1.0)},
    "local_contrast_norm": {"mode": (_choice("subtractive", "brightness", "both"), "both"),
                            "sigma": (real(0.0, 100.0, open_min=True), 1.0),
                            "size": (optional(whole(1, 63)), None),
                            "across": (_choice("sum", "mean"), "sum"),
                            "kappa": (real(), 2.0), "lambda": (real(), 1e-4),
                            "mu": (real(), 0.75)},
    "dropout": {"p": (real(0.0, 1.0), 0.5), "training": (flag, True),
                "seed": (whole(0, 2**32 - 1), 0)},
    "magnitude": {},
    "flatten": {},
    "linear": {"weight": (_values, REQUIRED), "bias": (optional(_values), None)},
}
ACTIVATIONS = frozenset({"relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "abs"})


@dataclass(frozen=True)
class Stage:
    """One parsed stage: its operation, every argument (defaults filled in) and its
    place in the request (``("stages", 2)``)."""

    op: str
    args: Mapping[str, Any]
    loc: Path

    def error(self, field: str, message: str) -> LayerError:
        return LayerError((*self.loc, field), message)


def parse_stages(items: Any) -> tuple[Stage, ...]:
    """Parse the list of stage objects (see the module docstring)."""
    loc: Path = ("stages",)
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise LayerError(loc, f"must be a list of stages, got {type(items).__name__}")
    if not items:
        raise LayerError(loc, "must hold at least one stage")
    if len(items) > MAX_STAGES:
        raise LayerError(loc, f"a chain has at most {MAX_STAGES} stages, got {len(items)}")
    return tuple(_parse_one(item, (*loc, i)) for i, item in enumerate(items))


def _parse_one(item: Any, loc: Path) -> Stage:
    if not isinstance(item, Mapping):
        raise LayerError(loc, f"must be an object with an \"op\", got {item!r}"[:200])
    op = item.get("op")
    if op == "pool2d":  # the /api/pool2d spelling: mode picks the operation
        mode = item.get("mode", "max")
        if mode not in ("max", "avg", "min"):
            raise LayerError((*loc, "mode"), f"must be max, avg or min, got {mode!r}"[:200])
        item = {k: v for k, v in item.items() if k != "mode"} | {"op": f"{mode}_pool2d"}
        op = item["op"]
    if op not in ARGS:
        raise LayerError((*loc, "op"), f"must be one of {', '.join(sorted(ARGS))} or pool2d; "
                                       f"got {op!r}"[:400])
    spec = ARGS[op]
    for key in item:
        if key != "op" and key not in spec:
            raise LayerError((*loc, key), f"{op} has no argument {key!r} (it takes "
                                          f"{', '.join(sorted(spec)) or 'none'})"[:300])
    args: dict[str, Any] = {}
    for name, (parse, default) in spec.items():
        if name not in item:
            if default is REQUIRED:
                raise LayerError((*loc, name), f"{op} needs {name}")
            args[name] = default if default is None else parse(default)  # canonical form
            continue
        try:
            args[name] = parse(item[name])
        except ValueError as err:
            raise LayerError((*loc, name), str(err)) from None
    return Stage(str(op), args, loc)

"""A network as a list of layers in PyTorch's ``nn`` names and arguments.

A layer is a JSON object such as ``{"type": "conv2d", "out_channels": 64,
"kernel_size": 7, "stride": 2, "padding": 3, "bias": false}``; what is left out
takes PyTorch's default. ``residual`` holds a ``body`` and a ``shortcut`` (both
lists; an empty shortcut is the identity) whose outputs are added. Parsing
checks every argument and names a bad one by its path (``layers → 4 → body → 1
→ kernel_size``); shapes are checked later, when the stack is walked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InputError

MAX_LAYERS = 2000  # leaf layers in one network (ResNet-152 has about 500)
MAX_DEPTH = 6  # residual blocks inside residual blocks
MAX_ARG = 100_000  # sizes, channels, strides: far past any real network
MAX_FEATURES = 1_000_000_000

Path = tuple[str | int, ...]


class LayerError(InputError):
    """A layer that cannot be parsed or cannot take its input; ``loc`` is its JSON path."""

    def __init__(self, loc: Path, message: str) -> None:
        super().__init__(" → ".join(str(p) for p in loc), message)
        self.loc = loc


@dataclass(frozen=True)
class Layer:
    """One parsed layer: its type, every argument (defaults filled in), its path in the
    request (``("layers", 4, "body", 1)``) and, for ``residual``, its two branches."""

    type: str
    args: Mapping[str, Any]
    loc: Path
    body: tuple[Layer, ...] = ()
    shortcut: tuple[Layer, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The layer's place as PyTorch names modules: ``4.0.body.1``."""
        return ".".join(str(p) for p in self.loc[1:])


# ---- argument kinds: each returns the value or raises ValueError(reason) --------------

def _int(minimum: int, maximum: int = MAX_ARG) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"must be a whole number, got {v!r}")
        if not minimum <= v <= maximum:
            raise ValueError(f"must be from {minimum:,} to {maximum:,}, got {v:,}")
        return v
    return parse


def _pair(minimum: int) -> Callable[[Any], tuple[int, int]]:
    one = _int(minimum)

    def parse(v: Any) -> tuple[int, int]:
        if isinstance(v, Sequence) and not isinstance(v, str):
            if len(v) != 2:
                raise ValueError(f"must be a whole number or [height, width], got {v!r}")
            return one(v[0]), one(v[1])
        n = one(v)
        return n, n
    return parse


def _padding(v: Any) -> tuple[int, int] | str:
    if v in ("same", "valid"):
        return str(v)
    if isinstance(v, str):
        raise ValueError(f'must be a whole number, [height, width], "same" or "valid", got {v!r}')
    return _pair(0)(v)


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"must be true or false, got {v!r}")
    return v


def _real(minimum: float | None = None, maximum: float | None = None,
          open_min: bool = False) -> Callable[[Any], float]:
    def parse(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or abs(v) > 1e300:
            raise ValueError(f"must be a number, got {v!r}")
        if minimum is not None and (v <= minimum if open_min else v < minimum):
            raise ValueError(f"must be {'more than' if open_min else 'at least'} {minimum}, "
                             f"got {v}")
        if maximum is not None and v > maximum:
            raise ValueError(f"must be at most {maximum}, got {v}")
        return float(v)
    return parse


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else parse(v)


# The argument kinds, for the pipeline's stages too (engine/pipeline/spec.py).
whole, pair, real, flag, optional = _int, _pair, _real, _bool, _optional

REQUIRED = object()
POSITIVE, COUNT = _int(1), _int(1)
SIZE, PAD = _pair(1), _pair(0)

# type → argument → (parser, default). Defaults are PyTorch's.
ARGS: dict[str, dict[str, tuple[Callable[[Any], Any], Any]]] = {
    "conv2d": {"out_channels": (COUNT, REQUIRED), "kernel_size": (SIZE, REQUIRED),
               "stride": (SIZE, 1), "padding": (_padding, 0), "dilation": (SIZE, 1),
               "groups": (POSITIVE, 1), "bias": (_bool, True),
               "in_channels": (_optional(COUNT), None)},
    "conv_transpose2d": {"out_channels": (COUNT, REQUIRED), "kernel_size": (SIZE, REQUIRED),
                         "stride": (SIZE, 1), "padding": (PAD, 0),
                         "output_padding": (PAD, 0), "dilation": (SIZE, 1),
                         "groups": (POSITIVE, 1), "bias": (_bool, True),
                         "in_channels": (_optional(COUNT), None)},
    "max_pool2d": {"kernel_size": (SIZE, REQUIRED), "stride": (_optional(SIZE), None),
                   "padding": (PAD, 0), "dilation": (SIZE, 1), "ceil_mode": (_bool, False)},
    "avg_pool2d": {"kernel_size": (SIZE, REQUIRED), "stride": (_optional(SIZE), None),
                   "padding": (PAD, 0), "ceil_mode": (_bool, False),
                   "count_include_pad": (_bool, True)},
    "adaptive_avg_pool2d": {"output_size": (SIZE, REQUIRED)},
    "adaptive_max_pool2d": {"output_size": (SIZE, REQUIRED)},
    "batch_norm2d": {"num_features": (_optional(COUNT), None),
                     "eps": (_real(0.0, open_min=True), 1e-5), "momentum": (_real(0.0, 1.0), 0.1),
                     "affine": (_bool, True), "track_running_stats": (_bool, True)},
    "local_response_norm": {"size": (POSITIVE, REQUIRED), "alpha": (_real(), 1e-4),
                            "beta": (_real(), 0.75), "k": (_real(), 1.0)},
    "relu": {}, "relu6": {}, "sigmoid": {}, "tanh": {}, "gelu": {}, "silu": {},
    "leaky_relu": {"negative_slope": (_real(), 0.01)},
    "elu": {"alpha": (_real(), 1.0)},
    "softplus": {"beta": (_real(0.0, open_min=True), 1.0), "threshold": (_real(), 20.0)},
    "dropout": {"p": (_real(0.0, 1.0), 0.5)},
    "flatten": {},
    "linear": {"out_features": (_int(1, MAX_FEATURES), REQUIRED), "bias": (_bool, True),
               "in_features": (_optional(_int(1, MAX_FEATURES)), None)},
    "residual": {},  # body and shortcut: parsed as lists of layers
}
ACTIVATIONS = frozenset({"relu", "relu6", "sigmoid", "tanh", "gelu", "silu", "leaky_relu",
                         "elu", "softplus"})


def parse_layers(items: Any, loc: Path = ("layers",), depth: int = 0,
                 counter: list[int] | None = None) -> tuple[Layer, ...]:
    """Parse a list of layer objects (see the module docstring)."""
    counter = [0] if counter is None else counter
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise LayerError(loc, f"must be a list of layers, got {type(items).__name__}")
    return tuple(_parse_one(item, (*loc, i), depth, counter) for i, item in enumerate(items))


def _parse_one(item: Any, loc: Path, depth: int, counter: list[int]) -> Layer:
    if not isinstance(item, Mapping):
        raise LayerError(loc, f"must be an object with a \"type\", got {item!r}"[:200])
    kind = item.get("type")
    if kind not in ARGS:
        known = ", ".join(sorted(ARGS))
        raise LayerError((*loc, "type"), f"must be one of {known}; got {kind!r}"[:300])
    spec = ARGS[kind]
    allowed = set(spec) | {"type"} | ({"body", "shortcut"} if kind == "residual" else set())
    for key in item:
        if key not in allowed:
            raise LayerError((*loc, key), f"{kind} has no argument {key!r} (it takes "
                                          f"{', '.join(sorted(allowed - {'type'})) or 'none'})")
    args: dict[str, Any] = {}
    for name, (parse, default) in spec.items():
        if name not in item:
            if default is REQUIRED:
                raise LayerError((*loc, name), f"{kind} needs {name}")
            args[name] = default if default is None else parse(default)  # in canonical form
            continue
        try:
            args[name] = parse(item[name])
        except ValueError as err:
            raise LayerError((*loc, name), str(err)) from None
    if kind != "residual":
        counter[0] += 1
        if counter[0] > MAX_LAYERS:
            raise LayerError(loc, f"a network has at most {MAX_LAYERS:,} layers")
        return Layer(kind, args, loc)
    if depth >= MAX_DEPTH:
        raise LayerError(loc, f"residual blocks nest at most {MAX_DEPTH} deep")
    if "body" not in item:
        raise LayerError((*loc, "body"), "residual needs body (a list of layers)")
    body = parse_layers(item["body"], (*loc, "body"), depth + 1, counter)
    if not body:
        raise LayerError((*loc, "body"), "must hold at least one layer")
    shortcut = parse_layers(item.get("shortcut", []), (*loc, "shortcut"), depth + 1, counter)
    return Layer(kind, args, loc, body=body, shortcut=shortcut)


def parse_input_shape(value: Any) -> tuple[int, ...]:
    """``[C, H, W]`` (an image) or ``[F]`` (features), whole numbers from 1."""
    loc: Path = ("input_shape",)
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) not in (1, 3):
        raise LayerError(loc, f"must be [channels, height, width] or [features], got {value!r}"
                         [:200])
    parse = _int(1, MAX_FEATURES if len(value) == 1 else MAX_ARG)
    try:
        return tuple(parse(v) for v in value)
    except ValueError as err:
        raise LayerError(loc, str(err)) from None

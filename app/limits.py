"""Size limits of the API, in one table, each overridable by an environment variable.

A request over a limit is refused with 413 and a message naming the limit,
before anything large is allocated: the body size is checked while it is
read, matrix sizes and costs right after parsing, from the planned geometry.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from app import workload
from engine.conv import Conv2dPlan


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 8 * 1024 * 1024
    max_input_cells: int = 1_048_576
    max_channels: int = 64
    max_kernel_cells: int = 65_536
    max_filters: int = 256
    max_padding: int = 1024
    max_stride: int = 1024
    max_dilation: int = 1024
    max_padded_cells: int = 4_194_304
    max_output_cells: int = 1_048_576
    max_multiply_adds: int = 200_000_000
    max_im2col_cells: int = 16_777_216
    # Pooling gathers every window at once (like im2col, but reduced in NumPy, not BLAS):
    # 173 M window values took 11 s and 4.8 GB; at this limit, about 1 s and 0.5 GB.
    max_window_cells: int = 16_777_216
    # Every stage's output of POST /api/pipeline together (a 512×512 picture through
    # four stages of two maps each is 2,097,152).
    max_pipeline_cells: int = 2_097_152
    # Numbers POST /api/code writes out as tensors in a snippet (a 256×256 input is 65,536).
    max_code_numbers: int = 65_536
    # POST /api/figure: frames of a GIF (one per step); the numbers its maps hold over all
    # of its frames (the stride-3 example's 4 steps hold about 200; 24,000 drawn as a PNG
    # at scale 4 take about 2 s, benchmarks/bench_limits.py); the pixels of its PNG or GIF
    # frames together (a 1920×1080 slide at scale 2 is 8.3 M; a GIF holds its frames at
    # a byte per pixel: 36 frames of an 8×8 lab at scale 1 are 40 M)
    max_figure_frames: int = 120
    max_figure_cells: int = 24_000
    max_figure_pixels: int = 50_000_000
    max_trace_steps: int = 16_384
    max_trace_products: int = 1_048_576
    max_matrix_entries: int = 1_048_576
    max_dense_matrix_cells: int = 65_536
    # Per worker: large requests computed at once, and waiting for their turn (app/workload.py).
    max_heavy_requests: int = 1
    max_queued_requests: int = 16


def _from_env() -> Limits:
    values = {}
    for f in fields(Limits):
        raw = os.environ.get(f"CONVVIZ_{f.name.upper()}")
        if raw is not None:
            values[f.name] = int(raw)
    return Limits(**values)


LIMITS = _from_env()


class LimitExceeded(Exception):
    """A request over a size limit; ``field`` is the JSON field at fault, ``loc`` its
    whole path where it is nested (``("stages", 2, "kernel")``)."""

    def __init__(self, field: str, message: str, loc: tuple[str | int, ...] | None = None
                 ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.loc = loc or (field,)


def _check(field: str, what: str, value: int, limit: int, name: str,
           loc: tuple[str | int, ...] | None = None) -> None:
    if value > limit:
        raise LimitExceeded(field, f"{what} is {value:,}, over the limit of {limit:,} "
                                   f"({name})", loc)


def check_limit(loc: tuple[str | int, ...], what: str, value: int, name: str) -> None:
    """Refuse ``value`` over the limit ``name`` of :class:`Limits`, naming ``loc``."""
    _check(" → ".join(str(p) for p in loc), what, value, getattr(LIMITS, name), name, loc)


def check_conv2d(plan: Conv2dPlan) -> None:
    """Refuse a planned convolution (on any number of axes) whose cost is over the limits."""
    c = int(plan.input.shape[0])
    _check("input", "the input's cell count", int(plan.input.size), LIMITS.max_input_cells,
           "max_input_cells")
    _check("input", "the number of input channels", c, LIMITS.max_channels, "max_channels")
    _check("kernel", "the kernel's cell count", plan.kernel.size, LIMITS.max_kernel_cells,
           "max_kernel_cells")
    _check("kernel", "the number of filters", plan.kernel.shape[0], LIMITS.max_filters,
           "max_filters")
    _check("padding", "the padded input's cell count", c * math.prod(plan.padded_size),
           LIMITS.max_padded_cells, "max_padded_cells")
    _check("input", "the output's cell count", plan.n_steps, LIMITS.max_output_cells,
           "max_output_cells")
    _check("kernel", "the multiply-add count", plan.multiply_adds, LIMITS.max_multiply_adds,
           "max_multiply_adds")
    _check("input", "the im2col matrix's cell count", plan.im2col_size,
           LIMITS.max_im2col_cells, "max_im2col_cells")
    workload.charge(work=plan.multiply_adds, cells=conv2d_cells(plan))


def conv2d_cells(plan: Conv2dPlan) -> int:
    """Numbers a convolution's response holds besides its trace: input, padded input,
    output, kernel."""
    return int(plan.input.size + plan.input.shape[0] * math.prod(plan.padded_size)
               + plan.n_steps + plan.kernel.size)


def trace_page_limit(requested: int, products_per_step: int) -> int:
    """Steps that fit in one trace page, given how many products each step holds."""
    return max(1, min(requested, LIMITS.max_trace_steps,
                      LIMITS.max_trace_products // max(1, products_per_step)))


def check_sizes(field: str, *, input_cells: int, output_cells: int, work: int,
                channels: int) -> None:
    """Refuse an operation other than conv2d whose sizes are over the limits."""
    _check("input", "the input's cell count", input_cells, LIMITS.max_input_cells,
           "max_input_cells")
    _check("input", "the number of input channels", channels, LIMITS.max_channels,
           "max_channels")
    _check(field, "the output's cell count", output_cells, LIMITS.max_output_cells,
           "max_output_cells")
    _check(field, "the multiply-add count", work, LIMITS.max_multiply_adds,
           "max_multiply_adds")
    workload.charge(work=work, cells=input_cells + output_cells)


def check_windows(field: str, cells: int) -> None:
    """Refuse a pooling whose windows, gathered at once, hold too many values."""
    _check(field, "the number of values in all windows", cells, LIMITS.max_window_cells,
           "max_window_cells")

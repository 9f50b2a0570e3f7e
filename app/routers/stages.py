"""The stages after a convolution, cell by cell: POST /api/activation, /api/batch_norm2d,
/api/local_response_norm, /api/linear and /api/dropout."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_sizes
from app.render import page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.stages import (
    ActivationRequest,
    BatchNorm2dRequest,
    DropoutRequest,
    LinearRequest,
    LocalContrastNormRequest,
    LocalResponseNormRequest,
)
from app.serialize import json_response, lists
from engine import stages
from engine.contrast import default_size, local_contrast_norm
from engine.errors import InputError
from engine.params import as_matrix

router = APIRouter(prefix="/api", tags=["stages"], route_class=JsonBodyRoute)


def _vector(value: Any, field: str, n: int, default: float) -> np.ndarray:
    if value is None:
        return np.full(n, default)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.full(n, float(value))  # one number for every channel
    v: np.ndarray = as_matrix([value], field, ranks=(2,))[0]
    if v.size != n:
        raise InputError(field, f"must have one number per channel ({n}), got {v.size}")
    return v


def _answer(result: stages.StageResult, trace: Any, rank_of: Any, **extra: Any) -> Response:
    total = result.output.size
    span = page(trace, total, 1)
    steps = [] if span is None else [result.step(i) for i in
                                     range(span[0], min(total, span[0] + span[1]))]
    info = trace_info(span[0], len(steps), total) if span else trace_info(0, 0, total)
    return json_response({"output": lists(rank_of(result.output), False),
                          "output_shape": list(rank_of(result.output).shape),
                          "trace": info, "steps": steps, **extra})


def _cells(x: np.ndarray, work: int = 1) -> None:
    check_sizes("input", input_cells=x.size, output_cells=x.size, work=x.size * work,
                channels=x.shape[0] if x.ndim == 3 else 1)


def _same(x: np.ndarray) -> Any:
    return lambda y: y


@router.post("/activation", responses=ERROR_RESPONSES, summary="An activation, cell by cell")
async def activation(request: ActivationRequest) -> Response:
    """relu, leaky_relu (negative_slope), elu (alpha), sigmoid, tanh, softplus (beta,
    threshold) or abs, as torch.nn.functional computes them; `derivative` per cell (what
    autograd's backward gives), and per cell the formula with the numbers."""
    x = as_matrix(request.input, "input", ranks=(2, 3))
    _cells(x)
    result = await run_in_threadpool(
        stages.activation, x, request.function, negative_slope=request.negative_slope,
        alpha=request.alpha, beta=request.beta, threshold=request.threshold)
    return _answer(result, request.trace, _same(x),
                   derivative=lists(result.extra["derivative"], False))


@router.post("/batch_norm2d", responses=ERROR_RESPONSES, summary="Batch normalisation")
async def batch_norm2d(request: BatchNorm2dRequest) -> Response:
    """F.batch_norm on (N, C, H, W) (a 2-D or 3-D input is one sample): the statistics per
    channel, the running statistics after this step (momentum; the variance's with
    Bessel's correction, as PyTorch), and per cell (x − μ) / √(σ² + ε)·γ + β."""
    x = as_matrix(request.input, "input", ranks=(2, 3, 4))
    rank = x.ndim
    x4 = x.reshape((1,) * (4 - rank) + x.shape)
    _cells(x4, 2)
    c = x4.shape[1]
    result = await run_in_threadpool(
        stages.batch_norm2d, x4, training=request.training,
        weight=_vector(request.weight, "weight", c, 1.0),
        bias=_vector(request.bias, "bias", c, 0.0),
        running_mean=_vector(request.running_mean, "running_mean", c, 0.0),
        running_var=_vector(request.running_var, "running_var", c, 1.0),
        momentum=request.momentum, eps=request.eps)
    e = result.extra
    return _answer(result, request.trace, lambda y: y.reshape(x.shape),
                   mean=e["mean"].tolist(), var=e["var"].tolist(),
                   running_mean=e["running_mean"].tolist(), running_var=e["running_var"].tolist())


@router.post("/local_response_norm", responses=ERROR_RESPONSES,
             summary="Local response normalisation")
async def local_response_norm(request: LocalResponseNormRequest) -> Response:
    """F.local_response_norm: each cell divided by (k + α·Σx²/size)^β, the sum over `size`
    neighbouring channels (zero-padded at the ends)."""
    x = as_matrix(request.input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    _cells(x3, request.size)
    result = await run_in_threadpool(stages.local_response_norm, x3, size=request.size,
                                     alpha=request.alpha, beta=request.beta, k=request.k)
    return _answer(result, request.trace, lambda y: y.reshape(x.shape))


@router.post("/local_contrast_norm", responses=ERROR_RESPONSES,
             summary="Deck 003's local contrast normalisation")
async def local_contrast_norm_endpoint(request: LocalContrastNormRequest) -> Response:
    """Subtractive normalisation, each map minus Σ_j K_G(σ) * Y_j (the Gaussian window
    normalised to sum 1, zero-padded; the deck's printed exp{+…} is a sign slip), and/or
    brightness normalisation, Y / (κ + λ·Σ_j Y_j²)^μ; per cell both formulas with the
    numbers."""
    x = as_matrix(request.input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    _cells(x3, 2 * (request.size or default_size(request.sigma)))
    result = await run_in_threadpool(
        local_contrast_norm, x3, mode=request.mode, sigma=request.sigma, size=request.size,
        across=request.across, kappa=request.kappa, lam=request.lambda_, mu=request.mu)
    return _answer(result, request.trace, lambda y: y.reshape(x.shape),
                   window_size=result.extra["size"])


@router.post("/linear", responses=ERROR_RESPONSES, summary="A fully connected layer")
async def linear(request: LinearRequest) -> Response:
    """F.linear of the flattened input; per output its sum of products and bias."""
    x = as_matrix(request.input, "input", ranks=(2, 3, 4))
    w = as_matrix(request.weight, "weight", ranks=(2,))
    check_sizes("weight", input_cells=x.size + w.size, output_cells=w.shape[0],
                work=w.size, channels=1)
    bias = None if request.bias is None else np.asarray(request.bias, dtype=np.float64)
    result = await run_in_threadpool(stages.linear, x, w, bias)
    return _answer(result, request.trace, lambda y: y)


@router.post("/dropout", responses=ERROR_RESPONSES, summary="Dropout with a seeded mask")
async def dropout(request: DropoutRequest) -> Response:
    """Training: each cell kept with probability 1 − p (NumPy's default_rng(seed)) and
    scaled by 1/(1 − p), as F.dropout scales; inference: the identity."""
    x = as_matrix(request.input, "input", ranks=(2, 3))
    _cells(x)
    result = await run_in_threadpool(stages.dropout, x, p=request.p, training=request.training,
                                     seed=request.seed)
    return _answer(result, request.trace, _same(x),
                   mask=result.extra["mask"].astype(int).tolist())

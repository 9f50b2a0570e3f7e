"""Convolution as a matrix (C, im2col, kernel2row) and the backward pass."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import LIMITS, LimitExceeded, check_conv2d
from app.render_matrix import backward_body, matrix_body
from app.schemas.common import ERROR_RESPONSES
from app.schemas.matrix import BackwardRequest, BackwardResponse, MatrixRequest, MatrixResponse
from app.serialize import dumps, gc_paused
from engine.backward import check_grad_output, conv2d_backward
from engine.conv import Conv2dPlan, plan_conv2d, run_conv2d
from engine.matrix import conv2d_matrix, tap_table
from engine.symbolic import backward_symbols, matrix_symbols

router = APIRouter(prefix="/api", tags=["matrix"], route_class=JsonBodyRoute)


def _plan(request: MatrixRequest | BackwardRequest) -> Conv2dPlan:
    """Check the parameters and refuse a matrix C over the limits, before building it."""
    plan = plan_conv2d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    # Every (output cell, input channel, tap) is one entry of C before the padding's
    # zeros are dropped: the coordinate list's size, and a bound on X_conv's.
    if plan.multiply_adds > LIMITS.max_matrix_entries:
        raise LimitExceeded("input", f"the matrix C's entry count is {plan.multiply_adds:,}, "
                                     f"over the limit of {LIMITS.max_matrix_entries:,} "
                                     f"(max_matrix_entries)")
    if request.symbolic:
        ho, wo = plan.output_size
        cells = plan.kernel.shape[0] * ho * wo * plan.input.size
        if cells > LIMITS.max_dense_matrix_cells:
            raise LimitExceeded("symbolic", f"names are given for a matrix C of at most "
                                f"{LIMITS.max_dense_matrix_cells:,} cells "
                                f"(max_dense_matrix_cells); this C has {cells:,}")
    return plan


@router.post("/conv2d/matrix", response_model=MatrixResponse, responses=ERROR_RESPONSES,
             summary="Convolution as a matrix product: C, im2col, kernel2row")
async def conv2d_matrix_endpoint(request: MatrixRequest) -> Response:
    """The same parameters as `POST /api/conv2d`. Returns the sparse matrix **C**
    ((C_out·H_out·W_out) × (C_in·H·W), rows and columns unrolled row-major as in Dumoulin
    & Visin §4.1) as a coordinate list, plus the dense matrix when it has at most
    `max_dense_matrix_cells` cells; the im2col matrix X_conv; the kernel as rows
    (kernel2row); for true convolution deck 001's W_conv (C built from the rotated kernel);
    vec(x), vec(y), and the identities C·vec(x) + b = vec(y) and kernel_row·X_conv + b = Y
    with their largest difference on these numbers. C acts on the unpadded input (see
    `note`). With `symbolic`, every entry also comes as a name (x₁₁, w₂₂, …)."""
    return Response(await run_in_threadpool(_matrix, request), media_type="application/json")


def _matrix(request: MatrixRequest) -> bytes:
    plan = _plan(request)
    with gc_paused():
        result = run_conv2d(plan)
        m = conv2d_matrix(result, dense_limit=LIMITS.max_dense_matrix_cells)
        symbols = matrix_symbols(result, m) if request.symbolic else None
        return dumps(matrix_body(result, m, symbols, request.trace,
                                       np.shape(request.kernel)))


@router.post("/conv2d/backward", response_model=BackwardResponse, responses=ERROR_RESPONSES,
             summary="The backward pass: ΔX, ΔW, Δb for a given ΔY")
async def conv2d_backward_endpoint(request: BackwardRequest) -> Response:
    """The same parameters as `POST /api/conv2d`, and the upstream gradient ΔY
    (`grad_output`, default all ones). Returns ΔX = Cᵀ·vec(ΔY) (`grad_input`, shaped like
    the input), ΔW = ΔY·X_convᵀ (`grad_kernel`, shaped like the kernel as given) and Δb
    (`grad_bias`), as `torch.autograd` computes them, with three pageable traces: ΔX, each
    ΔY cell scattered back through its window (with the running sum); ΔW, each weight
    gathering the inputs it read times ΔY; and ΔX as one full convolution of the
    zero-inserted ΔY with the rotated kernel. With `symbolic`, deck 001's δx and δw
    formulas."""
    return Response(await run_in_threadpool(_backward, request), media_type="application/json")


def _backward(request: BackwardRequest) -> bytes:
    plan = _plan(request)
    with gc_paused():
        result = run_conv2d(plan)
        back = conv2d_backward(result, check_grad_output(result, request.grad_output))
        symbols = backward_symbols(result, tap_table(result)) if request.symbolic else None
        traces = (request.trace, request.kernel_trace, request.full_convolution_trace)
        return dumps(backward_body(back, symbols, traces, np.shape(request.kernel)))

"""The signal endpoints, each the 2-D operation on one row of the same index map:
POST /api/conv1d and /api/conv1d/backward, /api/conv_transpose1d and /api/pool1d."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_conv2d, check_sizes, check_windows
from app.render import axis_steps, conv_exact, page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.signal import (
    Conv1dBackwardRequest,
    Conv1dRequest,
    ConvTranspose1dRequest,
    Pool1dRequest,
)
from app.serialize import dumps, exact_integers, gc_paused, lists
from engine.backward import kernel_grad_trace
from engine.conv import run_conv2d
from engine.errors import InputError
from engine.geometry import pool_axis
from engine.params import as_matrix
from engine.pool import pool2d_trace
from engine.signal import (
    as_signal,
    conv1d_backward,
    plan_conv1d,
    plan_conv_transpose1d,
    pool1d,
)
from engine.transposed import conv_transpose2d_trace, run_conv_transpose2d

router = APIRouter(prefix="/api", tags=["signals"], route_class=JsonBodyRoute)


def _answer(request: Conv1dRequest) -> bytes:
    plan, arithmetic, rank = plan_conv1d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    with gc_paused():
        result = run_conv2d(plan)
        as_int = conv_exact(result)
        out = as_signal(result.output)
        shown = out[0] if rank == 1 and out.shape[0] == 1 else out
        (left, right) = plan.padding[1]
        body: dict[str, Any] = {
            "output": lists(shown, as_int), "output_shape": list(shown.shape),
            "padded_input": lists(as_signal(result.padded_input), as_int),
            "padding": [left, right], "kernel": lists(result.kernel[:, :, 0, :], as_int),
            "bias": lists(result.bias, as_int), "stride": plan.stride[1],
            "dilation": plan.dilation[1], "groups": plan.groups,
            "padding_mode": plan.padding_mode, "flip_kernel": plan.flip_kernel,
            "arithmetic": [arithmetic],
        }
        span = page(request.trace, result.n_steps, int(result.kernel[0].size))
        body["trace"], body["steps"] = axis_steps(result, span, as_int, axis=1)
        data = dumps(body)
        del body
    return data


@router.post("/conv1d", responses=ERROR_RESPONSES, summary="1-D convolution, step by step")
async def conv1d(request: Conv1dRequest) -> Response:
    """Convolve a signal `input` ((L) or (C_in, L)) with `kernel` as
    `torch.nn.functional.conv1d` does, or as true convolution s(t) = Σ x(a)·w(t − a) with
    `flip_kernel`; `padding` takes `"causal"` too ((k − 1)·d on the left, as WaveNet's
    layers). The one axis's arithmetic, and one step per output sample (`out` [channel,
    t], `window`: the padded positions read, `products`, `partial_sums`, `bias`,
    `value`), pageable. Limits as for conv2d."""
    return Response(await run_in_threadpool(_answer, request), media_type="application/json")


def _shown(signals: Any, rank: int) -> Any:
    """(C, L) signals as answered: (L) for a one-channel input (L) and one output channel."""
    return signals[0] if rank == 1 and signals.shape[0] == 1 else signals


def _plan(request: Conv1dRequest) -> tuple[Any, Any, int]:
    plan, arithmetic, rank = plan_conv1d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    return plan, arithmetic, rank


def _backward(request: Conv1dBackwardRequest) -> bytes:
    plan, arithmetic, rank = _plan(request)
    with gc_paused():
        back = conv1d_backward(plan, request.grad_output)
        result = back.result
        as_int = conv_exact(result) and exact_integers(back.grad_output, terms=1)
        kernel_rank = as_matrix(request.kernel, "kernel", ranks=(1, 2, 3)).ndim
        grad_kernel = back.grad_kernel[:, :, 0, :]
        if kernel_rank < 3:
            grad_kernel = grad_kernel[0] if kernel_rank == 2 else grad_kernel[0, 0]
        body: dict[str, Any] = {
            "output": lists(_shown(as_signal(result.output), rank), as_int),
            "grad_output": lists(_shown(as_signal(back.grad_output), rank), as_int),
            "grad_input": lists(_shown(as_signal(back.grad_input), rank), as_int),
            "grad_kernel": lists(grad_kernel, as_int),
            "grad_bias": lists(back.grad_bias, as_int),
            "padding": list(plan.padding[1]), "stride": plan.stride[1],
            "dilation": plan.dilation[1], "arithmetic": [arithmetic],
        }
        total = int(result.kernel.size)
        span = page(request.trace, total, int(result.output[0].size))
        steps: list[dict[str, Any]] = []
        if span is not None:
            if span[0] >= total:
                raise InputError("trace", f"start {span[0]} is outside the {total} steps")
            t = kernel_grad_trace(back, start=span[0], limit=span[1])
            for j in range(len(t.value)):
                steps.append({
                    "index": span[0] + j, "weight": [int(t.weight[j, 0]), int(t.weight[j, 1]),
                                                     int(t.weight[j, 3])],
                    "tap": int(t.tap[j, 1]), "window": t.window[j, :, 1].tolist(),
                    "padding": t.padding[j].tolist(), "inputs": lists(t.inputs[j], as_int),
                    "grads": lists(t.grads[j], as_int), "products": lists(t.products[j], as_int),
                    "value": lists(t.value[j], as_int)})
        body["trace"] = trace_info(span[0] if span else 0, len(steps), total)
        body["steps"] = steps
        return dumps(body)


@router.post("/conv1d/backward", responses=ERROR_RESPONSES,
             summary="The gradients of a 1-D convolution")
async def conv1d_backward_endpoint(request: Conv1dBackwardRequest) -> Response:
    """ΔX, ΔW and Δb of a signal convolution for the upstream gradient `grad_output` (ΔY,
    shaped like the output; all ones by default), as autograd computes them. One step
    per weight of the kernel as given (`weight` [filter, channel, tap]): ΔW = Σ_t ΔY(t) ·
    x(t·s + j·d) with the padded positions read (`window`), the inputs, ΔY and their
    products. Limits as for conv1d."""
    return Response(await run_in_threadpool(_backward, request), media_type="application/json")


def _transposed(request: ConvTranspose1dRequest) -> bytes:
    plan, arithmetic, rank = plan_conv_transpose1d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, output_padding=request.output_padding,
        dilation=request.dilation, groups=request.groups)
    check_sizes("kernel", input_cells=plan.input.size, output_cells=plan.output_cells,
                work=plan.multiply_adds, channels=plan.input.shape[0])
    with gc_paused():
        result = run_conv_transpose2d(plan)
        as_int = exact_integers(result.input, result.kernel, result.bias,
                                terms=int(result.kernel[0].size) + 1)
        body: dict[str, Any] = {
            "output": lists(_shown(as_signal(result.output), rank), as_int),
            "output_shape": list(_shown(as_signal(result.output), rank).shape),
            "kernel": lists(result.kernel[:, :, 0, :], as_int), "bias": lists(result.bias, as_int),
            "stride": request.stride, "padding": request.padding,
            "output_padding": request.output_padding, "dilation": request.dilation,
            "groups": result.groups, "arithmetic": [arithmetic],
            "canvas": lists(as_signal(result.canvas), as_int),
            "coverage": lists(result.coverage[0], True),
        }
        total = int(result.input.size)
        span = page(request.trace, total, int(result.kernel[0].size + result.output.size))
        steps: list[dict[str, Any]] = []
        if span is not None:
            if span[0] >= total:
                raise InputError("trace", f"start {span[0]} is outside the {total} steps")
            t = conv_transpose2d_trace(result, start=span[0], limit=span[1])
            running = t.running_sum[:, :, 0, :]
            for j in range(len(t.value)):
                steps.append({
                    "index": span[0] + j, "source": [int(t.source[j, 0]), int(t.source[j, 2])],
                    "value": lists(t.value[j], as_int),
                    "targets": t.targets[j][:, [0, 2]].tolist(), "cropped": t.cropped[j].tolist(),
                    "amounts": lists(t.amounts[j], as_int),
                    "running_sum": lists(_shown(running[j], rank), as_int)})
        body["trace"] = trace_info(span[0] if span else 0, len(steps), total)
        body["steps"] = steps
        return dumps(body)


@router.post("/conv_transpose1d", responses=ERROR_RESPONSES,
             summary="1-D transposed convolution, input sample by input sample")
async def conv_transpose1d_endpoint(request: ConvTranspose1dRequest) -> Response:
    """Scatter each input sample times the kernel into the output, as
    `torch.nn.functional.conv_transpose1d`: the output length (L − 1)·s − 2p + (k − 1)·d +
    output_padding + 1 with its arithmetic, the uncropped `canvas`, how many contributions
    each output sample receives (`coverage`), and one step per input sample (`source`
    [channel, t], its `targets` [channel, t'], `amounts`, the `running_sum`)."""
    return Response(await run_in_threadpool(_transposed, request),
                    media_type="application/json")


def _pool(request: Pool1dRequest) -> bytes:
    x = as_matrix(request.input, "input", ranks=(1, 2))
    channels, length = (1, x.shape[0]) if x.ndim == 1 else x.shape
    k = request.kernel_size
    out = pool_axis("length", input_size=int(length), kernel_size=k,
                    stride=request.stride or k, padding=request.padding,
                    dilation=request.dilation, ceil_mode=request.ceil_mode).output_size
    check_sizes("kernel_size", input_cells=x.size, output_cells=channels * out,
                work=channels * out * k, channels=int(channels))
    check_windows("kernel_size", channels * out * k)
    result, arithmetic, rank = pool1d(
        x, mode=request.mode, kernel_size=k, stride=request.stride, padding=request.padding,
        dilation=request.dilation, ceil_mode=request.ceil_mode,
        count_include_pad=request.count_include_pad)
    with gc_paused():
        output = _shown(as_signal(result.output), rank)
        as_int = exact_integers(output, terms=1)
        frame_int = exact_integers(result.frame, terms=1)
        body: dict[str, Any] = {
            "output": lists(output, as_int), "output_shape": list(output.shape),
            "indices": None if result.indices is None else _shown(
                as_signal(result.indices), rank).tolist(),
            "padded_input": lists(as_signal(result.frame), frame_int),
            "padding": list(result.index_map.padding[1]), "mode": result.mode,
            "kernel_size": k, "stride": request.stride or k, "dilation": request.dilation,
            "ceil_mode": request.ceil_mode, "count_include_pad": request.count_include_pad,
            "arithmetic": [arithmetic],
        }
        total = int(result.output.size)
        span = page(request.trace, total, k)
        steps: list[dict[str, Any]] = []
        if span is not None:
            if span[0] >= total:
                raise InputError("trace", f"start {span[0]} is outside the {total} steps")
            t = pool2d_trace(result, start=span[0], limit=span[1])
            whole = exact_integers(t.values, terms=1)
            for j in range(len(t.value)):
                steps.append({
                    "index": span[0] + j, "out": [int(t.out[j, 0]), int(t.out[j, 2])],
                    "window": t.window[j, :, 1].tolist(), "padding": t.padding[j].tolist(),
                    "values": lists(t.values[j], whole),
                    "winner": None if t.winner is None else int(t.winner[j]),
                    "sum": None if t.total is None else lists(t.total[j], whole),
                    "divisor": None if t.divisor is None else float(t.divisor[j]),
                    "value": lists(t.value[j], exact_integers(t.value[j:j + 1], terms=1))})
        body["trace"] = trace_info(span[0] if span else 0, len(steps), total)
        body["steps"] = steps
        return dumps(body)


@router.post("/pool1d", responses=ERROR_RESPONSES, summary="1-D pooling, window by window")
async def pool1d_endpoint(request: Pool1dRequest) -> Response:
    """Pool each channel of a signal as `torch.nn.functional.max_pool1d` / `avg_pool1d`
    (min pooling is −max_pool1d(−x)), with the winners' sample indices (PyTorch's
    `return_indices`) and one step per output sample: the window, the values read, the
    winning tap or the sum and divisor."""
    return Response(await run_in_threadpool(_pool, request), media_type="application/json")

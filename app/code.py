"""The code behind a view: a runnable PyTorch snippet and a NumPy one that reproduce the
view's output for its request, with the tensors written out, each printing the result as
JSON (the pipeline's are in app/code_pipeline.py, the network's in app/code_network.py).
The parameters come from the engine's own plan of the request (padding resolved to each
side, named kernels expanded, true convolution's rotation written as a flip), so a
snippet computes exactly what the page shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

from app.schemas.conv import Conv2dRequest
from app.schemas.matrix import BackwardRequest
from app.schemas.pool import Pool2dRequest
from app.schemas.signal import Conv1dRequest
from app.schemas.transposed import ConvTranspose2dRequest
from app.schemas.volume import Conv3dRequest
from app.serialize import lists
from engine.conv import Conv2dPlan, plan_conv2d, plan_conv3d
from engine.geometry import pool_axis
from engine.params import as_matrix
from engine.primitives import as_pair
from engine.signal import plan_conv1d
from engine.transposed import plan_conv_transpose2d

TORCH_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
             "circular": "circular"}
NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge",
             "circular": "wrap"}


def _array(a: Any) -> str:
    return orjson.dumps(lists(np.asarray(a, dtype=np.float64), False)).decode()


def _head(torch: bool) -> list[str]:
    return (["import json", "", "import torch", "import torch.nn.functional as F", ""]
            if torch else ["import json", "", "import numpy as np", ""])


def _conv_plan(r: Conv2dRequest) -> Conv2dPlan:
    return plan_conv2d(r.input, r.kernel, bias=r.bias, stride=r.stride, padding=r.padding,
                       dilation=r.dilation, groups=r.groups, padding_mode=r.padding_mode,
                       flip_kernel=r.flip_kernel)


def _given_kernel(plan: Conv2dPlan) -> Any:
    return plan.kernel[..., ::-1, ::-1] if plan.flip_kernel else plan.kernel


def conv2d(r: Conv2dRequest) -> dict[str, str]:
    """F.conv2d, and the same by loops over the output cells in NumPy."""
    p = _conv_plan(r)
    (top, bottom), (left, right) = p.padding
    torch = [*_head(True),
             f"x = torch.tensor({_array(p.input)}, dtype=torch.float64)  # (C_in, H, W)",
             f"w = torch.tensor({_array(_given_kernel(p))}, dtype=torch.float64)  "
             f"# (C_out, C_in/groups, kH, kW)",
             f"b = torch.tensor({_array(p.bias)}, dtype=torch.float64)"]
    if p.flip_kernel:
        torch.append("w = w.flip(-1, -2)  # true convolution: the kernel rotated 180°")
    torch += [f"x = F.pad(x[None], ({left}, {right}, {top}, {bottom}), "
              f"mode={TORCH_PAD[p.padding_mode]!r})  # (left, right, top, bottom)",
              f"y = F.conv2d(x, w, b, stride={list(p.stride)}, dilation={list(p.dilation)}, "
              f"groups={p.groups})[0]",
              "print(json.dumps(y.tolist()))"]
    numpy = [*_head(False),
             f"x = np.array({_array(p.input)})  # (C_in, H, W)",
             f"w = np.array({_array(_given_kernel(p))})  # (C_out, C_in/groups, kH, kW)",
             f"b = np.array({_array(p.bias)})"]
    if p.flip_kernel:
        numpy.append("w = w[..., ::-1, ::-1]  # true convolution: the kernel rotated 180°")
    numpy += [f"x = np.pad(x, ((0, 0), ({top}, {bottom}), ({left}, {right})), "
              f"mode={NUMPY_PAD[p.padding_mode]!r})",
              f"(sh, sw), (dh, dw), groups = {tuple(p.stride)}, {tuple(p.dilation)}, {p.groups}",
              "c_out, per_group, kh, kw = w.shape",
              "ho = (x.shape[1] - dh * (kh - 1) - 1) // sh + 1",
              "wo = (x.shape[2] - dw * (kw - 1) - 1) // sw + 1",
              "y = np.zeros((c_out, ho, wo))",
              "for o in range(c_out):",
              "    g = o // (c_out // groups)  # the filter's group of input channels",
              "    for i in range(ho):",
              "        for j in range(wo):",
              "            window = x[g * per_group:(g + 1) * per_group,",
              "                       i * sh:i * sh + dh * (kh - 1) + 1:dh,",
              "                       j * sw:j * sw + dw * (kw - 1) + 1:dw]",
              "            y[o, i, j] = (window * w[o]).sum() + b[o]",
              "print(json.dumps(y.tolist()))"]
    return {"pytorch": "\n".join(torch), "numpy": "\n".join(numpy)}


def conv1d(r: Conv1dRequest) -> dict[str, str]:
    """F.conv1d of the signal, and the same by a loop over the output samples in NumPy."""
    p = plan_conv1d(r.input, r.kernel, bias=r.bias, stride=r.stride, padding=r.padding,
                    dilation=r.dilation, groups=r.groups, padding_mode=r.padding_mode,
                    flip_kernel=r.flip_kernel)[0]
    left, right = p.padding[1]
    s, d = p.stride[1], p.dilation[1]
    x, given = p.input[:, 0, :], _given_kernel(p)[:, :, 0, :]
    torch = [*_head(True),
             f"x = torch.tensor({_array(x)}, dtype=torch.float64)  # (C_in, L)",
             f"w = torch.tensor({_array(given)}, dtype=torch.float64)"
             f"  # (C_out, C_in/groups, k)",
             f"b = torch.tensor({_array(p.bias)}, dtype=torch.float64)"]
    if p.flip_kernel:
        torch.append("w = w.flip(-1)  # s(t) = Σ x(a)·w(t − a): the kernel reversed")
    torch += [f"x = F.pad(x[None], ({left}, {right}), mode={TORCH_PAD[p.padding_mode]!r})"
              f"  # (left, right)",
              f"y = F.conv1d(x, w, b, stride={s}, dilation={d}, groups={p.groups})[0]",
              "print(json.dumps(y.tolist()))"]
    numpy = [*_head(False),
             f"x = np.array({_array(x)})  # (C_in, L)",
             f"w = np.array({_array(given)})  # (C_out, C_in/groups, k)",
             f"b = np.array({_array(p.bias)})"]
    if p.flip_kernel:
        numpy.append("w = w[..., ::-1]  # s(t) = Σ x(a)·w(t − a): the kernel reversed")
    numpy += [f"x = np.pad(x, ((0, 0), ({left}, {right})), mode={NUMPY_PAD[p.padding_mode]!r})",
              f"s, d, groups = {s}, {d}, {p.groups}",
              "c_out, per_group, k = w.shape",
              "n = (x.shape[1] - d * (k - 1) - 1) // s + 1",
              "y = np.zeros((c_out, n))",
              "for o in range(c_out):",
              "    g = o // (c_out // groups)  # the filter's group of input channels",
              "    for t in range(n):",
              "        window = x[g * per_group:(g + 1) * per_group,",
              "                   t * s:t * s + d * (k - 1) + 1:d]",
              "        y[o, t] = (window * w[o]).sum() + b[o]",
              "print(json.dumps(y.tolist()))"]
    return {"pytorch": "\n".join(torch), "numpy": "\n".join(numpy)}


def conv3d(r: Conv3dRequest) -> dict[str, str]:
    """F.conv3d of the volume, and the same by loops over the output cells in NumPy."""
    p = plan_conv3d(r.input, r.kernel, bias=r.bias, stride=r.stride, padding=r.padding,
                    dilation=r.dilation, groups=r.groups, padding_mode=r.padding_mode,
                    flip_kernel=r.flip_kernel)
    given = np.flip(p.kernel, axis=(2, 3, 4)) if p.flip_kernel else p.kernel
    torch_pads = tuple(v for pair in reversed(p.padding) for v in pair)
    torch = [*_head(True),
             f"x = torch.tensor({_array(p.input)}, dtype=torch.float64)  # (C_in, D, H, W)",
             f"w = torch.tensor({_array(given)}, dtype=torch.float64)  "
             f"# (C_out, C_in/groups, kD, kH, kW)",
             f"b = torch.tensor({_array(p.bias)}, dtype=torch.float64)"]
    if p.flip_kernel:
        torch.append("w = w.flip(-1, -2, -3)  # true convolution: reversed on every axis")
    torch += [f"x = F.pad(x[None], {torch_pads}, mode={TORCH_PAD[p.padding_mode]!r})"
              f"  # (left, right, top, bottom, front, back)",
              f"y = F.conv3d(x, w, b, stride={list(p.stride)}, dilation={list(p.dilation)}, "
              f"groups={p.groups})[0]",
              "print(json.dumps(y.tolist()))"]
    numpy = [*_head(False),
             f"x = np.array({_array(p.input)})  # (C_in, D, H, W)",
             f"w = np.array({_array(given)})  # (C_out, C_in/groups, kD, kH, kW)",
             f"b = np.array({_array(p.bias)})"]
    if p.flip_kernel:
        numpy.append("w = w[..., ::-1, ::-1, ::-1]  # true convolution: reversed on every axis")
    numpy += [f"x = np.pad(x, ((0, 0), {', '.join(str(tuple(pair)) for pair in p.padding)}), "
              f"mode={NUMPY_PAD[p.padding_mode]!r})",
              f"stride, dil, groups = {tuple(p.stride)}, {tuple(p.dilation)}, {p.groups}",
              "c_out, per_group, *k = w.shape",
              "size = [(x.shape[1 + a] - dil[a] * (k[a] - 1) - 1) // stride[a] + 1",
              "        for a in range(3)]",
              "y = np.zeros((c_out, *size))",
              "for o in range(c_out):",
              "    g = o // (c_out // groups)  # the filter's group of input channels",
              "    for cell in np.ndindex(*size):",
              "        start = [cell[a] * stride[a] for a in range(3)]",
              "        reach = tuple(slice(start[a], start[a] + dil[a] * (k[a] - 1) + 1, dil[a])",
              "                      for a in range(3))",
              "        window = x[(slice(g * per_group, (g + 1) * per_group), *reach)]",
              "        y[(o, *cell)] = (window * w[o]).sum() + b[o]",
              "print(json.dumps(y.tolist()))"]
    return {"pytorch": "\n".join(torch), "numpy": "\n".join(numpy)}


def conv2d_backward(r: BackwardRequest) -> dict[str, str]:
    """Autograd of F.conv2d for the given ΔY: ΔX, ΔW, Δb."""
    p = _conv_plan(r)
    (top, bottom), (left, right) = p.padding
    c_out = p.kernel.shape[0]
    ho, wo = p.output_size
    grad = (np.ones((c_out, ho, wo)) if r.grad_output is None else
            as_matrix(r.grad_output, "grad_output", ranks=(2, 3)).reshape(c_out, ho, wo))
    torch = [*_head(True),
             f"x = torch.tensor({_array(p.input)}, dtype=torch.float64, requires_grad=True)",
             f"w = torch.tensor({_array(_given_kernel(p))}, dtype=torch.float64, "
             f"requires_grad=True)",
             f"b = torch.tensor({_array(p.bias)}, dtype=torch.float64, requires_grad=True)",
             f"dy = torch.tensor({_array(grad)}, dtype=torch.float64)  # ΔY = ∂L/∂Y",
             f"applied = w.flip(-1, -2) if {p.flip_kernel} else w",
             f"xp = F.pad(x[None], ({left}, {right}, {top}, {bottom}), "
             f"mode={TORCH_PAD[p.padding_mode]!r})",
             f"y = F.conv2d(xp, applied, b, stride={list(p.stride)}, "
             f"dilation={list(p.dilation)}, groups={p.groups})[0]",
             "y.backward(dy)",
             'print(json.dumps({"grad_input": x.grad.tolist(), "grad_kernel": w.grad.tolist(), '
             '"grad_bias": b.grad.tolist()}))']
    return {"pytorch": "\n".join(torch), "numpy": conv2d(r)["numpy"].replace(
        "print(json.dumps(y.tolist()))",
        "print(json.dumps(y.tolist()))  # the forward output; its gradients: the PyTorch "
        "snippet")}


def conv_transpose2d(r: ConvTranspose2dRequest) -> dict[str, str]:
    """F.conv_transpose2d, and the same as a scatter of scaled kernels in NumPy."""
    p = plan_conv_transpose2d(r.input, r.kernel, bias=r.bias, stride=r.stride,
                              padding=r.padding, output_padding=r.output_padding,
                              dilation=r.dilation, groups=r.groups)
    s, d = p.index_map.stride, p.index_map.dilation
    pad = as_pair(r.padding, "padding", minimum=0)
    out = as_pair(r.output_padding, "output_padding", minimum=0)
    torch = [*_head(True),
             f"x = torch.tensor({_array(p.input)}, dtype=torch.float64)  # (C_in, H, W)",
             f"w = torch.tensor({_array(p.kernel)}, dtype=torch.float64)  "
             f"# (C_in, C_out/groups, kH, kW)",
             f"b = torch.tensor({_array(p.bias)}, dtype=torch.float64)",
             f"y = F.conv_transpose2d(x[None], w, b, stride={list(s)}, padding={list(pad)}, "
             f"output_padding={list(out)}, groups={p.groups}, dilation={list(d)})[0]",
             "print(json.dumps(y.tolist()))"]
    numpy = [*_head(False),
             f"x = np.array({_array(p.input)})  # (C_in, H, W)",
             f"w = np.array({_array(p.kernel)})  # (C_in, C_out/groups, kH, kW)",
             f"b = np.array({_array(p.bias)})",
             f"(sh, sw), (dh, dw), (ph, pw), (oh, ow), groups = {tuple(s)}, {tuple(d)}, "
             f"{tuple(pad)}, {tuple(out)}, {p.groups}",
             "c_in, per_out, kh, kw = w.shape",
             "h, wd = x.shape[1:]",
             "full = np.zeros((per_out * groups, (h - 1) * sh + dh * (kh - 1) + 1 + oh,",
             "                 (wd - 1) * sw + dw * (kw - 1) + 1 + ow))",
             "for c in range(c_in):  # each input cell places its value times the kernel",
             "    g = c // (c_in // groups)",
             "    for i in range(h):",
             "        for j in range(wd):",
             "            rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)",
             "            cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)",
             "            full[g * per_out:(g + 1) * per_out, rows, cols] += x[c, i, j] * w[c]",
             "y = full[:, ph:full.shape[1] - ph, pw:full.shape[2] - pw] + b[:, None, None]",
             "print(json.dumps(y.tolist()))"]
    return {"pytorch": "\n".join(torch), "numpy": "\n".join(numpy)}


def pool2d(r: Pool2dRequest) -> dict[str, str]:
    """F.max_pool2d / F.avg_pool2d (min: −max of −x), and the same by loops in NumPy."""
    x = as_matrix(r.input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    k = as_pair(r.kernel_size, "kernel_size", minimum=1)
    s = as_pair(r.stride if r.stride is not None else r.kernel_size, "stride", minimum=1)
    p = as_pair(r.padding, "padding", minimum=0)
    d = as_pair(r.dilation, "dilation", minimum=1)
    out = [pool_axis(a, input_size=x3.shape[i + 1], kernel_size=k[i], stride=s[i],
                     padding=p[i], dilation=d[i], ceil_mode=r.ceil_mode).output_size
           for i, a in enumerate(("height", "width"))]
    args = f"{list(k)}, {list(s)}, {list(p)}"
    if r.mode == "avg":
        call = (f"F.avg_pool2d(x[None], {args}, ceil_mode={r.ceil_mode}, "
                f"count_include_pad={r.count_include_pad})[0]")
    else:
        inner = (f"F.max_pool2d({'-' if r.mode == 'min' else ''}x[None], {args}, "
                 f"dilation={list(d)}, ceil_mode={r.ceil_mode})[0]")
        call = f"-{inner}  # min pooling: −max(−x)" if r.mode == "min" else inner
    torch = [*_head(True), f"x = torch.tensor({_array(x3)}, dtype=torch.float64)  # (C, H, W)",
             f"y = {call}", "print(json.dumps(y.tolist()))"]
    fill = {"max": "-np.inf", "min": "np.inf", "avg": "np.nan"}[r.mode]
    reduce = {"max": "np.max(values)", "min": "np.min(values)",
              "avg": "np.nansum(values) / divisor"}[r.mode]
    numpy = [*_head(False), f"x = np.array({_array(x3)})  # (C, H, W)",
             f"(kh, kw), (sh, sw), (ph, pw), (dh, dw) = {tuple(k)}, {tuple(s)}, {tuple(p)}, "
             f"{tuple(d)}",
             f"ho, wo = {out[0]}, {out[1]}  # floor{' (ceil_mode: ceil)' if r.ceil_mode else ''}"
             f" of (n + 2p − d·(k − 1) − 1) / s + 1",
             "c, h, w = x.shape",
             "# padding is never picked (max, min) nor summed (average): it reads as NaN or ±inf",
             f"frame = np.full((c, h + 2 * ph + kh * dh, w + 2 * pw + kw * dw), {fill})",
             "frame[:, ph:ph + h, pw:pw + w] = x",
             "y = np.zeros((c, ho, wo))",
             "for ch in range(c):",
             "    for i in range(ho):",
             "        for j in range(wo):",
             "            r0, c0 = i * sh, j * sw",
             "            values = frame[ch, r0:r0 + dh * (kh - 1) + 1:dh,",
             "                           c0:c0 + dw * (kw - 1) + 1:dw]"]
    if r.mode == "avg":
        numpy += ["            # PyTorch's divisor: the window within the padded input "
                  + ("(count_include_pad)" if r.count_include_pad else "(real cells only)"),
                  "            rows = min(r0 + kh, h + 2 * ph) - r0",
                  "            cols = min(c0 + kw, w + 2 * pw) - c0",
                  ("            divisor = rows * cols" if r.count_include_pad else
                   "            divisor = np.count_nonzero(~np.isnan(values))")]
    numpy += [f"            y[ch, i, j] = {reduce}", "print(json.dumps(y.tolist()))"]
    return {"pytorch": "\n".join(torch), "numpy": "\n".join(numpy)}


"""The code behind /pipeline: the chain as torch.nn.functional calls, and the same in plain
NumPy, each printing every stage's output as JSON. The NumPy snippet defines each
operation the chain uses once, as a function of loops over its output in the style of
the single views' snippets (app/code.py), and then calls them stage by stage, line for
line as the PyTorch one does. The parameters come from the engine's plan of the chain
(padding resolved to each side, named kernels expanded, the output size of an unpooling),
so both compute exactly what the page shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.code import NUMPY_PAD, TORCH_PAD, _array, _head
from app.schemas.pipeline import PipelineRequest
from engine import pipeline as chain
from engine.contrast import default_size
from engine.params import as_matrix
from engine.pipeline.plan import conv_kernel, plan_conv, plan_transposed, unpool_source, zeros

# The NumPy snippet's functions, in the order a snippet defines them; _NEEDS says which
# an operation calls.
_FUNCTIONS = {"conv2d": '''
def conv2d(x, w, b, padding, mode, stride, dilation, groups):
    """F.conv2d of x (C_in, H, W) by w (C_out, C_in/groups, kH, kW), x padded first by
    np.pad's ((top, bottom), (left, right)) in the given mode."""
    x = np.pad(x, ((0, 0), *padding), mode=mode)
    (sh, sw), (dh, dw) = stride, dilation
    c_out, per_group, kh, kw = w.shape
    ho = (x.shape[1] - dh * (kh - 1) - 1) // sh + 1
    wo = (x.shape[2] - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((c_out, ho, wo))
    for o in range(c_out):
        g = o // (c_out // groups)  # the filter's group of input channels
        for i in range(ho):
            for j in range(wo):
                window = x[g * per_group:(g + 1) * per_group,
                           i * sh:i * sh + dh * (kh - 1) + 1:dh,
                           j * sw:j * sw + dw * (kw - 1) + 1:dw]
                y[o, i, j] = (window * w[o]).sum() + b[o]
    return y
''', "conv_transpose2d": '''
def conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups):
    """F.conv_transpose2d of x (C_in, H, W) by w (C_in, C_out/groups, kH, kW): each input
    cell adds its value times the kernel, then the padding is cropped off."""
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = stride, padding, output_padding, dilation
    c_in, per_out, kh, kw = w.shape
    h, wd = x.shape[1:]
    full = np.zeros((per_out * groups, (h - 1) * sh + dh * (kh - 1) + 1 + oh,
                     (wd - 1) * sw + dw * (kw - 1) + 1 + ow))
    for c in range(c_in):
        g = c // (c_in // groups)  # the group of output channels it feeds
        for i in range(h):
            for j in range(wd):
                rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
                cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
                full[g * per_out:(g + 1) * per_out, rows, cols] += x[c, i, j] * w[c]
    return full[:, ph:full.shape[1] - ph, pw:full.shape[2] - pw] + b[:, None, None]
''', "pool_size": '''
def pool_size(n, k, s, p, d, ceil_mode):
    """A pooling's output size on one axis: floor((n + 2p − d·(k − 1) − 1) / s) + 1, or
    ceil with ceil_mode, less a last window that would start in the right padding."""
    span = n + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    return out - 1 if (out - 1) * s >= n + p else out
''', "max_pool2d": '''
def max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode):
    """F.max_pool2d(..., return_indices=True) of x (C, H, W): each window's largest value
    (padding reads as −inf: it never wins) and where it is, flat in its channel."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    c, h, w = x.shape
    ho = pool_size(h, kh, sh, ph, dh, ceil_mode)
    wo = pool_size(w, kw, sw, pw, dw, ceil_mode)
    frame = np.full((c, h + 2 * ph + kh * dh, w + 2 * pw + kw * dw), -np.inf)
    frame[:, ph:ph + h, pw:pw + w] = x
    y, indices = np.zeros((c, ho, wo)), np.zeros((c, ho, wo), dtype=int)
    for ch in range(c):
        for i in range(ho):
            for j in range(wo):
                r0, c0 = i * sh, j * sw
                values = frame[ch, r0:r0 + dh * (kh - 1) + 1:dh, c0:c0 + dw * (kw - 1) + 1:dw]
                # the first largest in row-major order wins a tie, as in PyTorch
                tr, tc = np.unravel_index(np.argmax(values), values.shape)
                y[ch, i, j] = values[tr, tc]
                indices[ch, i, j] = (r0 + tr * dh - ph) * w + (c0 + tc * dw - pw)
    return y, indices
''', "avg_pool2d": '''
def avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad):
    """F.avg_pool2d of x (C, H, W): each window's sum over PyTorch's divisor."""
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    c, h, w = x.shape
    ho = pool_size(h, kh, sh, ph, 1, ceil_mode)
    wo = pool_size(w, kw, sw, pw, 1, ceil_mode)
    frame = np.full((c, h + 2 * ph + kh, w + 2 * pw + kw), np.nan)  # padding: never summed
    frame[:, ph:ph + h, pw:pw + w] = x
    y = np.zeros((c, ho, wo))
    for ch in range(c):
        for i in range(ho):
            for j in range(wo):
                r0, c0 = i * sh, j * sw
                values = frame[ch, r0:r0 + kh, c0:c0 + kw]
                if count_include_pad:  # the window within the padded input
                    divisor = (min(r0 + kh, h + 2 * ph) - r0) * (min(c0 + kw, w + 2 * pw) - c0)
                else:  # the input's cells only
                    divisor = np.count_nonzero(~np.isnan(values))
                y[ch, i, j] = np.nansum(values) / divisor
    return y
''', "max_unpool2d": '''
def max_unpool2d(x, indices, output_size):
    """F.max_unpool2d of x (C, H, W): each value back at its max pool's flat index in its
    channel of the output, every other cell 0 (of two values sent to one cell, the later
    stays)."""
    c, h, w = x.shape
    y = np.zeros((c, *output_size))
    for ch in range(c):
        for i in range(h):
            for j in range(w):
                row, col = divmod(int(indices[ch, i, j]), output_size[1])
                y[ch, row, col] = x[ch, i, j]
    return y
''', "batch_norm2d": '''
def batch_norm2d(x, mean, var, weight, bias, eps):
    """F.batch_norm of one picture (C, H, W), channel by channel."""
    y = np.zeros(x.shape)
    for c in range(x.shape[0]):
        y[c] = (x[c] - mean[c]) / np.sqrt(var[c] + eps) * weight[c] + bias[c]
    return y
''', "local_response_norm": '''
def local_response_norm(x, size, alpha, beta, k):
    """F.local_response_norm of x (C, H, W): each value over (k + α·Σ x² / size)^β, the sum
    over `size` neighbouring channels (zero-padded at the ends)."""
    c = x.shape[0]
    y = np.zeros(x.shape)
    for ch in range(c):
        near = x[max(0, ch - size // 2):min(c, ch + (size - 1) // 2 + 1)]
        y[ch] = x[ch] / (k + alpha * (near * near).sum(axis=0) / size) ** beta
    return y
''', "local_contrast_norm": '''
def local_contrast_norm(x, mode, sigma, size, across, kappa, lam, mu):
    """Deck 003's normalisation of maps x (C, H, W): less the Gaussian-weighted local mean
    of all the maps (subtractive, eq. 15), then over (κ + λ·Σ_j x_j²)^μ, the sum over
    the maps at each position (brightness, eq. 17)."""
    if mode != "brightness":
        r = np.arange(size) - (size - 1) / 2
        g = np.exp(-r * r / (2 * sigma * sigma))
        window = np.outer(g, g) / g.sum() ** 2  # size × size, summing to 1
        total = x.sum(axis=0) if across == "sum" else x.mean(axis=0)
        padded = np.pad(total, size // 2)  # zeros, so the maps keep their size
        local_mean = np.zeros(total.shape)
        for i in range(total.shape[0]):
            for j in range(total.shape[1]):
                local_mean[i, j] = (padded[i:i + size, j:j + size] * window).sum()
        x = x - local_mean
    if mode != "subtractive":
        x = x / (kappa + lam * (x * x).sum(axis=0)) ** mu
    return x
'''}
_NEEDS: dict[str, tuple[str, ...]] = {"max_pool2d": ("pool_size", "max_pool2d"),
                                      "min_pool2d": ("pool_size", "max_pool2d"),
                                      "avg_pool2d": ("pool_size", "avg_pool2d")}

_TORCH_ACT = {"relu": "F.relu(y)", "sigmoid": "torch.sigmoid(y)", "tanh": "torch.tanh(y)",
              "abs": "torch.abs(y)"}
_NUMPY_ACT = {"relu": "np.maximum(y, 0.0)", "sigmoid": "(1 + np.tanh(y / 2)) / 2",
              "tanh": "np.tanh(y)", "abs": "np.abs(y)"}
_NOTES = {"sigmoid": ", 1 / (1 + e^−y) written so that it cannot overflow"}


def _pools(a: Any) -> tuple[Any, Any, Any]:
    return tuple(a["kernel_size"]), tuple(a["stride"] or a["kernel_size"]), tuple(a["padding"])


def _vectors(p: chain.PlannedStage) -> dict[str, Any]:
    """A batch_norm2d stage's weight, bias and running statistics, one number a channel."""
    c, a = p.in_shape[0], p.stage.args
    return {name: np.full(c, default) if a[name] is None else np.broadcast_to(
        np.asarray(a[name], dtype=np.float64).reshape(-1), (c,))
        for name, default in (("running_mean", 0.0), ("running_var", 1.0), ("weight", 1.0),
                              ("bias", 0.0))}


def _linear(a: Any) -> tuple[Any, Any]:
    w = np.asarray(a["weight"], dtype=np.float64)
    return w, np.zeros(w.shape[0]) if a["bias"] is None else np.asarray(a["bias"], dtype=float)


def _torch_stage(p: chain.PlannedStage, source: int | None) -> list[str]:
    op, a, i, shape = p.stage.op, p.stage.args, p.index, p.in_shape
    name = f"stage {i + 1}"
    if op == "conv2d":
        plan = plan_conv(p.stage, zeros(shape))
        (top, bottom), (left, right) = plan.padding
        kernel = f"w{i}.flip(-1, -2)" if a["flip_kernel"] else f"w{i}"
        return [f"w{i} = torch.tensor({_array(conv_kernel(p.stage, shape[0]))}, "
                f"dtype=torch.float64).reshape({list(plan.kernel.shape)})",
                f"b{i} = torch.tensor({_array(plan.bias)}, dtype=torch.float64)",
                f"y = F.pad(y, ({left}, {right}, {top}, {bottom}), "
                f"mode={TORCH_PAD[a['padding_mode']]!r})",
                f"y = F.conv2d(y, {kernel}, b{i}, stride={list(a['stride'])}, "
                f"dilation={list(a['dilation'])}, groups={a['groups']})  # {name}"]
    if op == "conv_transpose2d":
        tp = plan_transposed(p.stage, zeros(shape))
        return [f"y = F.conv_transpose2d(y, torch.tensor({_array(tp.kernel)}, "
                f"dtype=torch.float64), torch.tensor({_array(tp.bias)}, dtype=torch.float64), "
                f"stride={list(a['stride'])}, padding={list(a['padding'])}, output_padding="
                f"{list(a['output_padding'])}, groups={a['groups']}, dilation="
                f"{list(a['dilation'])})  # {name}"]
    if op in ("max_pool2d", "min_pool2d", "avg_pool2d"):
        args = ", ".join(str(list(v)) for v in _pools(a))
        if op == "avg_pool2d":
            return [f"y = F.avg_pool2d(y, {args}, ceil_mode={a['ceil_mode']}, "
                    f"count_include_pad={a['count_include_pad']})  # {name}"]
        call = f"dilation={list(a['dilation'])}, ceil_mode={a['ceil_mode']}"
        if op == "min_pool2d":
            return [f"y = -F.max_pool2d(-y, {args}, {call})  # {name}: min pooling is −max(−y)"]
        return [f"y, indices{i} = F.max_pool2d(y, {args}, {call}, return_indices=True)"
                f"  # {name}"]
    if op == "max_unpool2d":
        args = ", ".join(str(list(v)) for v in _pools(a))
        return [f"y = F.max_unpool2d(y, indices{source}, {args}, "
                f"output_size={list(p.out_shape[1:])})  # {name}"]
    if op in _TORCH_ACT:
        return [f"y = {_TORCH_ACT[op]}  # {name}"]
    if op == "leaky_relu":
        return [f"y = F.leaky_relu(y, {a['negative_slope']})  # {name}"]
    if op == "elu":
        return [f"y = F.elu(y, {a['alpha']})  # {name}"]
    if op == "softplus":
        return [f"y = F.softplus(y, {a['beta']}, {a['threshold']})  # {name}"]
    if op == "batch_norm2d":
        v = {k: f"torch.tensor({_array(t)}, dtype=torch.float64)" for k, t in _vectors(p).items()}
        return [f"y = F.batch_norm(y, {v['running_mean']}, {v['running_var']}, {v['weight']}, "
                f"{v['bias']}, training={a['training']}, momentum={a['momentum']}, "
                f"eps={a['eps']})  # {name}"]
    if op == "local_response_norm":
        return [f"y = F.local_response_norm(y, {a['size']}, {a['alpha']}, {a['beta']}, "
                f"{a['k']})  # {name}"]
    if op == "local_contrast_norm":
        size = a["size"] or default_size(a["sigma"])
        lines = [f"# {name}: deck 003's local contrast normalisation (no torch function)"]
        if a["mode"] != "brightness":
            total = "y.sum(1, keepdim=True)" if a["across"] == "sum" else "y.mean(1, keepdim=True)"
            lines += [f"r = torch.arange({size}, dtype=torch.float64) - {(size - 1) / 2}",
                      f"g = torch.exp(-r**2 / (2 * {a['sigma']}**2)); g = g / g.sum()",
                      f"y = y - F.conv2d({total}, torch.outer(g, g)[None, None], "
                      f"padding={size // 2})  # subtractive, eq. 15"]
        if a["mode"] != "subtractive":
            lines += [f"y = y / ({a['kappa']} + {a['lambda']} * (y * y).sum(1, keepdim=True))"
                      f" ** {a['mu']}  # brightness, eq. 17"]
        return lines
    if op == "dropout":
        if not a["training"]:
            return [f"# {name}: dropout at inference is the identity"]
        return [f"# {name}: convviz's seeded mask (F.dropout would draw its own)",
                "import numpy as np",
                f"keep = torch.tensor(np.random.default_rng({a['seed']}).random({list(shape)}) "
                f">= {a['p']})",
                f"y = torch.where(keep, y / (1 - {a['p']}), 0.0)" if a["p"] < 1
                else "y = torch.zeros_like(y)"]
    if op == "magnitude":
        return [f"y = torch.linalg.vector_norm(y, dim=1, keepdim=True)  # {name}"]
    if op == "flatten":
        return [f"y = y.reshape(1, -1)  # {name}"]
    if op == "linear":
        w, b = _linear(a)
        flat = ".reshape(1, -1)" if len(shape) > 1 else ""  # linear reads the maps flattened
        return [f"y = F.linear(y{flat}, torch.tensor({_array(w)}, dtype=torch.float64), "
                f"torch.tensor({_array(b)}, dtype=torch.float64))  # {name}"]
    raise AssertionError(op)  # pragma: no cover: spec.ARGS lists every op


def _numpy_stage(p: chain.PlannedStage, source: int | None) -> list[str]:
    """The stage's NumPy lines, under a comment naming it."""
    op, a, i, shape = p.stage.op, p.stage.args, p.index, p.in_shape
    head = f"# stage {i + 1}: {op}"
    if op == "conv2d":
        plan = plan_conv(p.stage, zeros(shape))
        given = np.asarray(conv_kernel(p.stage, shape[0]), dtype=np.float64)
        flip = a["flip_kernel"]
        padding = tuple(tuple(side) for side in plan.padding)
        return [head + (", true convolution: the kernel rotated 180°" if flip else ""),
                f"w{i} = np.array({_array(given.reshape(plan.kernel.shape))})"
                f"  # (C_out, C_in/groups, kH, kW)",
                f"b{i} = np.array({_array(plan.bias)})",
                f"y = conv2d(y, w{i}{'[..., ::-1, ::-1]' if flip else ''}, b{i}, "
                f"padding={padding}, mode={NUMPY_PAD[a['padding_mode']]!r},",
                f"           stride={tuple(a['stride'])}, dilation={tuple(a['dilation'])}, "
                f"groups={a['groups']})"]
    if op == "conv_transpose2d":
        tp = plan_transposed(p.stage, zeros(shape))
        return [head, f"w{i} = np.array({_array(tp.kernel)})  # (C_in, C_out/groups, kH, kW)",
                f"b{i} = np.array({_array(tp.bias)})",
                f"y = conv_transpose2d(y, w{i}, b{i}, stride={tuple(a['stride'])}, "
                f"padding={tuple(a['padding'])},",
                f"                     output_padding={tuple(a['output_padding'])}, "
                f"dilation={tuple(a['dilation'])}, groups={a['groups']})"]
    if op in ("max_pool2d", "min_pool2d", "avg_pool2d"):
        k, st, pad = _pools(a)
        args = f"kernel_size={k}, stride={st}, padding={pad},"
        if op == "avg_pool2d":
            return [head, f"y = avg_pool2d(y, {args}",
                    f"               ceil_mode={a['ceil_mode']}, "
                    f"count_include_pad={a['count_include_pad']})"]
        call = "y = -max_pool2d(-y, " if op == "min_pool2d" else f"y, indices{i} = max_pool2d(y, "
        tail = f"dilation={tuple(a['dilation'])}, ceil_mode={a['ceil_mode']})"
        if op == "min_pool2d":
            return [f"{head}, −max(−y)", call + args, " " * (call.index("(") + 1) + tail + "[0]"]
        return [head, call + args, " " * (call.index("(") + 1) + tail]
    if op == "max_unpool2d":
        return [f"{head}, by the indices of stage {(source or 0) + 1}",
                f"y = max_unpool2d(y, indices{source}, output_size={tuple(p.out_shape[1:])})"]
    if op in _NUMPY_ACT:
        return [head + _NOTES.get(op, ""), f"y = {_NUMPY_ACT[op]}"]
    if op == "leaky_relu":
        return [head, f"y = np.where(y > 0, y, {a['negative_slope']} * y)"]
    if op == "elu":
        return [head, f"y = np.where(y > 0, y, {a['alpha']} * np.expm1(np.minimum(y, 0.0)))"]
    if op == "softplus":
        return [f"{head}, ln(1 + e^(βy)) / β, and y itself past the threshold",
                f"y = np.where({a['beta']} * y > {a['threshold']}, y, "
                f"np.logaddexp(0.0, {a['beta']} * y) / {a['beta']})"]
    if op == "batch_norm2d":
        v = {k: f"np.array({_array(t)})" for k, t in _vectors(p).items()}
        if a["training"]:  # momentum only moves the running statistics, not the output
            stats = [f"{head} in training: the picture's own mean and (biased) variance",
                     "mean, var = y.mean(axis=(1, 2)), y.var(axis=(1, 2))"]
        else:
            stats = [f"{head} at inference: the running statistics",
                     f"mean, var = {v['running_mean']}, {v['running_var']}"]
        return [*stats, f"y = batch_norm2d(y, mean, var, weight={v['weight']}, "
                        f"bias={v['bias']}, eps={a['eps']})"]
    if op == "local_response_norm":
        return [head, f"y = local_response_norm(y, size={a['size']}, alpha={a['alpha']}, "
                      f"beta={a['beta']}, k={a['k']})"]
    if op == "local_contrast_norm":
        size = a["size"] or default_size(a["sigma"])
        return [head, f"y = local_contrast_norm(y, mode={a['mode']!r}, sigma={a['sigma']}, "
                      f"size={size}, across={a['across']!r},",
                f"                        kappa={a['kappa']}, lam={a['lambda']}, mu={a['mu']})"]
    if op == "dropout":
        if not a["training"]:
            return [f"{head} at inference: the identity"]
        return [f"{head}, convviz's seeded mask; the kept values scaled by 1/(1 − p)",
                f"keep = np.random.default_rng({a['seed']}).random({shape}) >= {a['p']}",
                f"y = np.where(keep, y / (1 - {a['p']}), 0.0)" if a["p"] < 1
                else "y = np.zeros(y.shape)"]
    if op == "magnitude":
        return [f"{head}, √Σ_c y²", "y = np.sqrt((y * y).sum(axis=0, keepdims=True))"]
    if op == "flatten":
        return [head, "y = y.reshape(-1)"]
    if op == "linear":
        w, b = _linear(a)
        return [f"{head}, y_o = Σ_j w[o, j]·y_j + b_o", f"w{i} = np.array({_array(w)})",
                f"b{i} = np.array({_array(b)})", f"y = w{i} @ y.reshape(-1) + b{i}"]
    raise AssertionError(op)  # pragma: no cover: spec.ARGS lists every op


def pipeline(r: PipelineRequest) -> dict[str, str]:
    """The chain as torch.nn.functional calls and as NumPy loops, each printing every
    stage's output."""
    x = as_matrix(r.input, "input", ranks=(2, 3))
    shape = chain.input_shape(x)
    planned = chain.plan_pipeline(shape, chain.parse_stages(r.stages))
    sources = {p.index: unpool_source(p.stage, planned[:p.index]).index for p in planned
               if p.stage.op == "max_unpool2d"}
    torch = [*_head(True), f"y = torch.tensor({_array(x.reshape(shape))}, "
             f"dtype=torch.float64)[None]  # (1, C, H, W)", "outputs = []"]
    numpy = [f"y = np.array({_array(x.reshape(shape))})  # (C, H, W)", "outputs = []"]
    used: set[str] = set()
    for p in planned:
        source = sources.get(p.index)
        torch += [*_torch_stage(p, source), "outputs.append(y[0].tolist())"]
        numpy += [*_numpy_stage(p, source), "outputs.append(y.tolist())"]
        used.update(_NEEDS.get(p.stage.op, (p.stage.op,)))
    defined = [line for f in _FUNCTIONS if f in used for line in ("", _FUNCTIONS[f].strip(), "")]
    return {"pytorch": "\n".join([*torch, "print(json.dumps(outputs))"]),
            "numpy": "\n".join([*_head(False), *defined, *([""] if defined else []), *numpy,
                                "print(json.dumps(outputs))"])}

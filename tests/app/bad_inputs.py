"""A catalogue of bad requests, one per kind of mistake, across the API's endpoints.

Each entry says what a student or a script might send and how the server must
answer: the status, where ``detail[0].loc`` points, and words its ``msg``
must contain (the field or the limit by name). ``tests/app/test_bad_inputs.py``
sends every one to a real uvicorn server.

``transport`` says how the body travels: ``"whole"`` (one request with
Content-Length), ``"announced"`` (a Content-Length header for ``declared``
bytes, then only the start of the body: the server must refuse without
waiting for the rest), ``"chunked"`` (Transfer-Encoding: chunked, no length
announced: the server must count and cut it off).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from app.limits import LIMITS

CATEGORIES = ("ragged", "empty", "huge", "non-finite", "negative", "wrong type",
              "wrong length", "unknown field", "malformed JSON", "wrong content type",
              "oversized body")

STRIDE_3: dict[str, Any] = {
    "input": [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
              [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]],
    "kernel": [[1, 2, 2], [2, 1, 2], [2, 2, 1]],
    "stride": 3,
    "trace": False,
}
STRIDE_3_OUTPUT = [[52, 54], [52, 54]]


@dataclass(frozen=True)
class BadInput:
    name: str
    category: str
    path: str
    body: bytes
    status: int
    loc: tuple[str | int, ...]
    words: str
    content_type: str | None = "application/json"
    transport: Literal["whole", "announced", "chunked"] = "whole"
    declared: int = 0


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


CONV = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, 1]]}
POOL = {"input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
        "kernel_size": 2}
TRANSPOSED = {"input": [[1, 2], [3, 4]], "kernel": [[1, 1], [1, 1]], "stride": 2}
UNPOOL = {"input": [[6, 8], [14, 16]], "indices": [[5, 7], [13, 15]], "kernel_size": 2}
SHAPE = {"op": "conv2d", "input_size": 5, "kernel_size": 3}


def bad(name: str, category: str, path: str, base: dict[str, Any], change: dict[str, Any],
        status: int, loc: tuple[str | int, ...], words: str) -> BadInput:
    """A JSON body: ``base`` with ``change`` applied (a None value removes the key)."""
    body = {k: v for k, v in (base | change).items() if v is not None}
    return BadInput(name, category, path, _json(body), status, loc, words)


def raw(name: str, category: str, path: str, body: bytes, status: int,
        loc: tuple[str | int, ...], words: str, **options: Any) -> BadInput:
    return BadInput(name, category, path, body, status, loc, words, **options)


_MB = LIMITS.max_body_bytes
_BIG_SIDE = int(LIMITS.max_input_cells ** 0.5) + 1  # a square input just over the cell limit

CATALOGUE: list[BadInput] = [
    # -- ragged ------------------------------------------------------------------------------
    bad("ragged input rows", "ragged", "/api/conv2d", CONV, {"input": [[1, 2], [3]]},
        422, ("body", "input"), "ragged"),
    bad("ragged kernel", "ragged", "/api/conv_transpose2d", TRANSPOSED,
        {"kernel": [[1, 1], [1]]}, 422, ("body", "kernel"), "ragged"),
    bad("channels of different sizes", "ragged", "/api/pool2d", POOL,
        {"input": [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]}, 422, ("body", "input"),
        "rectangular"),
    bad("ragged upstream gradient", "ragged", "/api/pool2d/backward", POOL,
        {"grad_output": [[1, 1], [1]]}, 422, ("body", "grad_output"), "ragged"),
    # -- empty -------------------------------------------------------------------------------
    bad("empty input", "empty", "/api/conv2d", CONV, {"input": []}, 422, ("body", "input"),
        "2-D or 3-D"),
    bad("empty rows", "empty", "/api/pool2d", POOL, {"input": [[], []]}, 422,
        ("body", "input"), "empty"),
    bad("empty bias list", "empty", "/api/conv2d", CONV, {"bias": []}, 422, ("body", "bias"),
        "at least 1"),
    raw("empty body", "empty", "/api/conv2d", b"", 422, ("body",), "required"),
    bad("missing kernel", "empty", "/api/conv_transpose2d", TRANSPOSED, {"kernel": None}, 422,
        ("body", "kernel"), "Field required"),
    # -- huge --------------------------------------------------------------------------------
    bad("input over max_input_cells", "huge", "/api/conv2d", CONV,
        {"input": [[0] * _BIG_SIDE] * _BIG_SIDE, "kernel": [[1]], "trace": False},
        413, ("body", "input"), "max_input_cells"),
    bad("channels over max_channels", "huge", "/api/pool2d", POOL,
        {"input": [[[1]]] * (LIMITS.max_channels + 1), "kernel_size": 1}, 413,
        ("body", "input"), "max_channels"),
    bad("kernel over max_kernel_cells", "huge", "/api/conv2d", CONV,
        {"input": [[1]], "kernel": [[1] * 257] * 257, "padding": 128}, 413,
        ("body", "kernel"), "max_kernel_cells"),
    bad("filters over max_filters", "huge", "/api/conv2d", CONV,
        {"input": [[1]], "kernel": [[[[1]]]] * (LIMITS.max_filters + 1)}, 413,
        ("body", "kernel"), "max_filters"),
    bad("work over max_multiply_adds", "huge", "/api/conv2d", CONV,
        {"input": [[1] * 300] * 300, "kernel": [[1] * 100] * 100}, 413,
        ("body", "kernel"), "max_multiply_adds"),
    bad("pooling windows over max_window_cells", "huge", "/api/pool2d", POOL,
        {"input": [[0] * 330] * 330, "kernel_size": 13, "stride": 1}, 413,
        ("body", "kernel_size"), "max_window_cells"),
    bad("padding over max_padding", "huge", "/api/conv_transpose2d", TRANSPOSED,
        {"padding": LIMITS.max_padding + 1}, 422, ("body", "padding"),
        f"less than or equal to {LIMITS.max_padding}"),
    bad("trace page over max_trace_steps", "huge", "/api/conv2d", CONV,
        {"trace": {"start": 0, "limit": LIMITS.max_trace_steps + 1}}, 422,
        ("body", "trace", "limit"), f"less than or equal to {LIMITS.max_trace_steps}"),
    bad("input size over the shape limit", "huge", "/api/shape", SHAPE,
        {"input_size": 10_000}, 422, ("body", "input_size"), "less than or equal to"),
    raw("a pasted 10,000 × 10,000 matrix", "huge", "/api/conv2d",
        b'{"input": [[' + b"7," * 30_000, 413, ("body",), "max_body_bytes",
        transport="announced", declared=2 * 10_000 * 10_000 + 40),
    raw("nesting 100,000 deep", "huge", "/api/conv2d",
        b'{"input": ' + b"[" * 100_000 + b"]" * 100_000 + b', "kernel": [[1]]}', 422,
        ("body",), "not valid JSON"),
    raw("a 5,000-digit number", "huge", "/api/conv2d",
        b'{"input": [[' + b"9" * 5000 + b']], "kernel": [[1]]}', 422, ("body",),
        "not valid JSON"),
    # -- non-finite --------------------------------------------------------------------------
    raw("NaN cell", "non-finite", "/api/conv2d",
        b'{"input": [[1, NaN]], "kernel": [[1]]}', 422, ("body", "input", 0, 1), "finite"),
    raw("Infinity in the kernel", "non-finite", "/api/conv_transpose2d",
        b'{"input": [[1]], "kernel": [[1, Infinity]]}', 422, ("body", "kernel", 0, 1),
        "finite"),
    raw("-Infinity bias", "non-finite", "/api/conv2d",
        b'{"input": [[1]], "kernel": [[1]], "bias": -Infinity}', 422, ("body", "bias"),
        "finite"),
    raw("1e309 overflows to infinity", "non-finite", "/api/pool2d",
        b'{"input": [[1e309, 1]], "kernel_size": 1}', 422, ("body", "input", 0, 0), "finite"),
    bad("products that overflow", "non-finite", "/api/conv2d", CONV,
        {"input": [[1e300, 1e300]], "kernel": [[1e300, 1]]}, 422, ("body", "input"),
        "overflows"),
    bad("a kernel whose products overflow", "non-finite", "/api/conv2d", CONV,
        {"input": [[1, 2]], "kernel": [[1e308, 1e308]]}, 422, ("body", "kernel"), "overflows"),
    bad("an average that overflows", "non-finite", "/api/pool2d", POOL,
        {"input": [[1.7e308, 1.7e308]], "kernel_size": [1, 2], "mode": "avg"}, 422,
        ("body", "input"), "overflows"),
    bad("an equivalent trace page past the end", "huge", "/api/conv_transpose2d", TRANSPOSED,
        {"equivalent_trace": {"start": 100}}, 422, ("body", "equivalent_trace"), "outside"),
    bad("a kernel size over the input size", "wrong length", "/api/shape", SHAPE,
        {"kernel_size": 6}, 422, ("body", "kernel_size"), "kernel_size"),
    raw("NaN upstream gradient", "non-finite", "/api/pool2d/backward",
        b'{"input": [[1, 2], [3, 4]], "kernel_size": 2, "grad_output": [[NaN]]}', 422,
        ("body", "grad_output", 0, 0), "finite"),
    # -- negative ----------------------------------------------------------------------------
    bad("negative padding", "negative", "/api/conv2d", CONV, {"padding": -1}, 422,
        ("body", "padding"), "greater than or equal to 0"),
    bad("negative stride in a pair", "negative", "/api/pool2d", POOL, {"stride": [1, -2]}, 422,
        ("body", "stride", 1), "greater than or equal to 1"),
    bad("zero dilation", "negative", "/api/conv_transpose2d", TRANSPOSED, {"dilation": 0}, 422,
        ("body", "dilation"), "greater than or equal to 1"),
    bad("negative unpooling index", "negative", "/api/max_unpool2d", UNPOOL,
        {"indices": [[5, 7], [13, -1]]}, 422, ("body", "indices"), "outside"),
    bad("negative output_padding", "negative", "/api/shape", SHAPE,
        {"op": "conv_transpose2d", "output_padding": -1}, 422, ("body", "output_padding"),
        "greater than or equal to 0"),
    bad("zero groups", "negative", "/api/conv2d", CONV, {"groups": 0}, 422, ("body", "groups"),
        "greater than or equal to 1"),
    # -- wrong type --------------------------------------------------------------------------
    bad("a string cell", "wrong type", "/api/conv2d", CONV, {"input": [[1, "x"], [3, 4]]},
        422, ("body", "input", 0, 1), "number"),
    bad("a boolean as a stride", "wrong type", "/api/pool2d", POOL, {"stride": True}, 422,
        ("body", "stride"), "integer or [height, width]"),
    bad("a fractional stride", "wrong type", "/api/conv2d", CONV, {"stride": 1.5}, 422,
        ("body", "stride"), "integer"),
    bad("the matrix as text", "wrong type", "/api/conv2d", CONV, {"input": "1 2; 3 4"}, 422,
        ("body", "input"), "2-D or 3-D"),
    bad("an unknown pooling mode", "wrong type", "/api/pool2d", POOL, {"mode": "median"}, 422,
        ("body", "mode"), "'max'"),
    bad("an unknown operation", "wrong type", "/api/shape", SHAPE, {"op": "conv4d"}, 422,
        ("body", "op"), "conv2d"),
    bad("a fractional unpooling index", "wrong type", "/api/max_unpool2d", UNPOOL,
        {"indices": [[5, 7], [13, 1.5]]}, 422, ("body", "indices"), "whole numbers"),
    bad("trace as a word", "wrong type", "/api/conv_transpose2d", TRANSPOSED, {"trace": "yes"},
        422, ("body", "trace"), "true, false"),
    raw("a JSON array instead of an object", "wrong type", "/api/conv2d", b"[1, 2]", 422,
        ("body",), "an object"),
    raw("null body", "wrong type", "/api/pool2d", b"null", 422, ("body",), "an object"),
    # -- wrong length ------------------------------------------------------------------------
    bad("a stride of three numbers", "wrong length", "/api/conv2d", CONV, {"stride": [1, 1, 1]},
        422, ("body", "stride"), "at most 2"),
    bad("one bias per filter, miscounted", "wrong length", "/api/conv2d", CONV, {"bias": [1, 2]},
        422, ("body", "bias"), "one per output channel"),
    bad("upstream gradient of the wrong shape", "wrong length", "/api/pool2d/backward", POOL,
        {"grad_output": [[1, 2, 3], [4, 5, 6]]}, 422, ("body", "grad_output"),
        "output's shape"),
    bad("indices not shaped like the input", "wrong length", "/api/max_unpool2d", UNPOOL,
        {"indices": [[5, 7, 9], [13, 15, 1]]}, 422, ("body", "indices"), "shape"),
    bad("kernel channels that do not match", "wrong length", "/api/conv2d", CONV,
        {"input": [[[1, 2], [3, 4]]] * 2, "kernel": [[[[1]]] * 3]}, 422, ("body", "kernel"),
        "needs 2"),
    bad("a kernel larger than the padded input", "wrong length", "/api/conv2d", CONV,
        {"kernel": [[1] * 4] * 4}, 422, ("body", "kernel"), "padded input"),
    # -- unknown field -----------------------------------------------------------------------
    bad("'weight' instead of 'kernel'", "unknown field", "/api/conv2d", CONV,
        {"weight": [[1]]}, 422, ("body", "weight"), "Extra inputs"),
    bad("an unknown field next to good ones", "unknown field", "/api/pool2d", POOL,
        {"return_indices": True}, 422, ("body", "return_indices"), "Extra inputs"),
    bad("an unknown key in the trace page", "unknown field", "/api/conv2d", CONV,
        {"trace": {"page": 2}}, 422, ("body", "trace", "page"), "Extra inputs"),
    bad("an unknown field on unpooling", "unknown field", "/api/max_unpool2d", UNPOOL,
        {"mode": "max"}, 422, ("body", "mode"), "Extra inputs"),
    # -- malformed JSON ----------------------------------------------------------------------
    raw("a cut-off body", "malformed JSON", "/api/conv2d", b'{"input": [[1, 2]', 422,
        ("body",), "not valid JSON"),
    raw("single quotes", "malformed JSON", "/api/pool2d", b"{'input': [[1]], 'kernel_size': 1}",
        422, ("body",), "not valid JSON"),
    raw("a trailing comma", "malformed JSON", "/api/shape",
        b'{"op": "conv2d", "input_size": 5, "kernel_size": 3,}', 422, ("body",),
        "not valid JSON"),
    raw("bytes that are not UTF-8", "malformed JSON", "/api/conv2d", b"\xff\xfe\x00garbage",
        422, ("body",), "not valid JSON"),
    # -- wrong content type ------------------------------------------------------------------
    raw("JSON sent as text/plain", "wrong content type", "/api/conv2d", _json(CONV), 415,
        ("header", "content-type"), "application/json", content_type="text/plain"),
    raw("curl -d without a content type (a form)", "wrong content type", "/api/pool2d",
        _json(POOL), 415, ("header", "content-type"), "x-www-form-urlencoded",
        content_type="application/x-www-form-urlencoded"),
    raw("no content type at all", "wrong content type", "/api/shape", _json(SHAPE), 415,
        ("header", "content-type"), "none was given", content_type=None),
    # A form or a multipart upload needs no CORS preflight: any page could post one.
    raw("a multipart form (no preflight)", "wrong content type", "/api/conv2d",
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n{}\r\n--x--\r\n', 415,
        ("header", "content-type"), "multipart/form-data",
        content_type="multipart/form-data; boundary=x"),
    raw("a vendor +json type", "wrong content type", "/api/shape", _json(SHAPE), 415,
        ("header", "content-type"), "application/json", content_type="application/ld+json"),
    # -- oversized body ----------------------------------------------------------------------
    raw("a body over max_body_bytes", "oversized body", "/api/conv2d",
        b'{"input": [[' + b"1," * (_MB // 2) + b'1]], "kernel": [[1]]}', 413, ("body",),
        "max_body_bytes"),
    raw("a Content-Length over the limit, body never sent", "oversized body", "/api/pool2d",
        b"", 413, ("body",), "max_body_bytes", transport="announced", declared=_MB + 1),
    raw("a chunked body that never ends", "oversized body", "/api/conv_transpose2d",
        b'{"input": [[' + b"1," * (_MB // 2 + 4096), 413, ("body",), "max_body_bytes",
        transport="chunked"),
]

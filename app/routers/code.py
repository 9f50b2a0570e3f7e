"""POST /api/code: the PyTorch and NumPy code that reproduces a view's output."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from app import code, code_network, code_pipeline
from app.jsonroute import JsonBodyRoute
from app.limits import check_limit
from app.schemas.code import CodeRequest
from app.schemas.common import ERROR_RESPONSES
from app.schemas.conv import Conv2dRequest
from app.schemas.matrix import BackwardRequest
from app.schemas.network import NetworkRequest
from app.schemas.pipeline import PipelineRequest
from app.schemas.pool import Pool2dRequest
from app.schemas.signal import Conv1dRequest
from app.schemas.transposed import ConvTranspose2dRequest
from app.schemas.volume import Conv3dRequest
from app.serialize import json_response
from engine.errors import InputError

router = APIRouter(prefix="/api", tags=["code"], route_class=JsonBodyRoute)

_VIEWS: dict[str, tuple[type[BaseModel], Any]] = {
    "conv2d": (Conv2dRequest, code.conv2d),
    "conv2d/backward": (BackwardRequest, code.conv2d_backward),
    "conv_transpose2d": (ConvTranspose2dRequest, code.conv_transpose2d),
    "pool2d": (Pool2dRequest, code.pool2d),
    "pipeline": (PipelineRequest, code_pipeline.pipeline),
    "conv1d": (Conv1dRequest, code.conv1d),
    "conv3d": (Conv3dRequest, code.conv3d),
    "network": (NetworkRequest, code_network.network),
}


def _numbers(value: Any) -> int:
    """How many numbers a JSON value holds (the tensors a snippet writes out)."""
    if isinstance(value, list):
        return sum(_numbers(v) for v in value)
    if isinstance(value, dict):
        return sum(_numbers(v) for v in value.values())
    return 1


def _snippets(request: CodeRequest) -> dict[str, str]:
    model, make = _VIEWS[request.view]
    check_limit(("request",), "the numbers the snippet would write out",
                _numbers(request.request), "max_code_numbers")
    try:
        parsed = model.model_validate(request.request)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", "request", *e["loc"])}
                                      for e in error.errors()]) from None
    try:
        snippets: dict[str, str] = make(parsed)
    except InputError as error:  # the request's own fault: named under "request"
        error.loc = ("request", *getattr(error, "loc", (error.field,)))  # type: ignore[attr-defined]
        raise
    return snippets


@router.post("/code", responses=ERROR_RESPONSES, summary="The code behind a view")
async def code_endpoint(request: CodeRequest) -> Response:
    """For a view's request, a runnable PyTorch snippet (torch.nn.functional with the
    tensors written out) and a NumPy one (the same by loops over the output, as the view
    steps through it; the pipeline's, each operation as a function of such loops) that
    print the output as JSON (the pipeline: every stage's; the network's stack is torch.nn
    code only, printing its output shape and parameter count)."""
    snippets = await run_in_threadpool(_snippets, request)
    return json_response({"view": request.view, **snippets})

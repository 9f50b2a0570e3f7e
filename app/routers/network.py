"""Whole networks: every layer's shape, parameters, multiply-adds and receptive field."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response

from app.jsonroute import JsonBodyRoute
from app.schemas.common import ERROR_RESPONSES
from app.schemas.network import NetworkRequest, NetworkResponse, NetworksResponse
from app.serialize import json_response
from engine.errors import InputError
from engine.network import analyze
from engine.network.presets import PRESETS

router = APIRouter(prefix="/api", tags=["networks"], route_class=JsonBodyRoute)

_LIST = orjson.dumps({"networks": [
    {"name": name, "title": p["title"], "input_shape": p["input_shape"],
     "reference": p["reference"], "note": p["note"], "layers": p["layers"]}
    for name, p in PRESETS.items()]})


@router.get("/networks", response_model=NetworksResponse, summary="The network presets")
async def networks() -> Response:
    """LeNet-5, AlexNet (the paper's and torchvision's), VGG-11, VGG-16, ResNet-18/34/50
    and MobileNet v1, each with its source and its stack as POST /api/network takes it."""
    return Response(_LIST, media_type="application/json")


@router.post("/network", response_model=NetworkResponse, responses=ERROR_RESPONSES,
             summary="A network, layer by layer")
async def network(request: NetworkRequest) -> Response:
    """Walk a stack of layers (or a preset) and answer, per leaf layer in execution order,
    the input and output shape, parameters, multiply-adds (MACs), FLOPs (2 × MACs), other
    operations and the receptive field of one output cell (Araujo et al.'s recurrences:
    size, effective stride, effective padding), each with its formula and the numbers
    substituted; then the totals. An impossible stack (a kernel larger than its input, a
    residual whose branches disagree, linear before flatten) is a 422 naming the layer by
    its path, with the shapes."""
    meta = {"preset": None, "title": "Custom network", "reference": "", "note": ""}
    if request.preset is not None:
        if request.preset not in PRESETS:
            raise InputError("preset", f"no preset {request.preset!r}: one of "
                                       f"{', '.join(PRESETS)}")
        p = PRESETS[request.preset]
        meta = {"preset": request.preset, "title": p["title"], "reference": p["reference"],
                "note": p["note"]}
        shape, layers = request.input_shape or p["input_shape"], p["layers"]
    else:
        shape, layers = request.input_shape, request.layers
    return json_response({**meta, **analyze(shape, layers)})  # a LayerError is a 422

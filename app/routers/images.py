"""GET /api/images and /api/images/{name}: the sample pictures as matrices."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from app import images
from app.schemas.common import ERROR_RESPONSES, ErrorResponse
from app.serialize import json_response

router = APIRouter(prefix="/api", tags=["images"])
_RESPONSES: dict[int | str, dict[str, object]] = {
    422: ERROR_RESPONSES[422],
    404: {"model": ErrorResponse, "description": "No sample picture of that name."}}


@router.get("/images", summary="The sample pictures")
async def list_images() -> Response:
    """Each sample picture's name, title, kind (photograph, portrait, object, synthetic),
    credit and licence, and the sizes it can be asked for."""
    return json_response({"images": images.catalogue(),
                          "size": {"min": images.MIN_SIZE, "max": images.MAX_SIZE,
                                   "default": 128}, "modes": ["gray", "rgb"]})


@router.get("/images/{name}", responses=_RESPONSES, summary="A sample picture as a matrix")
async def image(name: str = Path(description="One of GET /api/images' names.",
                                 examples=["camera"]),
                size: int = Query(128, ge=images.MIN_SIZE, le=images.MAX_SIZE,
                                  description="Rows and columns."),
                mode: Literal["gray", "rgb"] = Query("gray", description="gray: one channel "
                                                     "(ITU-R 601 luma); rgb: three.")
                ) -> Response:
    """The picture scaled to `size` × `size` (a photograph is cropped to a square first)
    as `input` (C, H, W) of whole numbers 0–255, ready for POST /api/pipeline or
    /api/conv2d."""
    if name not in images.IMAGES:
        raise HTTPException(404, f"no sample picture {name[:60]!r}; they are "
                                 f"{', '.join(images.IMAGES)} (GET /api/images)")
    pixels = await run_in_threadpool(images.load, name, size, mode)
    return json_response({"name": name, "mode": mode, "shape": list(pixels.shape),
                          "input": pixels.tolist()})

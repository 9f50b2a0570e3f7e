"""HTML pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.paths import TEMPLATES
from engine.presets import EXAMPLES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES)


@router.get("/", response_class=HTMLResponse)
async def lab(request: Request) -> HTMLResponse:
    """The convolution lab; its JSON twin is POST /api/conv2d (linked from the page)."""
    return templates.TemplateResponse(request, "lab.html", {"examples": EXAMPLES})

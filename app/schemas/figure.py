"""Request model of POST /api/figure."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Whole


class FigureRequest(BaseModel):
    """A view, its request and a step: that step's stage as a picture."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"view": "conv2d", "format": "svg", "step": 0, "theme": "light", "request": {
            "input": [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
                      [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]],
            "kernel": [[1, 2, 2], [2, 1, 2], [2, 2, 1]], "stride": 3}}]})

    view: Literal["conv1d", "conv2d", "conv3d", "conv_transpose2d", "pool2d", "max_unpool2d",
                  "conv2d/matrix", "conv2d/backward", "network", "pipeline"] = Field(
        description="The endpoint whose request this is (POST /api/<view>).")
    request: dict[str, Any] = Field(description="Its body, exactly as that endpoint takes it "
                                                "(its trace is set by the figure).")
    step: Whole = Field(0, ge=0, description="The step drawn (0-based, as the trace's start: "
                                             "step 0 is the page's \"Step 1\"); a network's "
                                             "layer, a pipeline's stage. Not for gif.")
    format: Literal["svg", "png", "gif", "tikz"] = Field(
        "svg", description="svg (text as text), png, gif (every step, one frame each, at "
                           "most max_figure_frames) or tikz (a standalone LaTeX document "
                           "for pdflatex).")
    theme: Literal["light", "dark", "print"] = Field(
        "light", description="The page's light or dark colours, or print: black on white, "
                             "no data colours.")
    scale: float | None = Field(None, ge=0.5, le=4.0, description=(
        "Pixels per CSS pixel of png and gif; absent: 2 for png (sharp on a projector), "
        "1 for gif (a GIF of every step is large). All frames together are at most "
        "max_figure_pixels."))
    frame_ms: Whole = Field(800, ge=50, le=10_000, description="How long a gif shows a step.")

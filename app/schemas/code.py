"""Request model of POST /api/code."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

VIEWS = ("conv2d", "conv2d/backward", "conv_transpose2d", "pool2d", "pipeline")


class CodeRequest(BaseModel):
    """A view and its request: the code that computes the same."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"view": "conv2d", "request": {"input": [[3, 2, 7], [4, 1, 1], [8, 2, 0]],
                                       "kernel": [[1, 2], [2, 1]]}}]})

    view: Literal["conv1d", "conv2d", "conv3d", "conv2d/backward", "conv_transpose2d", "pool2d",
                  "pipeline", "network"] = Field(
        description="The endpoint whose request this is (POST /api/<view>).")
    request: dict[str, Any] = Field(description="Its body, exactly as that endpoint takes it.")

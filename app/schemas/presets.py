"""Response model of GET /api/presets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Example(BaseModel):
    """A worked example of a lecture deck, ready to send to its endpoint."""

    id: str
    name: str
    deck: str = Field(description="Lecture deck number (000 … 004).")
    description: str
    op: str = Field(description="Endpoint: POST /api/{op}.")
    params: dict[str, Any] = Field(description="Request body for that endpoint.")
    expected_output: list[Any] | None = Field(description="The output the slide states.")


class NamedKernel(BaseModel):
    """A classic image kernel."""

    id: str
    name: str
    kernel: list[list[float]]


class PresetsResponse(BaseModel):
    examples: list[Example]
    kernels: list[NamedKernel]

"""Convolution as a matrix (C, im2col) and the backward pass."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["matrix"])

"""Whole networks: shapes, parameters, multiply-adds and receptive fields, layer by layer,
each count with its formula (walk.py), for stacks given in PyTorch's nn names (layers.py)
or taken from the presets (presets.py)."""

from engine.network.counts import CONVENTION
from engine.network.layers import LayerError
from engine.network.walk import analyze

__all__ = ["CONVENTION", "LayerError", "analyze"]

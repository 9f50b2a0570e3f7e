"""convviz engine: convolution arithmetic in pure NumPy, step by step.

Imports only the standard library and NumPy, so it works in a notebook.
"""

from engine.conv import (
                         Conv2dPlan,
                         Conv2dResult,
                         ConvTrace,
                         conv2d,
                         conv2d_trace,
                         plan_conv2d,
                         run_conv2d,
)
from engine.errors import InputError
from engine.geometry import AxisArithmetic, conv_axis, pool_axis, transposed_axis

__all__ = [
    "AxisArithmetic", "Conv2dPlan", "Conv2dResult", "ConvTrace", "InputError", "conv2d",
    "conv2d_trace", "conv_axis", "plan_conv2d", "pool_axis", "run_conv2d", "transposed_axis",
]

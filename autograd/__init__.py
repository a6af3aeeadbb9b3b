"""autograd: reverse-mode automatic differentiation on scalars (Value) and arrays (Tensor).

One engine walks any graph backward; each op's derivative rule sits beside its
forward, written in ops that floats, ndarrays, Values and Tensors all understand,
so gradients of gradients come for free.
"""

from .engine import enable_grad, is_grad_enabled, no_grad
from .primitive import Primitive, primitive
from .value import Value, dot, sum_values

__all__ = [
    "Primitive",
    "Value",
    "dot",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "primitive",
    "sum_values",
]

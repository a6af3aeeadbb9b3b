"""autograd: reverse-mode automatic differentiation on scalars (Value) and arrays (Tensor).

One engine walks any graph backward; each op's derivative rule sits beside its
forward, written in ops that floats, ndarrays, Values and Tensors all understand,
so gradients of gradients come for free.
"""

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .engine import enable_grad, is_grad_enabled, no_grad
from .functional import grad, hessian, hvp, jacobian, value_and_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .node import Node
from .primitive import Primitive, primitive
from .profiler import profile
from .steps import backward_steps
from .tensor import Tensor, concatenate, maximum, minimum, stack, where
from .value import Value, dot, neuron, sum_values
from .viz import draw_graph

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "Node",
    "Primitive",
    "Tensor",
    "Value",
    "backward_steps",
    "concatenate",
    "detect_anomaly",
    "dot",
    "draw_graph",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "jacobian",
    "maximum",
    "minimum",
    "neuron",
    "no_grad",
    "primitive",
    "profile",
    "stack",
    "sum_values",
    "value_and_grad",
    "where",
]

"""autograd: reverse-mode automatic differentiation on scalars (Value) and arrays (Tensor).

One engine walks any graph backward; each op's derivative rule sits beside its
forward, written in ops that floats, ndarrays, Values and Tensors all understand,
so gradients of gradients come for free.
"""

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .compare import compare_grads
from .engine import enable_grad, is_grad_enabled, no_grad
from .forward import jacfwd, jacrev, jvp
from .functional import grad, hessian, hvp, jacobian, value_and_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .hooks import RemovableHandle
from .node import Node
from .primitive import Primitive, primitive
from .profiler import profile
from .steps import backward_steps
from .tensor import (
    Tensor,
    numpy_argument,
    concatenate,
    einsum,
    hstack,
    logaddexp,
    maximum,
    minimum,
    outer,
    split,
    stack,
    tensordot,
    vstack,
    where,
)
from .value import Value, dot, neuron, sum_values
from .versions import increment_version
from .viz import draw_graph

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "Node",
    "Primitive",
    "RemovableHandle",
    "Tensor",
    "Value",
    "backward_steps",
    "compare_grads",
    "concatenate",
    "detect_anomaly",
    "dot",
    "draw_graph",
    "einsum",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hstack",
    "hvp",
    "increment_version",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "logaddexp",
    "maximum",
    "minimum",
    "neuron",
    "no_grad",
    "numpy_argument",
    "outer",
    "primitive",
    "profile",
    "split",
    "stack",
    "sum_values",
    "tensordot",
    "value_and_grad",
    "vstack",
    "where",
]

"""autograd: reverse-mode automatic differentiation on scalars (Value) and arrays (Tensor).

One engine walks any graph backward; each op's derivative rule sits beside its
forward, written in ops that floats, ndarrays, Values and Tensors all understand,
so gradients of gradients come for free.
"""

from .core.engine import enable_grad, is_grad_enabled, no_grad
from .core.node import Node
from .core.versions import increment_version
from .drawing.draw import draw_graph
from .instruments.anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .instruments.backward_steps import backward_steps
from .instruments.hooks import RemovableHandle
from .instruments.profiler import profile
from .tensor import (
    Tensor,
    batch_norm,
    concatenate,
    conv2d,
    conv2d_weight,
    conv_transpose2d,
    einsum,
    hstack,
    linear,
    logaddexp,
    max_pool2d,
    maximum,
    minimum,
    numpy_argument,
    outer,
    split,
    stack,
    tensordot,
    vstack,
    where,
)
from .transforms.compare_grads import compare_grads
from .transforms.forward_mode import jacfwd, jacrev, jvp
from .transforms.gradcheck import GradcheckError, gradcheck, gradgradcheck
from .transforms.primitive import Primitive, primitive
from .transforms.reverse_mode import grad, hessian, hvp, jacobian, value_and_grad
from .value import Value, dot, neuron, sum_values

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "Node",
    "Primitive",
    "RemovableHandle",
    "Tensor",
    "Value",
    "backward_steps",
    "batch_norm",
    "compare_grads",
    "concatenate",
    "conv2d",
    "conv2d_weight",
    "conv_transpose2d",
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
    "linear",
    "hvp",
    "increment_version",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "logaddexp",
    "max_pool2d",
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

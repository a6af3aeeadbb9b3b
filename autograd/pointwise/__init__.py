"""The ops Value and Tensor share: arithmetic and the elementwise functions, each declared once.

An entry gives the forward on a float (Value's: a forward with no real answer
raises ValueError naming the op), the forward on an ndarray (Tensor's, and the
tests' reference) and one derivative rule, written with operators and
``autograd.vocabulary`` so it runs on floats, ndarrays, Values and Tensors. Value
and Tensor build their methods from these entries (``value.py``,
``tensor/arithmetic.py``, ``tensor/elementwise.py``); a binary op gives one gradient per operand at the
result's shape, and each class adds what its payload needs (Tensor sums a
broadcast operand's gradient back to its shape).
"""

from . import arithmetic, functions  # noqa: F401  (each declares its ops in the table)
from .declare import binary, binary_rules, bind_params, params_signature, shared, unary

__all__ = ["binary", "binary_rules", "bind_params", "params_signature", "shared", "unary"]

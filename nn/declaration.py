"""What the bridges, the exporter and the monitor need to know about a layer, declared once on its class.

Each layer class of nn carries ``declaration = Declaration(...)``: its PyTorch
counterpart and how its settings and state translate both ways, its ONNX lowering,
and its role for the training monitor. ``to_torch``, ``from_torch``, ``export_onnx``
and ``fit(monitor=True)`` read these declarations and nothing else, so a layer is
described in one place (PyTorch's modules carry ``__constants__``; its ONNX
exporter reads one symbolic per op).
"""

from dataclasses import dataclass
from typing import Callable, Optional

ACTIVATION_ROLES = ("relu", "positive", "sigmoid", "tanh")  # how the monitor reads an activation's output


@dataclass(frozen=True)
class Declaration:
    """A layer class's facts for the bridges and the monitor (every field optional: absent means "none").

    - ``torch``: the name in ``torch.nn`` of the counterpart ("Linear"); None when there is none.
    - ``to_torch(module) -> dict``: the counterpart's constructor arguments (the bridge adds ``dtype=``
      for a layer with state, and copies the state).
    - ``from_torch(cls, torch_layer, dtype) -> module``: our layer (of class ``cls``, the declaring
      class) with the torch layer's settings (its state is copied after); raises ``Unsupported``
      for a setting we do not have.
    - ``transposed``: the ``state_dict()`` names PyTorch holds transposed (Linear's weight).
    - ``torch_only``: state PyTorch has and we do not keep (BatchNorm's ``num_batches_tracked``).
    - ``onnx(graph, module, current, position) -> output``: the ONNX nodes of one call.
    - ``reads``: what the layer takes first in a model: "features" (the last axis), "images"
      (N, C, H, W: batch, height and width dynamic in ONNX) or "indices" (an int64 ONNX input).
    - ``activation``: the monitor's role, one of ``ACTIVATION_ROLES``: "relu" (output >= 0; a unit is
      active where it is > 0), "positive" (active where the output is > 0, of any sign), "sigmoid" and
      "tanh" (saturated where the derivative read from the output is under 1e-3).
    - ``activation_name``: the name ``MLP(activation=...)`` knows the layer by ("relu").
    - ``container``: a sequence of layers (Sequential, MLP), translated layer by layer.
    - ``what``: for a Module that is not a layer of a model (a loss), what it is, for error messages.
    - ``inherited``: subclasses share this declaration (for families like the losses); otherwise a
      subclass, whose ``forward`` may compute something else, declares its own or has none.
    """

    torch: Optional[str] = None
    to_torch: Optional[Callable] = None
    from_torch: Optional[Callable] = None
    transposed: tuple = ()
    torch_only: tuple = ()
    onnx: Optional[Callable] = None
    reads: str = "features"
    activation: Optional[str] = None
    activation_name: Optional[str] = None
    container: bool = False
    what: str = ""
    inherited: bool = False

    def __post_init__(self):
        if self.activation is not None and self.activation not in ACTIVATION_ROLES:
            raise ValueError(f"Declaration: activation must be one of {ACTIVATION_ROLES}, got {self.activation!r}")
        if self.reads not in ("features", "images", "indices"):
            raise ValueError(f"Declaration: reads must be 'features', 'images' or 'indices', got {self.reads!r}")


class Unsupported(ValueError):
    """Raised by a ``from_torch`` declaration for a torch layer's ``setting`` that our layer has not."""

    def __init__(self, setting, accepted):
        super().__init__(f"{setting}; accepted: {accepted}")
        self.setting, self.accepted = setting, accepted


def declaration_of(cls):
    """The Declaration ``cls`` states itself (or inherits from a family that shares it), or None."""
    own = vars(cls).get("declaration")
    if isinstance(own, Declaration):
        return own
    for base in cls.__mro__[1:]:
        inherited = vars(base).get("declaration")
        if isinstance(inherited, Declaration) and inherited.inherited:
            return inherited
    return None


def activation_role(cls):
    """The monitor role of a module class: its own declaration's, else the nearest base class's (a ReLU
    subclass is watched as a ReLU)."""
    for base in cls.__mro__:
        declared = vars(base).get("declaration")
        if isinstance(declared, Declaration) and declared.activation is not None:
            return declared.activation
    return None

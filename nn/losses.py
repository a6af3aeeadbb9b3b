"""Loss modules: each wraps its function in ``nn.functional`` with a fixed ``reduction``.

    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(logits, labels)      # a 0-d Tensor; loss.backward()
"""

from . import functional as F
from .declaration import Declaration
from .module import Module


class _Loss(Module):
    """A loss with ``reduction`` "mean" (default), "sum" or "none"."""

    _function = None
    declaration = Declaration(what="a loss (it scores a model's output; it is not a layer of the model)",
                              inherited=True)

    def __init__(self, reduction="mean"):
        self.reduction = F._check_reduction(reduction, type(self).__name__)

    def forward(self, prediction, target):
        return type(self)._function(prediction, target, self.reduction, _where=type(self).__name__)

    @property
    def decision_threshold(self):
        """Where a one-column prediction decides between the classes (0.5 for probabilities, 0 for logits),
        or None for a loss that does not classify (MSELoss, L1Loss)."""
        return getattr(type(self)._function, "decision_threshold", None)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error (prediction - target)²; the mean is over every element."""

    _function = staticmethod(F.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error |prediction - target|."""

    _function = staticmethod(F.l1_loss)


class BCELoss(_Loss):
    """Binary cross-entropy -[y log p + (1 - y) log(1 - p)] on probabilities p (logs clamped to >= -100)."""

    _function = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits z: max(z, 0) - z·y + log(1 + e^-|z|), stable for any z."""

    _function = staticmethod(F.binary_cross_entropy_with_logits)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits (classes on the last axis) with integer labels or probability rows."""

    _function = staticmethod(F.cross_entropy)


class NLLLoss(_Loss):
    """Negative log-likelihood -log p[label] from log-probabilities (e.g. a LogSoftmax output)."""

    _function = staticmethod(F.nll_loss)


class HingeLoss(_Loss):
    """Binary max-margin loss max(0, 1 - y·score) for labels y = ±1."""

    _function = staticmethod(F.hinge_loss)

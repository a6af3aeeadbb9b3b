"""Activations and losses as functions (``import nn.functional as F``).

Every function is a composition of autograd ops: none holds a derivative, so
every gradient comes from the engine (and can be checked, drawn, differentiated
again).

Losses take ``(prediction, target, reduction="mean")`` with ``reduction`` one of
"mean" (over every element, as PyTorch; for the class losses over every
sample), "sum" or "none" (the per-element losses, shaped like the prediction).
Targets may be Tensors, ndarrays or lists. A prediction and its target must
have the same elements: equal shapes, or shapes that differ only by axes of
size 1 (a ``(N, 1)`` output with an ``(N,)`` target), never a broadcast.

Convolution and pooling on NCHW images: ``conv2d``, ``max_pool2d`` and
``avg_pool2d`` (from ``nn.convolution``).

The elementwise losses (mse, l1, hinge, binary cross-entropy with or without
logits) also take a Value prediction with a number target, or a list of Values
with a list of targets (the outputs of ``nn.scalar`` models); they then return
a Value (or, with "none", a list of Values).
"""

import math
import numbers

import numpy as np

from autograd import Tensor, Value, numpy_argument, sum_values

from .arrays import read_array
from .convolution import avg_pool2d, conv2d, max_pool2d  # noqa: F401  (part of nn.functional)
from .init import make_rng

REDUCTIONS = ("mean", "sum", "none")


# --- activations ------------------------------------------------------------------------


def _node(x, where):
    """A Value or Tensor as it is; an ndarray, list or number as a constant Tensor."""
    if isinstance(x, (Tensor, Value)):
        return x
    if isinstance(x, (np.ndarray, list, tuple, numbers.Real)) and not isinstance(x, bool):
        return Tensor(_real_array(x, where))
    raise TypeError(f"{where}: expected a Tensor, a Value, an ndarray or a list of numbers, got {type(x).__name__}")


def _tensor(x, where):
    node = _node(x, where)
    if isinstance(node, Value):
        raise TypeError(f"{where}: works on Tensors (it reads a whole axis), got a Value")
    return node


def _axis(axis, where):
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{where}: axis must be an int, got {type(axis).__name__} {axis!r}")
    return int(axis)


def relu(x):
    """max(x, 0) elementwise; d/dx = 1 where x > 0, else 0."""
    return _node(x, "relu").relu()


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else negative_slope·x; d/dx = 1 or negative_slope."""
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(f"leaky_relu: negative_slope must be a real number, got {type(negative_slope).__name__}")
    return _node(x, "leaky_relu").leaky_relu(float(negative_slope))


def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x); d/dx = σ(x)(1 - σ(x))."""
    return _node(x, "sigmoid").sigmoid()


def tanh(x):
    """tanh x; d/dx = 1 - tanh² x."""
    return _node(x, "tanh").tanh()


def identity(x):
    """x itself."""
    return _node(x, "identity")


def softmax(x, axis=-1, *, dim=None):
    """e^xᵢ / Σⱼ e^xⱼ along ``axis`` (PyTorch's ``dim``), stable: finite for any finite x; rows sum to 1."""
    axis = numpy_argument("softmax", "axis", axis, -1, dim=dim)
    return _tensor(x, "softmax").softmax(axis=_axis(axis, "softmax"))


def log_softmax(x, axis=-1, *, dim=None):
    """xᵢ - log Σⱼ e^xⱼ along ``axis`` (PyTorch's ``dim``), computed stably."""
    axis = numpy_argument("log_softmax", "axis", axis, -1, dim=dim)
    return _tensor(x, "log_softmax").log_softmax(axis=_axis(axis, "log_softmax"))


def dropout(x, p=0.5, training=True, rng=None):
    """Inverted dropout: with ``training``, zero each element with probability ``p`` and scale the
    rest by 1/(1 - p) (a constant mask, so the gradient is the same mask); else ``x`` itself.
    ``p = 1`` zeroes everything (and every gradient), as in PyTorch."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"dropout: p must be a number in [0, 1], got {type(p).__name__} {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be in [0, 1] (the probability of zeroing an element), got {p}")
    x = _tensor(x, "dropout")
    if not training or p == 0:
        return x
    if p == 1:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = make_rng(rng, "dropout(rng=...)").random(x.shape) >= p
    return x * (keep / (1.0 - p)).astype(x.dtype)


# --- checking inputs -------------------------------------------------------------------


def _real_array(x, where, what="input"):
    """``x`` read as an array (``read_array``'s errors), integers and bools as float64."""
    array = read_array(x, where, f"the {what}")
    if array.dtype.kind in "biu":
        array = array.astype(np.float64)
    return array


def _check_reduction(reduction, where):
    if not isinstance(reduction, str):
        raise TypeError(f"{where}: reduction must be a str, got {type(reduction).__name__}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")
    return reduction


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _empty_batch(shape, where):
    """The ValueError for a prediction with no elements: a loss over no samples has no value (mean 0/0)."""
    return ValueError(f"{where}: the batch is empty (a prediction of shape {tuple(shape)}); a loss needs at least "
                      "one sample")


def _describe_range(data):
    return f"values from {data.min():.6g} to {data.max():.6g}"


def _same_elements(prediction_shape, target, where):
    """``target`` (an ndarray or Tensor) shaped like the prediction, or a ValueError."""
    shape = tuple(target.shape)
    if shape == prediction_shape:
        return target
    squeezed = tuple(n for n in shape if n != 1)
    if squeezed == tuple(n for n in prediction_shape if n != 1):
        return target.reshape(prediction_shape)
    raise ValueError(
        f"{where}: the prediction has shape {prediction_shape} and the target shape {shape}; "
        "they must hold the same elements (equal shapes, up to axes of size 1), not broadcast"
    )


def _elementwise_target(target, prediction, where):
    """The target of an elementwise loss on a Tensor prediction: a Tensor (kept) or an ndarray."""
    if isinstance(target, Tensor):
        return _same_elements(prediction.shape, target, where)
    if isinstance(target, Value):
        raise TypeError(f"{where}: cannot pair a Tensor prediction with a Value target; use a Tensor or an array")
    array = _real_array(target, where, "target")
    if prediction.dtype.kind == "f":
        array = array.astype(prediction.dtype, copy=False)
    return _same_elements(prediction.shape, array, where)


def _target_data(target):
    return target.data if isinstance(target, Tensor) else target


# --- scalar predictions (Values) -----------------------------------------------------


def _as_value_target(target, where):
    if isinstance(target, Value):
        return target
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        if getattr(target, "ndim", None) == 0 or (isinstance(target, np.ndarray) and target.size == 1):
            return float(np.asarray(target).reshape(()))
        raise TypeError(f"{where}: a Value prediction needs a number or a Value target, got {type(target).__name__}")
    return float(target)


def _value_loss(prediction, target, elementwise, reduction, where, check=None):
    """An elementwise loss on a Value, or on a list of Values with a list of targets."""
    if isinstance(prediction, Value):
        target = _as_value_target(target, where)
        if check is not None:
            check(np.array([prediction.data]), np.array([_payload(target)]))
        return elementwise(prediction, target)
    predictions = list(prediction)
    if isinstance(target, Tensor):
        target = target.data
    if isinstance(target, np.ndarray):
        targets = list(target.reshape(-1))
    elif isinstance(target, (list, tuple)):
        targets = list(target)
    else:
        raise TypeError(f"{where}: a list of Value predictions needs a list of targets, got {type(target).__name__}")
    if len(targets) != len(predictions):
        raise ValueError(f"{where}: {len(predictions)} predictions but {len(targets)} targets")
    if not predictions:
        raise ValueError(f"{where}: needs at least one prediction, got an empty list")
    targets = [_as_value_target(t, where) for t in targets]
    if check is not None:
        check(np.array([p.data for p in predictions]), np.array([_payload(t) for t in targets]))
    losses = [elementwise(p, t) for p, t in zip(predictions, targets)]
    if reduction == "none":
        return losses
    total = sum_values(losses)
    return total * (1.0 / len(losses)) if reduction == "mean" else total


def _payload(x):
    return x.data if isinstance(x, Value) else x


def _is_value_prediction(prediction):
    if isinstance(prediction, Value):
        return True
    return isinstance(prediction, (list, tuple)) and bool(prediction) and isinstance(prediction[0], Value)


def _elementwise_loss(prediction, target, reduction, where, elementwise, check=None):
    _check_reduction(reduction, where)
    if _is_value_prediction(prediction):
        return _value_loss(prediction, target, elementwise, reduction, where, check)
    prediction = _tensor(prediction, where)
    if not prediction.size:
        raise _empty_batch(prediction.shape, where)
    if prediction.dtype.kind != "f":
        prediction = Tensor(prediction.data.astype(np.float64))
    target = _elementwise_target(target, prediction, where)
    if check is not None:
        check(prediction.data, _target_data(target))
    return _reduce(elementwise(prediction, target), reduction)


# --- regression losses -------------------------------------------------------------------


def _squared_error(prediction, target):
    difference = prediction - target
    return difference * difference


def _absolute_error(prediction, target):
    return (prediction - target).abs()


def mse_loss(prediction, target, reduction="mean", *, _where="mse_loss"):
    """(prediction - target)², reduced; the mean is over every element, as in PyTorch."""
    return _elementwise_loss(prediction, target, reduction, _where, _squared_error)


def l1_loss(prediction, target, reduction="mean", *, _where="l1_loss"):
    """|prediction - target|, reduced (abs'(0) = 0)."""
    return _elementwise_loss(prediction, target, reduction, _where, _absolute_error)


# --- binary classification ---------------------------------------------------------------


def _clamped_log(p):
    """max(log p, -100), as PyTorch's BCELoss: finite (and with a zero gradient) where p = 0."""
    if isinstance(p, Value):
        if p.data > math.exp(-100.0):
            return p.log()
        return Value(-100.0, requires_grad=False)
    tiny = np.finfo(p.dtype).tiny
    return p.clip(tiny, None).log().clip(-100.0, None)


def _binary_cross_entropy(probability, target):
    return -(target * _clamped_log(probability) + (1.0 - target) * _clamped_log(1.0 - probability))


def _check_probabilities(where):
    def check(prediction, target):
        if not np.all((prediction >= 0) & (prediction <= 1)):
            raise ValueError(
                f"{where}: predictions must be probabilities in [0, 1], got {_describe_range(prediction)} "
                "(apply sigmoid first, or use the loss on logits: binary_cross_entropy_with_logits)"
            )
        _check_unit_interval(target, where)

    return check


def _check_unit_interval(target, where):
    if not np.all((target >= 0) & (target <= 1)):
        raise ValueError(
            f"{where}: targets must lie in [0, 1] (labels 0/1 or probabilities), got {_describe_range(target)}"
        )


def binary_cross_entropy(probability, target, reduction="mean", *, _where="binary_cross_entropy"):
    """-[y log p + (1 - y) log(1 - p)] for probabilities p in [0, 1], each log clamped to >= -100."""
    check = _check_probabilities(_where)
    return _elementwise_loss(probability, target, reduction, _where, _binary_cross_entropy, check)


binary_cross_entropy.decision_threshold = 0.5  # probabilities: the decision is at p = 1/2


def _binary_cross_entropy_with_logits(logit, target):
    # max(z, 0) - z·y + log(1 + e^-|z|), with max(z, 0) = m·z and |z| = s·z for the constants
    # m = [z >= 0], s = 2m - 1: the same value, and at z = 0 the gradient σ(0) - y = 1/2 - y
    # instead of the -y that the kinks of max and abs (derivative 0 there) would give.
    if isinstance(logit, Value):
        positive = 1.0 if logit.data >= 0 else 0.0
    else:
        positive = (logit.data >= 0).astype(logit.dtype)
    sign = 2.0 * positive - 1.0
    return logit * (positive - target) + (1.0 + (logit * -sign).exp()).log()


def binary_cross_entropy_with_logits(logit, target, reduction="mean", *, _where="binary_cross_entropy_with_logits"):
    """BCE on logits z, the stable form max(z, 0) - z·y + log(1 + e^-|z|) = -[y log σ(z) + (1-y) log(1-σ(z))]."""

    def check(logits, targets):
        _check_unit_interval(targets, _where)

    return _elementwise_loss(logit, target, reduction, _where, _binary_cross_entropy_with_logits, check)


binary_cross_entropy_with_logits.decision_threshold = 0.0  # logits: the decision is at z = 0


def _hinge(score, target):
    return (1.0 - target * score).relu()


def _check_signs(where):
    def check(scores, labels):
        if not np.all((labels == 1) | (labels == -1)):
            found = np.unique(labels[(labels != 1) & (labels != -1)])[:5]
            raise ValueError(
                f"{where}: labels must be -1 or +1, got {', '.join(f'{v:g}' for v in found)} "
                "(turn 0/1 labels into ±1 with 2 * y - 1)"
            )

    return check


def hinge_loss(score, target, reduction="mean", *, _where="hinge_loss"):
    """max(0, 1 - y·score) for labels y = ±1 (binary max-margin loss), reduced."""
    return _elementwise_loss(score, target, reduction, _where, _hinge, _check_signs(_where))


# --- multi-class classification -------------------------------------------------------


hinge_loss.decision_threshold = 0.0  # margins: the decision is at score = 0


def _class_targets(target, logits, where, allow_probabilities):
    """Integer labels of shape ``logits.shape[:-1]`` (an ndarray), or probability rows (a Tensor or ndarray)."""
    data = read_array(target, where, "the target")
    shape, classes = logits.shape, logits.shape[-1]
    if data.shape == shape[:-1]:
        if data.dtype.kind == "f":
            if not np.all(np.isfinite(data) & (data == np.round(data))):
                raise ValueError(
                    f"{where}: a target of shape {data.shape} holds class labels, which must be whole numbers; "
                    f"got {_describe_range(data)} (probability targets need the logits' shape {shape})"
                )
        labels = data.astype(np.intp, copy=False)
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            bad = labels[(labels < 0) | (labels >= classes)]
            raise ValueError(
                f"{where}: class index {bad.flat[0]} is out of range for {classes} classes "
                f"(labels are 0 .. {classes - 1})"
            )
        return labels
    if data.shape == shape:
        if not allow_probabilities:
            raise ValueError(
                f"{where}: the target must hold integer class labels of shape {shape[:-1]}, got shape {data.shape} "
                "(for one-hot or probability targets use cross_entropy on logits)"
            )
        _check_unit_interval(data, where)
        return target if isinstance(target, Tensor) else data.astype(logits.dtype)
    if data.shape == (*shape[:-1], 1) and data.dtype.kind in "biu":
        raise ValueError(
            f"{where}: integer class labels must have shape {shape[:-1]}, got a column of shape {data.shape}; "
            "flatten it (y.ravel())"
        )
    if data.ndim == len(shape) - 1 and data.ndim >= 1 and data.shape[1:] == shape[1:-1]:
        raise ValueError(
            f"{where}: batch size mismatch: logits of shape {shape} hold {shape[0]} samples, "
            f"the target of shape {data.shape} holds {data.shape[0]}"
        )
    if data.ndim == len(shape) and data.shape[:-1] == shape[:-1]:
        raise ValueError(
            f"{where}: the target of shape {data.shape} has {data.shape[-1]} columns, the logits {classes} classes"
        )
    accepted = f"integer labels of shape {shape[:-1]}"
    if allow_probabilities:
        accepted += f" or one-hot / probability rows of shape {shape}"
    raise ValueError(f"{where}: logits of shape {shape} need {accepted}; got a target of shape {data.shape}")


def _pick(log_probabilities, labels):
    """log_probabilities[..., label] at every position: the log-probability of each sample's class."""
    if log_probabilities.ndim == 2:
        return log_probabilities[np.arange(labels.shape[0]), labels]
    classes = log_probabilities.shape[-1]
    rows = log_probabilities.reshape(-1, classes)
    picked = rows[np.arange(rows.shape[0]), labels.reshape(-1)]
    return picked.reshape(labels.shape)


def _class_logits(logits, where, what="logits"):
    if logits.__class__ is not Tensor:
        logits = _tensor(logits, where)
    data = logits.data
    if data.ndim == 0:
        raise ValueError(f"{where}: the {what} need a class axis (the last one), got a 0-d tensor")
    if data.shape[-1] == 0:
        raise ValueError(f"{where}: the {what} of shape {data.shape} have no classes")
    if data.dtype.kind != "f":
        logits = Tensor(data.astype(np.float64))
    return logits


def cross_entropy(logits, target, reduction="mean", *, _where="cross_entropy"):
    """-Σₖ yₖ log softmax(z)ₖ over the last axis (classes), via a stable log_softmax.

    ``target``: integer class labels of shape ``logits.shape[:-1]``, or one-hot /
    probability rows of the logits' shape. "mean" averages over the samples, so
    the gradient with respect to the logits is (softmax(z) - Y) / N.
    """
    if reduction.__class__ is not str or reduction not in REDUCTIONS:
        _check_reduction(reduction, _where)
    labels = _batch_labels(logits, target)
    if labels is None:
        logits = _class_logits(logits, _where)
        labels = _integer_labels(target, logits)
    if labels is not None:
        if not labels.size:
            raise _empty_batch(logits.shape, _where)
        # Tensor.cross_entropy checks the labels' range itself: nn checks them again only to word the error
        try:
            return logits.cross_entropy(labels, reduction)  # one node: d/dz = softmax(z) − onehot (/ N)
        except ValueError:
            _class_targets(target, logits, _where, allow_probabilities=True)
            raise
    target = _class_targets(target, logits, _where, allow_probabilities=True)
    if not logits.size:
        raise _empty_batch(logits.shape, _where)
    if isinstance(target, np.ndarray) and target.dtype.kind in "iu":
        return logits.cross_entropy(target, reduction)
    return _reduce(-(logits.log_softmax(axis=-1) * target).sum(axis=-1), reduction)


cross_entropy.decision_threshold = 0.0  # classes by argmax; one column would be a logit


def _batch_labels(logits, target):
    """The labels of the common case, a model's floating logits and a batch's Tensor of integer labels of the
    matching shape, read without the general checks; else None."""
    if logits.__class__ is Tensor and target.__class__ is Tensor:
        data = logits.data
        labels = target.data
        shape = data.shape
        if shape and shape[-1] and data.dtype.kind == "f" and labels.dtype.kind in "iu" and labels.shape == shape[:-1]:
            return labels
    return None


def _integer_labels(target, logits):
    """The integer ndarray of a target that plainly holds class labels (a Tensor or ndarray of an integer
    dtype and of the logits' shape without the class axis), else None: the other targets take the full check."""
    if isinstance(target, Tensor):
        target = target.data
    elif target.__class__ is not np.ndarray:
        return None
    if target.dtype.kind in "iu" and target.shape == logits.shape[:-1]:
        return target
    return None


def nll_loss(log_probabilities, target, reduction="mean", *, _where="nll_loss"):
    """-log p[label]: the negative log-likelihood of integer labels, from log-probabilities (classes last)."""
    _check_reduction(reduction, _where)
    log_probabilities = _class_logits(log_probabilities, _where, "log-probabilities")
    labels = _class_targets(target, log_probabilities, _where, allow_probabilities=False)
    if not labels.size:
        raise _empty_batch(log_probabilities.shape, _where)
    return _reduce(-_pick(log_probabilities, labels), reduction)


nll_loss.decision_threshold = math.log(0.5)  # classes by argmax; one column would be a log-probability

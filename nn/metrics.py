"""Metrics on a model's outputs: plain numbers computed from arrays, never recorded in a graph."""

import numpy as np

from autograd import Node, Value

from .arrays import read_array

_count_nonzero = np.count_nonzero
_min_reduce = np.minimum.reduce
_max_reduce = np.maximum.reduce
_UNSIGNED = {np.dtype(signed): np.dtype(unsigned) for signed, unsigned in
             ((np.int8, np.uint8), (np.int16, np.uint16), (np.int32, np.uint32), (np.int64, np.uint64))}


def _fractional(labels):
    """Whether a float label is not a whole number (integer labels always are)."""
    return labels.dtype.kind == "f" and bool(np.any(labels != np.round(labels)))


def _outside(labels, count):
    """Whether a label is below 0 or at least ``count`` (numpy's reductions minus their Python layer)."""
    unsigned = _UNSIGNED.get(labels.dtype)
    if unsigned is not None:  # a negative label viewed unsigned is at least 2**(bits - 1): one reduction finds both
        return _max_reduce(labels.view(unsigned), None) >= count
    return _min_reduce(labels, None) < 0 or _max_reduce(labels, None) >= count


def scores_array(outputs, where="accuracy"):
    """A model's outputs as a float ndarray: a Tensor's data, or the data of Values (one or a list per sample)."""
    if isinstance(outputs, Node):
        return np.asarray(outputs.data, dtype=np.float64)
    if isinstance(outputs, np.ndarray):
        return outputs
    try:
        return np.array(_unwrap(outputs), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where}: expected scores as a Tensor, an array or (lists of) Values, "
                        f"got {type(outputs).__name__} ({error})") from None


def _unwrap(outputs):
    if isinstance(outputs, Value):
        return outputs.data
    if isinstance(outputs, (list, tuple)):
        return [_unwrap(item) for item in outputs]
    return outputs


def accuracy(scores, y, threshold=0.5):
    """The fraction of samples classified right, as a float in [0, 1].

    - Scores of shape (..., k) with k > 1: the predicted class is the argmax over
      the last axis; ``y`` holds class labels of shape (...,) or one-hot /
      probability rows of the scores' shape (compared by their argmax).
    - One score per sample, shape (n,) or (n, 1): the prediction is
      ``score > threshold`` (0.5 for probabilities; pass 0.0 for logits or
      margins); ``y`` holds labels 0/1 (or −1/+1, as HingeLoss uses).
    """
    where = "accuracy"
    scores = scores_array(scores, where)
    labels = read_array(y, where, "y")
    if scores.ndim == 0 or scores.size == 0:
        raise ValueError(f"{where}: expected scores for at least one sample, got shape {scores.shape}")
    if scores.ndim >= 2 and scores.shape[-1] > 1:
        num_classes = scores.shape[-1]
        predicted = scores.argmax(axis=-1)
        if labels.shape == scores.shape:
            truth = labels.argmax(axis=-1)
        elif labels.shape == scores.shape[:-1]:
            if _fractional(labels):
                bad = labels[labels != np.round(labels)][0]
                raise ValueError(f"{where}: class labels must be whole numbers, got {bad}")
            if _outside(labels, num_classes):
                bad = labels[(labels < 0) | (labels >= num_classes)][0]
                raise ValueError(f"{where}: label {bad} is out of range for scores of {num_classes} classes")
            truth = labels
        else:
            raise ValueError(f"{where}: scores of shape {scores.shape} need labels of shape {scores.shape[:-1]} "
                             f"or one-hot rows of shape {scores.shape}, got y of shape {labels.shape}")
        return float(np.count_nonzero(predicted == truth)) / predicted.size
    if scores.ndim >= 2:
        scores = scores[..., 0]
    if labels.shape == scores.shape + (1,):
        labels = labels[..., 0]
    if labels.shape != scores.shape:
        raise ValueError(f"{where}: one score per sample (shape {scores.shape}) needs labels of the same shape, "
                         f"got y of shape {labels.shape}")
    if not np.all((labels == 0) | (labels == 1) | (labels == -1)):
        bad = labels[(labels != 0) & (labels != 1) & (labels != -1)][0]
        raise ValueError(f"{where}: binary labels must be 0/1 (or -1/+1), got {bad}")
    return float(np.count_nonzero((scores > threshold) == (labels > 0))) / scores.size


class LabelsAccuracy:
    """``accuracy(scores, labels[rows])`` for batches of one array of class labels, as ``fit`` asks it batch by batch.

    ``labels`` are checked once for each class count (whole numbers within range); a batch of scores of
    shape (n, k > 1) against labels found valid for k is counted at once, any other batch goes to
    ``function`` (``accuracy``), which gives the same number or the same error it always did.
    """

    def __init__(self, function, labels):
        self.function = function
        self.labels = labels if labels.ndim == 1 and labels.dtype.kind in "iuf" else None
        self.valid = {}  # class count -> whether every label is a whole number in [0, count)

    def __call__(self, scores, labels):
        shape = scores.shape
        if len(shape) == 2 and 0 < shape[0] == len(labels):
            valid = self.valid.get(shape[1])
            if valid is None:
                valid = self.valid[shape[1]] = self._valid(shape[1])
            if valid:
                return float(_count_nonzero(scores.argmax(-1) == labels)) / shape[0]
        return self.function(scores, labels)

    def _valid(self, classes):
        labels = self.labels
        if labels is None or classes < 2:
            return False
        return not (_fractional(labels) or _outside(labels, classes))


METRICS = {"accuracy": accuracy}


def decision_threshold(loss_fn):
    """Where a one-column input of ``loss_fn`` decides between two classes, or None for a loss that does not classify.

    The built-in classification losses (and their ``nn.functional`` functions, and partials of
    them) say it with a ``decision_threshold`` attribute: 0.5 for probabilities, 0.0 for logits
    and margins; a user's own loss may set one too.
    """
    while hasattr(loss_fn, "func") and not hasattr(loss_fn, "decision_threshold"):  # functools.partial
        loss_fn = loss_fn.func
    return getattr(loss_fn, "decision_threshold", None)


def first_regression_target(y):
    """A value of ``y`` that is no class label (not whole, not a probability row's), or None when y holds labels.

    Class labels are whole numbers (0/1, ±1, 0..k-1, one-hot rows); probability rows (k > 1 columns,
    non-negative, summing to 1) are CrossEntropyLoss's soft targets. Anything else is a regression target.
    """
    array = np.asarray(y.data if isinstance(y, Node) else y)
    if array.dtype.kind != "f" or array.size == 0:
        return None
    fractional = array != np.round(array)
    if not fractional.any():
        return None
    if array.ndim >= 2 and array.shape[-1] > 1 and (array >= 0).all() and np.allclose(array.sum(axis=-1), 1.0):
        return None
    return array[fractional].flat[0]

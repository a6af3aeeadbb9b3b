"""The training loop: ``fit`` (minibatch descent, per-epoch History), ``evaluate`` and ``predict``.

``fit`` runs, for each minibatch, the four lines every training loop has:

    optimizer.zero_grad()
    loss = loss_fn(model(X_batch), y_batch)
    loss.backward()
    optimizer.step()

and records per epoch the mean training loss and metrics and, with ``val=``, the
same on held-out data. It works with Tensor models (``nn.Module`` layers: the
batch goes in as one Tensor) and with scalar models from ``nn.scalar`` (their
parameters are Values: each row goes in as a list of numbers, and ``loss_fn``
receives the list of outputs and the batch's targets as an ndarray; the nn
losses accept that for one output per sample).
"""

import contextlib
import functools
from math import isfinite
import numbers
from collections.abc import Mapping

import numpy as np
from tqdm import tqdm

from autograd import Node, Tensor, Value, detect_anomaly as anomaly_mode, enable_grad, no_grad

from .data.checks import as_array, count, flag, same_length
from .data.loader import DataLoader, row_taker
from .metrics import METRICS, LabelsAccuracy, accuracy, decision_threshold, first_regression_target, scores_array
from .monitor import Monitor
from .optim import Optimizer
from .optim.schedulers import LRScheduler


class NonFiniteLossError(ValueError, FloatingPointError):
    """The loss became nan or infinite during ``fit``; the message names the epoch and the batch."""


class History:
    """What ``fit`` recorded: ``history.history`` maps "loss", each metric, "val_loss", "val_<metric>"
    (and "lr" with a scheduler) to a list with one entry per epoch; ``history["loss"]`` reads it.

    With ``fit(..., monitor=True)``, ``history.layers[parameter name]`` holds lists "grad_norm",
    "weight_norm" and "update_ratio", and ``history.activations[module name]`` lists
    "dead_fraction", "mean" and "std", one entry per epoch (both are empty dicts otherwise).
    """

    def __init__(self, keys):
        self.history = {key: [] for key in keys}
        self.layers = {}
        self.activations = {}

    def plot(self):
        """A matplotlib Figure of the loss and each metric per epoch (training and validation)."""
        from .history_plots import plot_history

        return plot_history(self)

    def plot_health(self):
        """A matplotlib Figure of the monitor's figures: grad norm per layer, update ratios, dead fractions."""
        from .history_plots import plot_health

        return plot_health(self)

    def __getitem__(self, key):
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"History has no {key!r}; it records {', '.join(map(repr, self.history))}") from None

    def __contains__(self, key):
        return key in self.history

    def keys(self):
        """The recorded names, in order."""
        return self.history.keys()

    @property
    def epochs(self):
        """How many epochs were recorded."""
        return len(self.history["loss"])

    def __repr__(self):
        last = ", ".join(f"{key}={values[-1]:.4g}" for key, values in self.history.items() if values)
        return f"History(epochs={self.epochs}{', ' if last else ''}{last})"


# --- checking the arguments --------------------------------------------------------------


def _metric_name(metric, where):
    if isinstance(metric, functools.partial):
        return _metric_name(metric.func, where)
    name = getattr(metric, "__name__", None)
    if not name or name == "<lambda>":
        raise TypeError(f"{where}: a metric function needs a name (its key in History), got {metric!r}; "
                        "define it with def")
    return name


def _resolve_metrics(metrics, loss_fn, threshold, targets, where):
    """``[(name, function(scores, y) -> float)]`` from names and callables, checked before any training.

    ``metrics=None`` is accuracy where fit knows where the model decides (a classification loss,
    or ``threshold``) and the targets are class labels, else nothing; asking for "accuracy" where
    it cannot be computed is a ValueError naming ``metrics=()``.
    """
    if threshold is None:
        threshold = decision_threshold(loss_fn)
    elif isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"{where}: threshold must be a real number (0.5 for probabilities, 0.0 for logits), "
                        f"got {type(threshold).__name__}")
    regression = next((value for value in map(first_regression_target, targets) if value is not None), None)
    if metrics is None:
        metrics = ("accuracy",) if threshold is not None and regression is None else ()
    elif isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    try:
        metrics = list(metrics)
    except TypeError:
        raise TypeError(f"{where}: metrics must be a tuple of names or functions, "
                        f"got {type(metrics).__name__}") from None
    resolved = []
    for metric in metrics:
        if isinstance(metric, str):
            if metric not in METRICS:
                raise ValueError(f"{where}: unknown metric {metric!r}; known: {', '.join(map(repr, METRICS))}, "
                                 "or pass a function metric(scores, y) -> float")
            function = METRICS[metric]
            if function is accuracy:
                _check_accuracy_is_defined(loss_fn, threshold, regression, where)
                if threshold != 0.5:
                    function = functools.partial(accuracy, threshold=threshold)
            resolved.append((metric, function))
        elif callable(metric):
            resolved.append((_metric_name(metric, where), metric))
        else:
            raise TypeError(f"{where}: each metric must be a name or a function, got {type(metric).__name__}")
    names = [name for name, _ in resolved]
    for reserved in ("loss", "lr"):
        if reserved in names:
            raise ValueError(f"{where}: a metric may not be called {reserved!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: metric names must be distinct, got {names}")
    return resolved


def _check_accuracy_is_defined(loss_fn, threshold, regression, where):
    """A ValueError unless accuracy has class labels to compare and a known place where the model decides."""
    if regression is not None:
        raise ValueError(f"{where}: metrics asks for 'accuracy', but the targets are regression values "
                         f"(e.g. {regression!r}), not class labels; pass metrics=() (or a metric of your own)")
    if threshold is None:
        name = getattr(loss_fn, "__name__", type(loss_fn).__name__)
        raise ValueError(
            f"{where}: metrics asks for 'accuracy', but fit cannot tell where the model decides: the loss "
            f"{name} is not one of nn's classification losses, so its outputs may be probabilities, logits or "
            "regression values. Pass threshold= (0.5 for probabilities, 0.0 for logits or margins), use a "
            "classification loss (nn.CrossEntropyLoss, nn.BCEWithLogitsLoss, nn.BCELoss, nn.NLLLoss, "
            "nn.HingeLoss), or pass metrics=() for none"
        )


def _training_metric(function, y):
    """``function``, or for nn's accuracy a ``LabelsAccuracy`` of the training labels ``y`` (the same numbers)."""
    if function is accuracy or (isinstance(function, functools.partial) and function.func is accuracy
                                and not function.args and set(function.keywords) <= {"threshold"}):
        return LabelsAccuracy(function, y)
    return function


class _ParameterNames(Mapping):
    """``{id(parameter): dotted name}`` of a model's parameters, read when first asked (an optimizer's warning)."""

    def __init__(self, model):
        self._model, self._names = model, None

    def _read(self):
        if self._names is None:
            self._names = {id(parameter): name for name, parameter in self._model.named_parameters()}
        return self._names

    def __getitem__(self, key):
        return self._read()[key]

    def __iter__(self):
        return iter(self._read())

    def __len__(self):
        return len(self._read())


def _data(X, y, where, what=("X", "y")):
    X = as_array(X, where, what[0])
    y = as_array(y, where, what[1])
    same_length(X, y, where)
    if len(X) == 0:
        raise ValueError(f"{where}: {what[0]} holds no samples")
    return X, y


def _is_scalar_model(parameters, where):
    kinds = {isinstance(parameter, Value) for parameter in parameters}
    if len(kinds) > 1:
        raise TypeError(f"{where}: the optimizer mixes Value and Tensor parameters; a model is one or the other")
    return kinds == {True}


def _parameters_of(model):
    parameters = getattr(model, "parameters", None)
    return list(parameters()) if callable(parameters) else []


# --- one batch ---------------------------------------------------------------------------


def _forward(model, X_batch, scalar):
    """The model's outputs for a batch: one Tensor, or (scalar models) a list with one output per row."""
    if scalar:
        return [model(row) for row in X_batch.tolist()]
    return model(Tensor(X_batch))


def _target(y_batch, scalar):
    return y_batch if scalar else Tensor(y_batch)


def _loss_value(loss, where):
    if loss.__class__ is Tensor and loss._data.size == 1:  # the common case first
        return loss._data.item()
    if not isinstance(loss, Node):
        raise TypeError(f"{where}: loss_fn must return a Tensor or a Value computed from the model's output, "
                        f"got {type(loss).__name__}")
    if isinstance(loss, Value):
        return loss.data
    if loss.size != 1:
        raise ValueError(f"{where}: loss_fn must return a single number, got a Tensor of shape {loss.shape}; "
                         "use reduction='mean' or 'sum'")
    return loss.item()


def _set_mode(model, training):
    """Put the model in train or eval mode (if it has modes); returns the mode it had."""
    before = getattr(model, "training", None)
    switch = getattr(model, "train", None)
    if callable(switch):
        switch(training)
    return before


def _restore_mode(model, before):
    if before is not None and callable(getattr(model, "train", None)):
        model.train(before)


# --- evaluate and predict ------------------------------------------------------------------


def _batches(n, batch_size):
    step = n if batch_size is None else batch_size
    for start in range(0, n, step):
        yield slice(start, start + step)


def evaluate(model, loss_fn, X, y, metrics=None, *, batch_size=None, threshold=None):
    """``{"loss": ..., "<metric>": ...}`` of the model on (X, y), in eval mode and without recording a graph.

    With ``batch_size`` the data goes through in batches and the results are
    averaged weighted by batch size (for a mean-reduced loss, the data set's mean).
    ``metrics`` and ``threshold`` are as in ``fit``.
    """
    where = "evaluate"
    X, y = _data(X, y, where)
    if batch_size is not None:
        batch_size = count(batch_size, f"{where}: batch_size")
    resolved = _resolve_metrics(metrics, loss_fn, threshold, [y], where)
    scalar = _is_scalar_model(_parameters_of(model), where)
    return _evaluate(model, loss_fn, X, y, resolved, batch_size, scalar, where)


def _evaluate(model, loss_fn, X, y, metrics, batch_size, scalar, where):
    totals = dict.fromkeys(["loss", *(name for name, _ in metrics)], 0.0)
    before = _set_mode(model, False)
    try:
        with no_grad():
            for rows in _batches(len(X), batch_size):
                X_batch, y_batch = X[rows], y[rows]
                outputs = _forward(model, X_batch, scalar)
                weight = len(X_batch)
                totals["loss"] += _loss_value(loss_fn(outputs, _target(y_batch, scalar)), where) * weight
                if metrics:
                    scores = scores_array(outputs, where)
                    for name, function in metrics:
                        totals[name] += float(function(scores, y_batch)) * weight
    finally:
        _restore_mode(model, before)
    return {key: total / len(X) for key, total in totals.items()}


def predict(model, X, *, batch_size=None):
    """The model's outputs for the rows of X as an ndarray, in eval mode and without recording a graph."""
    X = as_array(X, "predict")
    if batch_size is not None:
        batch_size = count(batch_size, "predict: batch_size")
    scalar = _is_scalar_model(_parameters_of(model), "predict")
    before = _set_mode(model, False)
    try:
        with no_grad():
            parts = [scores_array(_forward(model, X[rows], scalar), "predict") for rows in _batches(len(X), batch_size)]
    finally:
        _restore_mode(model, before)
    return np.concatenate(parts)


# --- fit -----------------------------------------------------------------------------------


def fit(model, loss_fn, optimizer, X, y, *, epochs, batch_size, val=None, metrics=None, threshold=None,
        progress=True, rng=None, scheduler=None, shuffle=True, detect_anomaly=False, monitor=False):
    """Train ``model`` on (X, y) by minibatch descent; return the per-epoch ``History``.

    - ``epochs`` passes over the data in batches of ``batch_size``, shuffled anew
      each epoch (seeded by ``rng``; ``shuffle=False`` keeps the order).
    - The model trains in ``train()`` mode and is evaluated in ``eval()`` mode
      (Dropout off); afterwards it is left in the mode it had before.
    - "loss" and each metric are the batch-size-weighted means over the epoch's
      batches, taken as they were trained (as Keras reports them); with
      ``val=(X_val, y_val)`` the model is evaluated on it after each epoch, as
      "val_loss" and "val_<metric>".
    - ``metrics``: names ("accuracy") or functions ``metric(scores, y) -> float``
      named by their ``__name__``. Accuracy needs to know where the model
      decides: for one output per sample it thresholds the output at
      ``threshold``, by default the classification loss's
      ``decision_threshold`` (0.5 for probabilities with BCELoss, 0 for logits
      and margins with BCEWithLogitsLoss, HingeLoss). The default
      (``metrics=None``) is ("accuracy",) with a classification loss (or a
      ``threshold``) and class-label targets, else none; asking for
      "accuracy" with another loss and no threshold, or with regression
      targets, is a ValueError before the first step.
    - ``scheduler``: stepped once after each epoch; the rate each epoch used is
      recorded as "lr".
    - ``progress=True`` shows a tqdm progress bar over the batches (on stderr);
      ``progress=False`` prints nothing.
    - A nan or infinite loss stops training with ``NonFiniteLossError`` (a
      ValueError) naming the epoch and the batch, before that batch's update.
    - ``detect_anomaly=True`` trains inside ``autograd.detect_anomaly()``: the
      first op that makes (or is handed) a NaN or an infinity raises
      ``autograd.AnomalyError`` naming it, before that batch's update.
    - ``monitor=True`` records the training's health per epoch in
      ``history.layers`` and ``history.activations`` and warns with
      ``nn.TrainingWarning`` (once per kind) about vanishing or exploding
      gradients, dead units and parameters that get no gradient.
    """
    where = "fit"
    if not callable(model):
        raise TypeError(f"{where}: model must be callable (an nn.Module), got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"{where}: loss_fn must be callable (e.g. nn.CrossEntropyLoss()), got {type(loss_fn).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: optimizer must come from nn.optim (e.g. nn.optim.Adam(model.parameters())), "
                        f"got {type(optimizer).__name__}")
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"{where}: scheduler must come from nn.optim (e.g. nn.optim.StepLR), "
                        f"got {type(scheduler).__name__}")
    if scheduler is not None and scheduler.optimizer is not optimizer:
        raise ValueError(f"{where}: the scheduler drives a different optimizer than the one given")
    epochs = count(epochs, f"{where}: epochs")
    batch_size = count(batch_size, f"{where}: batch_size")
    X, y = _data(X, y, where)
    if val is not None:
        if not isinstance(val, (tuple, list)) or len(val) != 2:
            raise TypeError(f"{where}: val must be a pair (X_val, y_val), got {type(val).__name__}")
        val = _data(*val, where, ("X_val", "y_val"))
    flag(progress, f"{where}: progress")
    flag(detect_anomaly, f"{where}: detect_anomaly")
    flag(monitor, f"{where}: monitor")
    resolved = _resolve_metrics(metrics, loss_fn, threshold, [y] + ([val[1]] if val is not None else []), where)
    scalar = _is_scalar_model(optimizer.params, where)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, rng=rng)
    training_metrics = [(name, _training_metric(function, loader.y)) for name, function in resolved]

    names = ["loss", *(name for name, _ in resolved)]
    keys = names + ([f"val_{name}" for name in names] if val is not None else [])
    history = History(keys + (["lr"] if scheduler is not None else []))
    bar = tqdm(total=epochs * len(loader), unit="batch", leave=True) if progress else None
    before = getattr(model, "training", None)
    optimizer.parameter_names = _ParameterNames(model) if callable(getattr(model, "named_parameters", None)) else None
    watcher = Monitor(model, optimizer, history) if monitor else None
    checking = anomaly_mode() if detect_anomaly else contextlib.nullcontext()
    try:
        with enable_grad(), checking:
            for epoch in range(1, epochs + 1):
                if bar is not None:
                    bar.set_description(f"epoch {epoch}/{epochs}", refresh=False)
                used_lr = optimizer.lr
                results = _train_epoch(model, loss_fn, optimizer, loader, training_metrics, scalar, epoch, epochs,
                                       bar, watcher)
                if watcher is not None:
                    watcher.end_epoch(epoch)
                if val is not None:
                    val_results = _evaluate(model, loss_fn, *val, resolved, batch_size, scalar, where)
                    results.update({f"val_{name}": value for name, value in val_results.items()})
                for key in keys:
                    history.history[key].append(results[key])
                if scheduler is not None:
                    history.history["lr"].append(used_lr)
                    scheduler.step()
                if bar is not None:
                    bar.set_postfix_str(", ".join(f"{key}={results[key]:.4g}" for key in keys), refresh=False)
    finally:
        if watcher is not None:
            watcher.close()
        if bar is not None:
            bar.close()
        _restore_mode(model, before)
    return history


def _train_epoch(model, loss_fn, optimizer, loader, metrics, scalar, epoch, epochs, bar, watcher):
    """One pass over the loader's batches; returns the epoch's weighted mean loss and metrics."""
    X_rows, y_rows = row_taker(loader.X), row_taker(loader.y)
    loss_total, totals = 0.0, [0.0] * len(metrics)
    _set_mode(model, True)
    batches, seen = len(loader), 0
    for number, rows in enumerate(loader.index_batches(), start=1):
        X_batch, y_batch = X_rows(rows), y_rows(rows)
        optimizer.zero_grad()
        outputs = _forward(model, X_batch, scalar)
        loss = loss_fn(outputs, _target(y_batch, scalar))
        value = _loss_value(loss, "fit")
        if not isfinite(value):
            raise NonFiniteLossError(
                f"fit: the loss is {value} at epoch {epoch} of {epochs}, batch {number} of {batches}; "
                "training stopped before this batch's update. Try a smaller learning rate, standardized "
                "inputs, or a loss on logits (BCEWithLogitsLoss, CrossEntropyLoss) instead of on probabilities"
            )
        loss.backward()
        if watcher is None:
            optimizer.step()
        else:
            watcher.before_step()
            optimizer.step()
            watcher.after_step()
        weight = len(rows)
        loss_total += value * weight
        if metrics:
            scores = scores_array(outputs, "fit")
            for index, (_, function) in enumerate(metrics):
                totals[index] += float(function(scores, y_batch)) * weight
        if bar is not None:
            bar.update(1)
        seen += weight
    results = {"loss": loss_total / seen}
    results.update((name, total / seen) for (name, _), total in zip(metrics, totals))
    return results

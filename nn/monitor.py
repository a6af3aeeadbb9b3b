"""The training-health monitor behind ``fit(..., monitor=True)``: norms per parameter, units per activation.

Per step it reads what the step already has: each gradient's norm (one dot
product), the parameter's norm before the step, and ‖Δθ‖ from the data before
and after the step (copied into a scratch buffer made once per parameter, so a
step allocates nothing). Per activation module (each layer whose declaration gives
it an ``activation`` role: ReLU, LeakyReLU, GELU, Sigmoid, Tanh) a forward hook
keeps, for each unit, whether any example of the epoch made it active (output > 0;
for Sigmoid/Tanh: not saturated, |derivative| >= 1e-3) and the sum and sum of
squares of the outputs. At the end of an epoch the monitor writes the
epoch's figures into the History and warns (``TrainingWarning``, once per kind
and fit) about vanishing or exploding gradients and dead units.
"""

import math
import warnings

import numpy as np

from autograd import Node, Tensor

from .declaration import activation_role
from .optim import SGD
from .training_warning import TrainingWarning

SATURATED = 1e-3  # |derivative| under which a Sigmoid or Tanh unit counts as saturated
VANISHING = 1e-3  # first layer's grad norm under this times the last layer's
EXPLODING = 1e3  # a grad norm over this
GROWTH = 10.0  # or a layer's grad norm growing this much from one epoch to the next
DEAD = 0.5  # more than this share of a layer's units dead


def _square_norm(payload):
    if payload.__class__ is float:
        return payload * payload
    return float(np.vdot(payload, payload))


class _ParameterStats:
    """One parameter's running figures for the current epoch, and its norm now."""

    __slots__ = ("grad_norms", "name", "norm", "parameter", "ratio_steps", "ratios", "scratch", "steps")

    def __init__(self, name, parameter):
        self.name = name
        self.parameter = parameter
        self.norm = math.sqrt(_square_norm(parameter.data))  # ‖θ‖, kept current step by step
        self.scratch = None
        self.reset()

    def reset(self):
        self.grad_norms = 0.0
        self.steps = 0
        self.ratios = 0.0
        self.ratio_steps = 0


class _ActivationStats:
    """One activation module's units over the current epoch, fed by a forward hook.

    Per unit (last axis) it keeps, by the module's declared role, the column sums
    of the outputs ("relu": outputs >= 0, so a unit whose sum stays 0 was never
    active), or the column maxima ("positive", LeakyReLU and GELU: never above 0),
    or how often the unit was not saturated ("sigmoid", "tanh").
    """

    def __init__(self, name, module, kind):
        self.name = name
        self.module = module
        self.kind = kind
        self.saturating = kind in ("sigmoid", "tanh")
        self.units = 0
        self.ones = None
        self.reset()

    def reset(self):
        self.per_unit = None
        self.total = 0.0
        self.total_square = 0.0
        self.count = 0

    def dead(self):
        """Per unit: True where the unit was never active (or always saturated) this epoch."""
        if self.kind == "positive":
            return self.per_unit <= 0
        return self.per_unit == 0

    def __call__(self, module, inputs, output):
        if not module.training or not isinstance(output, Tensor):  # evaluation (val=) is not training
            return None
        data = output.data
        if len(data.shape) != 2:
            if data.ndim == 0:
                return None
            data = data.reshape(-1, data.shape[-1])
        kind = self.kind
        if kind == "relu":
            ones = self.ones
            if ones is None or len(ones) != len(data) or ones.dtype is not data.dtype:
                ones = self.ones = np.ones(len(data), dtype=data.dtype)
            seen = ones @ data  # column sums; outputs are >= 0, so a sum stays 0 only if the unit never fired
        else:
            self.total += float(data.sum())
            if kind == "positive":
                seen = data.max(axis=0)
            elif kind == "sigmoid":
                seen = np.count_nonzero(data * (1.0 - data) >= SATURATED, axis=0)
            else:
                seen = np.count_nonzero(1.0 - data * data >= SATURATED, axis=0)
        per_unit = self.per_unit
        if per_unit is None or per_unit.shape != seen.shape:
            self.per_unit = seen
        elif kind == "positive":
            np.maximum(per_unit, seen, out=per_unit)
        else:
            per_unit += seen
        self.total_square += np.vdot(data, data)
        self.count += data.size
        return None


class Monitor:
    """Watches one ``fit``: call ``before_step`` after backward, ``after_step`` after the update, ``end_epoch``."""

    def __init__(self, model, optimizer, history):
        self.history = history
        self.optimizer = optimizer
        names = {id(parameter): name for name, parameter in _named_parameters(model)}
        self.parameters = [
            _ParameterStats(names.get(id(parameter), f"param{index}"), parameter)
            for index, parameter in enumerate(optimizer.params)
        ]
        for stats in self.parameters:
            history.layers[stats.name] = {"grad_norm": [], "weight_norm": [], "update_ratio": []}
        self.activations = [
            _ActivationStats(name, module, activation_role(type(module)))
            for name, module in _named_modules(model)
            if activation_role(type(module)) is not None
        ]
        for stats in self.activations:
            history.activations[stats.name] = {"dead_fraction": [], "mean": [], "std": []}
        self.handles = [stats.module.register_forward_hook(stats) for stats in self.activations]
        self.warned = set()
        self.previous_layer_norms = None
        self.plain = False

    def close(self):
        """Remove the forward hooks."""
        for handle in self.handles:
            handle.remove()
        self.handles = []

    def _plain_sgd(self):
        """True when the step is θ ← θ − lr·∇ exactly, so ‖Δθ‖ = lr·‖∇‖ needs no copy of θ."""
        optimizer = self.optimizer
        return type(optimizer) is SGD and not optimizer.momentum and not optimizer.weight_decay

    def before_step(self):
        """Unless the update is lr·∇, keep each parameter's data before the update (in a scratch buffer)."""
        self.plain = self._plain_sgd()
        if self.plain:
            return  # everything is read after the step: the gradient is unchanged and Δθ = lr·∇
        for stats in self.parameters:
            if stats.parameter.grad is None:
                continue
            data = stats.parameter.data
            if isinstance(data, float):
                stats.scratch = data
            elif stats.scratch is None or stats.scratch.shape != data.shape:
                stats.scratch = data.copy()
            else:
                np.copyto(stats.scratch, data)

    def after_step(self):
        """Each gradient's norm, and ‖Δθ‖ / ‖θ‖ (θ before the step) for each parameter the step updated."""
        lr = self.optimizer.lr if self.plain else None
        sqrt, vdot, ndarray = math.sqrt, np.vdot, np.ndarray
        for stats in self.parameters:
            parameter = stats.parameter
            grad = parameter.grad
            if grad is None:
                continue
            data = parameter.data
            if grad.__class__ is ndarray and data.__class__ is ndarray:
                grad_norm = sqrt(vdot(grad, grad))
                norm = sqrt(vdot(data, data))
            else:
                grad_norm = sqrt(_square_norm(getattr(grad, "data", grad) if isinstance(grad, Node) else grad))
                norm = sqrt(_square_norm(data))
            stats.grad_norms += grad_norm
            stats.steps += 1
            if lr is not None:
                change = lr * grad_norm
            elif data.__class__ is float:
                change = abs(data - stats.scratch)
            else:
                change = sqrt(_square_norm(np.subtract(data, stats.scratch, out=stats.scratch)))
            if stats.norm:
                stats.ratios += change / stats.norm
                stats.ratio_steps += 1
            stats.norm = norm

    def end_epoch(self, epoch):
        """Write the epoch's figures into the History, warn about what looks wrong, start the next epoch."""
        layers = self.history.layers
        for stats in self.parameters:
            record = layers[stats.name]
            record["grad_norm"].append(stats.grad_norms / stats.steps if stats.steps else math.nan)
            stats.norm = math.sqrt(_square_norm(stats.parameter.data))
            record["weight_norm"].append(stats.norm)
            record["update_ratio"].append(stats.ratios / stats.ratio_steps if stats.ratio_steps else math.nan)
            stats.reset()
        for stats in self.activations:
            record = self.history.activations[stats.name]
            if stats.count:
                total = float(stats.per_unit.sum()) if stats.kind == "relu" else stats.total
                mean = total / stats.count
                variance = max(stats.total_square / stats.count - mean * mean, 0.0)
                dead = stats.dead()
                record["dead_fraction"].append(float(np.count_nonzero(dead)) / dead.size)
                stats.units = dead.size
                record["mean"].append(mean)
                record["std"].append(math.sqrt(variance))
            else:
                for key in record:
                    record[key].append(math.nan)
            stats.reset()
        self._warn(epoch)

    # --- warnings -------------------------------------------------------------------------

    def _say(self, kind, message):
        if kind not in self.warned:
            self.warned.add(kind)
            warnings.warn(message, TrainingWarning, stacklevel=5)

    def _layer_norms(self):
        """``[(layer name, grad norm)]`` in parameter order: each layer's parameters' norms combined."""
        norms = {}
        for stats in self.parameters:
            value = self.history.layers[stats.name]["grad_norm"][-1]
            if math.isnan(value):
                continue
            layer = stats.name.rpartition(".")[0] or stats.name
            norms[layer] = norms.get(layer, 0.0) + value * value
        return [(layer, math.sqrt(total)) for layer, total in norms.items()]

    def _warn(self, epoch):
        layer_norms = self._layer_norms()
        if len(layer_norms) >= 2:
            (first, first_norm), (last, last_norm) = layer_norms[0], layer_norms[-1]
            if 0 < first_norm < VANISHING * last_norm:  # exactly 0 is blocked (dead units), not vanishing
                self._say("vanishing", (
                    f"vanishing gradients: in epoch {epoch} the gradient reaching the first layer {first!r} "
                    f"(norm {first_norm:.2g}) was {first_norm / last_norm:.1g} of the one at the last layer "
                    f"{last!r} (norm {last_norm:.2g}), so the first layers barely learn. The usual cause is "
                    "a deep stack of saturating activations (Sigmoid, Tanh) whose derivatives (at most 0.25 "
                    "for Sigmoid) multiply layer after layer; try ReLU, He or Xavier initialisation, or fewer "
                    "layers"))
        for stats in self.parameters:
            value = self.history.layers[stats.name]["grad_norm"][-1]
            if value > EXPLODING or math.isinf(value):
                self._say("exploding", (
                    f"exploding gradients: in epoch {epoch} the gradient of {stats.name!r} had norm {value:.3g} "
                    f"(over {EXPLODING:g}). The usual cause is a learning rate too high (each step overshoots "
                    "and the next gradient is larger), or inputs that are not standardized; try a smaller "
                    "learning rate or scale the inputs"))
                break
        if self.previous_layer_norms is not None:
            before = dict(self.previous_layer_norms)
            for layer, norm in layer_norms:
                old = before.get(layer)
                if old and norm > GROWTH * old:
                    self._say("exploding", (
                        f"exploding gradients: the gradient of layer {layer!r} grew from norm {old:.3g} in "
                        f"epoch {epoch - 1} to {norm:.3g} in epoch {epoch} (more than {GROWTH:g}x). The "
                        "usual cause is a learning rate too high (each step overshoots and the next gradient "
                        "is larger); try a smaller learning rate"))
                    break
        self.previous_layer_norms = layer_norms
        if "dead" in self.warned:
            return
        dead_layers = [stats for stats in self.activations
                       if self.history.activations[stats.name]["dead_fraction"][-1] > DEAD]
        if dead_layers:
            stats, others = dead_layers[0], dead_layers[1:]
            units = stats.units
            dead = round(self.history.activations[stats.name]["dead_fraction"][-1] * units)
            kind = type(stats.module).__name__
            if stats.saturating:
                detail = (f"{dead} of {units} units of layer {stats.name!r} ({kind}) were saturated "
                          f"(|derivative| < {SATURATED:g}) for every example of epoch {epoch}, so no "
                          "gradient flows through them: usually weights or inputs too large; try "
                          "standardized inputs, Xavier initialisation or a smaller learning rate")
            else:
                detail = (f"{dead} of {units} units of layer {stats.name!r} ({kind}) were inactive for "
                          f"every example of epoch {epoch}, so they output 0 and get no gradient: usually "
                          "a learning rate too high or a bias driven negative; try a smaller learning "
                          "rate, He initialisation or LeakyReLU")
            if others:
                detail += ". Also over half dead: " + ", ".join(
                    f"layer {other.name!r} ({self.history.activations[other.name]['dead_fraction'][-1]:.0%})"
                    for other in others)
            self._say("dead", f"dead units: {detail}")


def _named_parameters(model):
    named = getattr(model, "named_parameters", None)
    return list(named()) if callable(named) else []


def _named_modules(model):
    named = getattr(model, "named_modules", None)
    return list(named()) if callable(named) else []

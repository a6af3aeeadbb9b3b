"""Stochastic gradient descent, with the course notes' momentum and Nesterov look-ahead."""

import numpy as np

from .optimizer import Hyperparameter, Optimizer, decay_rate, non_negative


def _flag(value, where):
    if not isinstance(value, bool):
        raise TypeError(f"{where} must be True or False, got {type(value).__name__} {value!r}")
    return value


_latest_rate = (None, None, None)  # (lr, dtype, lr as a read-only 0-d array of dtype) of the latest plain step


def _rate(lr, dtype):
    """``lr`` as a read-only 0-d array of ``dtype``, made again only when ``lr`` (the float object) or ``dtype`` changes."""
    global _latest_rate
    latest, latest_dtype, rate = _latest_rate
    if latest is not lr or latest_dtype is not dtype:
        rate = np.array(lr, dtype=dtype)
        rate.flags.writeable = False
        _latest_rate = (lr, dtype, rate)
    return rate


class SGD(Optimizer):
    """Gradient descent: ``SGD(params, lr, momentum=0, nesterov=False, weight_decay=0)``.

    With ``∇`` the gradient read from ``.grad`` (plus ``weight_decay · θ``):

    - plain (``momentum=0``):  θ ← θ − α∇
    - momentum β (the notes):  v ← βv − α∇,  θ ← θ + v          (v starts at 0)
    - ``nesterov=True``:        v ← βv − α∇,  θ ← θ + βv − α∇    (see below)

    ``weight_decay=λ`` adds λθ to the gradient: the gradient of (λ/2)·Σθ², i.e. of
    ``(λ / 2) * nn.l2_penalty(params)`` added to the loss.

    **Nesterov, in the form where the parameter holds the look-ahead point.** The
    notes take the gradient at the look-ahead point θ̃ = θ + βv:

        v_{k+1} = βv_k − α∇L(θ_k + βv_k),    θ_{k+1} = θ_k + v_{k+1}.

    A training loop can only evaluate the gradient where the parameter is, so the
    parameter stores φ_k = θ_k + βv_k instead of θ_k; then ``backward()`` gives exactly
    ∇L(φ_k) = ∇L(θ_k + βv_k), the notes' gradient. The next look-ahead point is

        φ_{k+1} = θ_{k+1} + βv_{k+1} = θ_k + (1 + β)v_{k+1}
                = (φ_k − βv_k) + (1 + β)v_{k+1}
                = φ_k + βv_{k+1} + (v_{k+1} − βv_k)
                = φ_k + βv_{k+1} − α∇L(φ_k),

    which is the rule above. With v_0 = 0 the parameter starts at φ_0 = θ_0, and at
    any step the notes' θ_k is recovered as φ_k − βv_k. (This is PyTorch's Nesterov
    rule, written with the notes' velocity v = −α·buffer.)

    When a scheduler changes α, the velocity keeps its past steps and only new
    gradients are scaled by the new α, as in the notes' v ← βv − α∇.
    """

    momentum = Hyperparameter(decay_rate)
    nesterov = Hyperparameter(_flag)
    weight_decay = Hyperparameter(non_negative)

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum in (0, 1), got momentum=0")
        super().__init__(params)

    def update(self, theta, g, state):
        """θ − α∇, or the momentum / Nesterov rule above; ``state["velocity"]`` holds v."""
        if self.weight_decay:
            g = g + self.weight_decay * theta
        if not self.momentum:
            theta -= self.lr * g
            return theta
        scaled_gradient = self.lr * g
        velocity = self.buffer(state, "velocity", theta)
        velocity *= self.momentum
        velocity -= scaled_gradient  # v ← βv − α∇
        state["velocity"] = velocity
        if self.nesterov:
            theta += self.momentum * velocity - scaled_gradient  # θ ← θ + βv − α∇
        else:
            theta += velocity  # θ ← θ + v
        return theta

    def _update_arrays(self, thetas, gs, states):
        """Plain SGD (no momentum, no weight decay): θ −= α∇ for every array in one loop; else the general rule."""
        if self.momentum or self.weight_decay or type(self).update is not SGD.update:
            return super()._update_arrays(thetas, gs, states)
        rate = None  # lr as a 0-d array of g's dtype: numpy multiplies by that faster than by a Python float
        for theta, g in zip(thetas, gs):
            if rate is None or rate.dtype is not g.dtype:
                rate = _rate(self.lr, g.dtype)  # lr * g computes in g's dtype too
            theta -= rate * g

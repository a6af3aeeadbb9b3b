"""Adam and AdamW: momentum on the gradient, RMSprop's scaling, both corrected for their start at zero."""

from .optimizer import Hyperparameter, Optimizer, decay_rate, non_negative, positive


def _betas(value, where):
    try:
        values = tuple(value)
    except TypeError:
        raise TypeError(f"{where} must be a pair (beta1, beta2), got {type(value).__name__} {value!r}") from None
    if len(values) != 2:
        raise ValueError(f"{where} must be a pair (beta1, beta2), got {len(values)} values {value!r}")
    first, second = values
    return (decay_rate(first, f"{where}[0]"), decay_rate(second, f"{where}[1]"))


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`` (Kingma & Ba, 2015).

    At step t = 1, 2, ... of a parameter (with ``weight_decay=λ`` adding λθ to ∇ first):

        m ← β₁m + (1 − β₁)∇            v ← β₂v + (1 − β₂)∇∘∇
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        θ ← θ − lr · m̂ / (√v̂ + ε)

    m is a momentum average of the gradient, v RMSprop's average of its square; the
    hats undo their bias towards the zeros they start from. Each parameter counts
    its own steps (a parameter skipped because its grad is None does not advance).
    """

    betas = Hyperparameter(_betas)
    eps = Hyperparameter(positive)
    weight_decay = Hyperparameter(non_negative)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        super().__init__(params)

    def adam_step(self, theta, g, state):
        """Advance ``state``'s step, m and v with gradient ``g``; return the step lr · m̂ / (√v̂ + ε)."""
        beta1, beta2 = self.betas
        step = state.get("step", 0) + 1
        first_moment = self.buffer(state, "first_moment", theta)
        first_moment *= beta1
        first_moment += (1 - beta1) * g  # m ← β₁m + (1 − β₁)∇
        second_moment = self.buffer(state, "second_moment", theta)
        second_moment *= beta2
        second_moment += (1 - beta2) * g * g  # v ← β₂v + (1 − β₂)∇∘∇
        state.update(step=step, first_moment=first_moment, second_moment=second_moment)
        corrected_first = first_moment / (1 - beta1**step)
        corrected_second = second_moment / (1 - beta2**step)
        return self.lr * corrected_first / (corrected_second**0.5 + self.eps)

    def update(self, theta, g, state):
        """θ − lr·m̂/(√v̂ + ε), the weight decay folded into the gradient (L2 regularisation)."""
        if self.weight_decay:
            g = g + self.weight_decay * theta
        theta -= self.adam_step(theta, g, state)
        return theta


class AdamW(Adam):
    """``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)`` (Loshchilov & Hutter, 2019).

    Adam with *decoupled* weight decay: the decay shrinks θ directly instead of
    entering the gradient averages, so it is not rescaled by 1/√v̂:

        θ ← θ − lr·λ·θ − lr · m̂ / (√v̂ + ε)

    with m̂, v̂ computed from the gradient alone (as in PyTorch's AdamW).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def update(self, theta, g, state):
        """θ ← θ(1 − lr·λ), then θ ← θ − lr·m̂/(√v̂ + ε)."""
        theta *= 1 - self.lr * self.weight_decay
        theta -= self.adam_step(theta, g, state)
        return theta

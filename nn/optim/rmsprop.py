"""RMSprop: divide the step by a running root-mean-square of the gradients."""

from .optimizer import Hyperparameter, Optimizer, decay_rate, non_negative, positive


class RMSprop(Optimizer):
    """``RMSprop(params, lr, alpha=0.9, eps=1e-8, weight_decay=0)``, the course notes' rule:

        s ← αs + (1 − α)∇∘∇,    θ ← θ − lr · ∇ / (√s + ε)

    with s starting at 0 and ε outside the square root. ``alpha`` is the notes' β
    (0.9 there; PyTorch's default is 0.99). ``weight_decay=λ`` adds λθ to ∇ first.
    """

    alpha = Hyperparameter(decay_rate)
    eps = Hyperparameter(positive)
    weight_decay = Hyperparameter(non_negative)

    def __init__(self, params, lr, alpha=0.9, eps=1e-8, weight_decay=0.0):
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.weight_decay = weight_decay
        super().__init__(params)

    def update(self, theta, g, state):
        """θ − lr·∇/(√s + ε); ``state["square_average"]`` holds s."""
        if self.weight_decay:
            g = g + self.weight_decay * theta
        square_average = self.buffer(state, "square_average", theta)
        square_average *= self.alpha
        square_average += (1 - self.alpha) * g * g  # s ← αs + (1 − α)∇∘∇
        state["square_average"] = square_average
        theta -= self.lr * g / (square_average**0.5 + self.eps)
        return theta

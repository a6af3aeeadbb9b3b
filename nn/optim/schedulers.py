"""Learning-rate schedules: the optimizer's ``lr`` as a closed-form function of the epoch.

As in PyTorch: make the scheduler after the optimizer (it records the optimizer's
``lr`` as the base rate ``lr₀``), call ``optimizer.step()`` for each batch and
``scheduler.step()`` once per epoch (``nn.fit(..., scheduler=...)`` does). After
``e`` calls of ``scheduler.step()`` the optimizer's ``lr`` is ``lr(e)``.
"""

import math
import numbers

from .optimizer import Optimizer, non_negative, real_number


def _whole_number(value, where):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} must be an int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{where} must be >= 1, got {value}")
    return int(value)


def _positive_factor(value, where):
    value = real_number(value, where)
    if value <= 0:
        raise ValueError(f"{where} must be > 0, got {value}")
    return value


class LRScheduler:
    """Base class: sets ``optimizer.lr`` to ``lr_at(epoch)`` on construction and on every ``step()``."""

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an optimizer from nn.optim, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch):
        """The learning rate after ``epoch`` calls of ``step()``."""
        raise NotImplementedError(f"{type(self).__name__} does not define lr_at(epoch)")

    def step(self):
        """Advance one epoch and set the optimizer's learning rate for it."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self):
        """The learning rate this scheduler last set (a float: our optimizers have one ``lr``)."""
        return self.optimizer.lr

    def state_dict(self):
        """``{"base_lr", "last_epoch"}``: enough to resume the schedule."""
        return {"base_lr": self.base_lr, "last_epoch": self.last_epoch}

    def load_state_dict(self, state):
        """Resume from ``state_dict()``: restores the epoch count and sets the optimizer's ``lr`` for it."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict) or set(state) != {"base_lr", "last_epoch"}:
            raise ValueError(f"{where}: expected a dict with keys 'base_lr' and 'last_epoch', as made by state_dict()")
        base_lr = non_negative(state["base_lr"], f"{where}: base_lr")
        last_epoch = state["last_epoch"]
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, numbers.Integral) or last_epoch < 0:
            raise ValueError(f"{where}: last_epoch must be an int >= 0, got {last_epoch!r}")
        self.base_lr, self.last_epoch = base_lr, int(last_epoch)
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def __repr__(self):
        return f"{type(self).__name__}(epoch={self.last_epoch}, lr={self.optimizer.lr!r})"


class StepLR(LRScheduler):
    """``StepLR(optimizer, step_size, gamma=0.1)``: lr(e) = lr₀ · γ^⌊e / step_size⌋ (decay every step_size epochs)."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size = _whole_number(step_size, "StepLR: step_size")
        self.gamma = _positive_factor(gamma, "StepLR: gamma")
        super().__init__(optimizer)

    def lr_at(self, epoch):
        """lr₀ · γ^⌊epoch / step_size⌋."""
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """``ExponentialLR(optimizer, gamma)``: lr(e) = lr₀ · γ^e."""

    def __init__(self, optimizer, gamma):
        self.gamma = _positive_factor(gamma, "ExponentialLR: gamma")
        super().__init__(optimizer)

    def lr_at(self, epoch):
        """lr₀ · γ^epoch."""
        return self.base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """``CosineAnnealingLR(optimizer, T_max, eta_min=0)``: lr(e) = η_min + (lr₀ − η_min)(1 + cos(πe / T_max)) / 2.

    Falls from lr₀ at e = 0 to η_min at e = T_max along half a cosine (SGDR without
    restarts); past T_max the cosine climbs back, with period 2·T_max.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.T_max = _whole_number(T_max, "CosineAnnealingLR: T_max")
        self.eta_min = non_negative(eta_min, "CosineAnnealingLR: eta_min")
        super().__init__(optimizer)

    def lr_at(self, epoch):
        """η_min + (lr₀ − η_min)(1 + cos(π·epoch / T_max)) / 2."""
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2

"""Optimizers and learning-rate schedules. They read each parameter's ``.grad`` and write its ``.data``.

    optimizer = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for X_batch, y_batch in loader:
        optimizer.zero_grad()
        loss_fn(model(X_batch), y_batch).backward()
        optimizer.step()

Parameters may be Tensors (``nn.Parameter``) or scalar ``Value``s, alike.
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .schedulers import CosineAnnealingLR, ExponentialLR, LRScheduler, StepLR
from .sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "Optimizer",
    "RMSprop",
    "StepLR",
]

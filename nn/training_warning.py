"""``TrainingWarning``: what ``fit`` and the optimizers say when training looks unhealthy."""


class TrainingWarning(UserWarning):
    """Training is running but something looks wrong: vanishing or exploding gradients, dead units, no gradient."""

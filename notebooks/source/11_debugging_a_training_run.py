# %% [markdown]
# # 11 · Debugging a training run
#
# A training run that goes wrong rarely says where. The loss turns into `nan`
# at batch 7, or accuracy stays at chance, and the cause is somewhere in the
# forward pass, in a derivative, or in the data. This notebook uses three tools:
#
# 1. `autograd.detect_anomaly()`, which names the op that made the first NaN or
#    infinity, and the line of *your* code that called it;
# 2. gradient hooks (`register_hook`), to watch (and change) one layer's
#    gradient while `fit` trains;
# 3. forward hooks (`register_forward_hook`), to watch what a layer outputs.

# %%
import linecache
import warnings

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn
from autograd import Tensor

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "divide by zero" says nothing about where

# %% [markdown]
# ## A NaN, and where it came from
#
# Binary classification of the two moons, with a loss written by hand the way
# the course writes it: $J = -\frac1N\sum y\log p + (1-y)\log(1-p)$ with
# $p = \sigma(z)$. The inputs were not standardized: they are in the tens.

# %%
X, y = nn.data.make_moons(400, noise=0.1, rng=0)
X_raw = 40 * X  # a feature measured in other units
targets = y[:, None].astype(float)


def hand_written_bce(logits, target):
    p = logits.sigmoid()
    return -(target * p.log() + (1 - target) * (1 - p).log()).mean()


model = nn.MLP([2, 16, 1], rng=0)
try:
    nn.fit(model, hand_written_bce, nn.optim.SGD(model.parameters(), lr=0.1), X_raw, targets,
           epochs=5, batch_size=32, metrics=(), rng=0, progress=False)
except nn.NonFiniteLossError as error:
    print(error)

# %% [markdown]
# `fit` stops before the bad update and tells us *when*, but not *where*. We run
# the same training inside anomaly mode (`detect_anomaly=True`): every op checks
# its output, every derivative rule the gradient it passes on.

# %%
model = nn.MLP([2, 16, 1], rng=0)
try:
    nn.fit(model, hand_written_bce, nn.optim.SGD(model.parameters(), lr=0.1), X_raw, targets,
           epochs=5, batch_size=32, metrics=(), rng=0, progress=False, detect_anomaly=True)
except autograd.AnomalyError as error:
    print("op:", error.op, "| phase:", error.phase, "| input shapes:", error.shapes)
    cell, line = error.location.rsplit(":", 1)
    print(f"line {line} of the cell:", linecache.getline(cell, int(line)).strip())

# %% [markdown]
# The culprit is `log`, in the forward pass, at the line `-(target * p.log() +
# (1 - target) * (1 - p).log())`. With logits in the tens, $\sigma(z)$ rounds to
# exactly 1.0 in floating point, so $1 - p = 0$ and $\log 0 = -\infty$; the
# product with a target of 0 is then $0 \cdot (-\infty) = $ NaN. The forward
# pass is at fault, not the optimizer.
#
# Let us look at the probabilities themselves:

# %%
with autograd.no_grad():
    p = model(Tensor(X_raw)).sigmoid().data
print("probabilities equal to exactly 1.0:", int(np.sum(p == 1.0)), "of", p.size)
print("probabilities equal to exactly 0.0:", int(np.sum(p == 0.0)), "of", p.size)

# %% [markdown]
# **The fix** is a loss on the logits: $-[y\log\sigma(z) + (1-y)\log(1-\sigma(z))]
# = \max(z, 0) - zy + \log(1 + e^{-|z|})$ has the same value but never forms
# $\sigma(z)$, so nothing rounds to 0 before a log. That is `nn.BCEWithLogitsLoss`.
# (Standardizing the inputs helps too, and is good practice anyway.)

# %%
model = nn.MLP([2, 16, 1], rng=0)
history = nn.fit(model, nn.BCEWithLogitsLoss(), nn.optim.SGD(model.parameters(), lr=0.1), X_raw, targets,
                 epochs=5, batch_size=32, rng=0, progress=False, detect_anomaly=True)
print("loss per epoch:", [round(value, 3) for value in history["loss"]])
print("accuracy:", history["accuracy"][-1])

# %% [markdown]
# The same run, in anomaly mode all the way, finds nothing to complain about.
# Outside anomaly mode nothing is checked, so it costs nothing when you do not
# need it; inside, a step of a small network costs about twice as much.
#
# ## Watching one layer's gradient with a hook
#
# `tensor.register_hook(fn)` calls `fn(grad)` in every backward pass with that
# node's gradient. On a parameter, that is the gradient of the batch, before it
# is added to `.grad`. Here we record the norm of the first layer's weight
# gradient at every step of a run whose learning rate is too high, beside one
# whose learning rate is fine:

# %%
def first_layer_gradient_norms(lr, epochs=4):
    model = nn.MLP([2, 32, 32, 2], rng=0)
    norms = []
    handle = model[0].weight.register_hook(lambda g: norms.append(np.linalg.norm(g)))
    history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=lr), X, y,
                     epochs=epochs, batch_size=32, rng=0, progress=False)
    handle.remove()  # a hook stays until removed
    return norms, history["accuracy"][-1]


fig, ax = plt.subplots()
for lr in (0.3, 3.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nn.TrainingWarning)
        norms, accuracy = first_layer_gradient_norms(lr)
    ax.semilogy(np.maximum(norms, 1e-12), label=f"lr = {lr}: accuracy {accuracy:.0%}")
ax.set(xlabel="step", ylabel="‖∂L/∂W⁽¹⁾‖ (floor 1e-12)", title="First layer's gradient, step by step")
ax.legend()
plt.show()

# %% [markdown]
# At lr = 3 the gradient spikes in the first steps, collapses, and after a few
# last flickers is exactly zero: the units of the first layer died (notebook 3 shows the monitor finding
# the same thing from the activations' side), and nothing flows back any more.
#
# A hook may also *return* a gradient, which replaces the one that flows on.
# Clipping each element of every parameter's gradient to $[-0.1, 0.1]$ is one
# hook per parameter, and keeps the units alive at the same learning rate:

# %%
model = nn.MLP([2, 32, 32, 2], rng=0)
handles = [parameter.register_hook(lambda g: np.clip(g, -0.1, 0.1)) for parameter in model.parameters()]
history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=3.0), X, y,
                 epochs=4, batch_size=32, rng=0, progress=False)
for handle in handles:
    handle.remove()
print("lr = 3, every gradient clipped to [-0.1, 0.1]: accuracy per epoch", history["accuracy"])

# %% [markdown]
# ## Watching a layer's output with a forward hook
#
# `module.register_forward_hook(fn)` calls `fn(module, inputs, output)` after
# each forward call of that module. Here it records the share of the hidden
# ReLU's outputs that are exactly zero, batch by batch, while the network trains
# at a sensible learning rate:

# %%
model = nn.MLP([2, 32, 32, 2], rng=0)
zero_share = []
handle = model[1].register_forward_hook(lambda module, inputs, output: zero_share.append(np.mean(output.data == 0)))
nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.3), X, y, epochs=4, batch_size=32,
       rng=0, progress=False)
handle.remove()
fig, ax = plt.subplots()
ax.plot(zero_share)
ax.set(xlabel="batch", ylabel="share of outputs = 0", ylim=(0, 1), title="The first ReLU layer while training")
plt.show()

# %% [markdown]
# About half of a ReLU layer's outputs are zero for any one batch — that is
# ReLU doing its job. A unit is only a problem when it is zero for *every*
# example, which is what `fit(..., monitor=True)` counts.
#
# **Summary.** When a loss becomes NaN, rerun with `detect_anomaly=True` (or
# wrap the step in `with autograd.detect_anomaly():`): it names the op, the
# phase and your line. To see inside a run, hook the node or module you care
# about, and remove the hook when you are done.

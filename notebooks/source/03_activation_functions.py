# %% [markdown]
# # 3 · Activation functions and their derivatives
#
# A layer is a linear combination followed by a non-linearity, the **activation
# function**. The choice of activation decides how well gradients flow back
# through a deep network. In this notebook we
#
# 1. plot sigmoid, tanh, ReLU and leaky ReLU with their derivatives — computed by the engine, not from formulas — and compare them with the formulas;
# 2. watch gradients vanish through a deep stack of sigmoid layers;
# 3. make ReLU units die, and see why they never come back;
# 4. show numerically why a network needs non-linearities at all.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor, no_grad

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
rng = np.random.default_rng(0)

# %% [markdown]
# ## The functions and their derivatives
#
# | name | $f(z)$ | $f'(z)$ | range |
# |---|---|---|---|
# | sigmoid | $\sigma(z) = \frac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ | $(0, 1)$ |
# | tanh | $\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$ | $1 - \tanh^2 z = \frac{4}{(e^{z} + e^{-z})^2}$ | $(-1, 1)$ |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ | $[0, \infty)$ |
# | leaky ReLU | $\max(\alpha z, z)$ | $1$ if $z > 0$, else $\alpha$ | $(-\infty, \infty)$ |
#
# ReLU has no derivative at $z = 0$; like most libraries we use $0$ there. We take
# the derivatives from the engine: each output depends only on its own input, so
# the gradient of the sum of the outputs is the elementwise derivative $f'(z)$.

# %%
z = np.linspace(-6, 6, 241)
activations = {
    "sigmoid": lambda t: t.sigmoid(),
    "tanh": lambda t: t.tanh(),
    "ReLU": lambda t: t.relu(),
    "leaky ReLU (α = 0.1)": lambda t: t.leaky_relu(0.1),
}

derivatives = {}
fig, axes = plt.subplots(1, 4, figsize=(13, 3), sharex=True)
for ax, (name, f) in zip(axes, activations.items()):
    zt = Tensor(z, requires_grad=True)
    out = f(zt)
    out.sum().backward()
    derivatives[name] = zt.grad
    ax.plot(z, out.data, label="f(z)")
    ax.plot(z, zt.grad, label="f'(z), engine")
    ax.axhline(0, color="gray", lw=0.5)
    ax.set(title=name, xlabel="z")
    ax.legend(loc="upper left", fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# The engine's derivatives agree with the formulas of the table:

# %%
s = 1 / (1 + np.exp(-z))
formulas = {
    "sigmoid": s * (1 - s),
    "tanh": 4 / (np.exp(z) + np.exp(-z)) ** 2,
    "ReLU": (z > 0).astype(float),
    "leaky ReLU (α = 0.1)": np.where(z > 0, 1.0, 0.1),
}
for name in activations:
    print(f"{name:22s} max |engine - formula| = {np.max(np.abs(derivatives[name] - formulas[name])):.1e}")
print("largest value of σ'(z):", derivatives["sigmoid"].max(), "at z =", z[derivatives["sigmoid"].argmax()])

# %% [markdown]
# ## Vanishing gradients
#
# $\sigma'(z) \le \frac14$ everywhere, and is nearly zero once $|z|$ is a few units.
# Backpropagation multiplies by one such factor per layer, so in a deep sigmoid
# network the gradient shrinks roughly geometrically on its way back to the first
# layers, and those layers hardly learn. tanh ($\tanh' \le 1$) suffers less, ReLU
# ($\mathrm{relu}' \in \{0, 1\}$) least.
#
# We build 10-layer networks of width 32 that differ only in the activation,
# push a batch through, and measure the norm of $\partial L / \partial W^{(l)}$
# for every layer $l$.

# %%
def deep_stack(activation, depth=10, width=32, seed=0):
    layers = []
    for index in range(depth):
        layers += [nn.Linear(width, width, init="xavier", rng=seed + index), activation()]
    return nn.Sequential(*layers)


X = Tensor(rng.normal(size=(64, 32)))
target = rng.normal(size=(64, 32))
fig, ax = plt.subplots()
for name, activation in (("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh), ("ReLU", nn.ReLU)):
    model = deep_stack(activation)
    loss = ((model(X) - target) ** 2).mean()
    loss.backward()
    weights = [p for name_, p in model.named_parameters() if name_.endswith("weight")]
    norms = [np.linalg.norm(W.grad) for W in weights]
    ax.semilogy(range(1, len(norms) + 1), norms, "o-", label=name)
    print(f"{name:8s} first-layer / last-layer gradient norm: {norms[0] / norms[-1]:.1e}")
ax.set(xlabel="layer (1 = nearest the input)", ylabel="‖∂L/∂W‖", title="Gradient norm per layer, 10-layer stacks")
ax.legend()
plt.show()

# %% [markdown]
# In the sigmoid stack the first layer receives a gradient orders of magnitude
# smaller than the last one: it learns orders of magnitude more slowly.
#
# ## Dead ReLUs
#
# A ReLU unit whose input $z$ is negative for *every* example outputs 0 and has
# derivative 0 for every example, so no gradient ever reaches its weights: once
# dead, it stays dead. A large update that pushes a unit's bias far negative is
# a common way to get there. Below, we kill 8 of 16 units by hand (bias $-10$)
# and compare the weight gradients with those of a leaky ReLU, whose slope
# $\alpha$ for $z < 0$ keeps a little gradient flowing.

# %%
X = rng.normal(size=(200, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(float)[:, None]

fig, axes = plt.subplots(1, 2, figsize=(11, 3), sharey=True)
for ax, (name, activation) in zip(axes, (("ReLU", nn.ReLU()), ("leaky ReLU, α = 0.1", nn.LeakyReLU(0.1)))):
    hidden = nn.Linear(2, 16, rng=1)
    hidden.bias.data[:8] = -10.0  # units 0-7 are pushed far into the flat part
    model = nn.Sequential(hidden, activation, nn.Linear(16, 1, rng=2))
    loss = nn.BCEWithLogitsLoss()(model(Tensor(X)), y)
    loss.backward()
    per_unit = np.linalg.norm(hidden.weight.grad, axis=0)  # column j holds unit j's incoming weights
    ax.bar(range(16), per_unit, color=["tab:red"] * 8 + ["tab:blue"] * 8)
    ax.set_yscale("symlog", linthresh=1e-6)
    for unit in np.flatnonzero(per_unit == 0):
        ax.text(unit, 2e-6, "0", ha="center", color="tab:red")
    ax.set(title=name, xlabel="hidden unit (red: bias −10)", ylabel="‖∂L/∂w_unit‖")
    print(f"{name}: units with exactly zero gradient: {int(np.sum(per_unit == 0))} of 16")
plt.tight_layout()
plt.show()

# %% [markdown]
# The dead ReLU units get exactly zero gradient, so no optimizer step can move
# them; the leaky ones get a small but honest gradient and can recover. (The usual
# remedy with plain ReLU is a careful initialisation, a moderate learning rate,
# and enough units that a few dead ones do not matter.)

# %% [markdown]
# ## Seeing vanishing gradients while training: the monitor
#
# Above we measured one backward pass by hand. During training, `nn.fit(...,
# monitor=True)` does it for every batch: per parameter it records the mean
# gradient norm of each epoch, the weight norm and the update ratio
# $\lVert\Delta\theta\rVert / \lVert\theta\rVert$, and per activation the share of
# units that were dead (or, for sigmoid and tanh, saturated) for the whole
# epoch. When something looks wrong it says so with an `nn.TrainingWarning`.
#
# A 10-layer sigmoid MLP on the two moons, beside the same MLP with ReLUs:

# %%
import warnings

moons_X, moons_y = nn.data.make_moons(400, noise=0.1, rng=0)


def monitored_fit(model, lr, epochs):
    """fit with monitor=True; prints the TrainingWarnings instead of letting them scroll by."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", nn.TrainingWarning)
        history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=lr),
                         moons_X, moons_y, epochs=epochs, batch_size=32, rng=0, progress=False, monitor=True)
    for warning in caught:
        print("TrainingWarning:", warning.message, "\n")
    return history


deep_sigmoid = monitored_fit(nn.MLP([2] + [16] * 10 + [2], activation="sigmoid", init="xavier", rng=0),
                             lr=0.1, epochs=8)
deep_relu = monitored_fit(nn.MLP([2] + [16] * 10 + [2], activation="relu", init="he", rng=0), lr=0.1, epochs=8)
print(f"accuracy after 8 epochs: sigmoid {deep_sigmoid['accuracy'][-1]:.0%}, ReLU {deep_relu['accuracy'][-1]:.0%}")

# %% [markdown]
# `history.plot_health()` draws what the monitor saw. Left, the gradient norm of
# each layer, epoch by epoch: in the sigmoid net the lines are spread over six
# orders of magnitude, the first layer at the bottom.

# %%
deep_sigmoid.plot_health()

# %% [markdown]
# The ReLU net's layers all get gradients of one size, and its update ratios
# sit near the $10^{-3}$ line that practitioners use as a rule of thumb:

# %%
deep_relu.plot_health()

# %% [markdown]
# ## Dead ReLUs after a learning rate too high, found by the monitor
#
# Dead units rarely come from a hand-set bias as above; they come from one large
# update that pushes many units' inputs below zero for every example. With a
# learning rate of 3 the first epochs of plain SGD do exactly that, and the
# monitor reports it after the epoch where it happened:

# %%
too_fast = monitored_fit(nn.MLP([2, 32, 32, 2], rng=0), lr=3.0, epochs=6)
just_right = monitored_fit(nn.MLP([2, 32, 32, 2], rng=0), lr=0.5, epochs=6)
for name, history in (("lr = 3.0", too_fast), ("lr = 0.5", just_right)):
    dead = {layer: [f"{share:.0%}" for share in record["dead_fraction"]]
            for layer, record in history.activations.items()}
    print(f"{name}: dead share per epoch {dead}; accuracy {history['accuracy'][-1]:.0%}")

# %% [markdown]
# During the first epoch at lr = 3 most units of both hidden layers stop firing, and from
# epoch 2 on they never fire again:
# the network is stuck near chance, and no later step can revive them, since a
# dead unit's weights get exactly zero gradient. At lr = 0.5 almost every unit
# stays alive and the moons are learned.
#
# ## Why non-linearities at all?
#
# Without an activation, two layers collapse into one:
#
# $$a^{[2]} = (xW^{[1]} + b^{[1]})\,W^{[2]} + b^{[2]} = x\,\underbrace{W^{[1]}W^{[2]}}_{\widehat W} + \underbrace{b^{[1]}W^{[2]} + b^{[2]}}_{\widehat b}.$$
#
# However many linear layers we stack, the network is one linear map. Here is a
# stack of three, and the single layer it equals:

# %%
layers = [nn.Linear(8, 9, rng=1), nn.Linear(9, 4, rng=2), nn.Linear(4, 3, rng=3)]
stack = nn.Sequential(*layers)
W1, W2, W3 = (layer.weight.data for layer in layers)
b1, b2, b3 = (layer.bias.data for layer in layers)
W_hat = W1 @ W2 @ W3
b_hat = (b1 @ W2 + b2) @ W3 + b3
x = rng.normal(size=(5, 8))
with no_grad():
    print("max |stack(x) - (x Ŵ + b̂)| =", np.max(np.abs(stack(Tensor(x)).data - (x @ W_hat + b_hat))))
print("Ŵ has shape", W_hat.shape)

# %% [markdown]
# So a deep *linear* network can only draw a straight decision boundary, and it
# cannot solve XOR, the classic problem no line separates. The same architecture
# with ReLUs between the layers can. Both are trained identically:

# %%
X, y = nn.data.make_xor(400, noise=0.15, rng=0)


def three_layers(activation=None):
    layers = [nn.Linear(2, 16, rng=1), nn.Linear(16, 16, rng=2), nn.Linear(16, 2, rng=3)]
    if activation is not None:
        layers = [layers[0], activation(), layers[1], activation(), layers[2]]
    return nn.Sequential(*layers)


def plot_decision_regions(ax, model, X, y, title):
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.3, X[:, 0].max() + 0.3, 150),
                         np.linspace(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3, 150))
    with no_grad():
        scores = model(Tensor(np.c_[xx.ravel(), yy.ravel()])).data
    ax.contourf(xx, yy, scores.argmax(axis=1).reshape(xx.shape), alpha=0.25, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=8, edgecolors="k", linewidths=0.2)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")


fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (name, activation) in zip(axes, (("three linear layers", None), ("the same with ReLUs", nn.ReLU))):
    model = three_layers(activation)
    optimizer = nn.optim.Adam(model.parameters(), lr=0.02)
    history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=150, batch_size=len(X),
                     rng=0, progress=False)
    plot_decision_regions(ax, model, X, y, f"{name}: accuracy {history['accuracy'][-1]:.0%}")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Summary.** Activations are what make depth worth having. Their derivatives are
# multiplied together on the way back, so sigmoid's small slope makes gradients
# vanish, ReLU's zero slope can kill units for good, and leaky ReLU trades a
# little of ReLU's simplicity for units that cannot die.

# %% [markdown]
# ## Vanishing gradients, seen in the graph
#
# `draw_graph` can draw a model's graph with one box per module call
# (`collapse=True`, with `model=`) and fill each box by the size of the gradient
# at its output, on a log scale (`color_by="grad"`): orange-red for the largest
# gradient, fading to pale for a thousandth of it and below. Below, the same
# stack of six 16-unit layers, once with sigmoids and once with ReLUs, each after
# one backward pass of the mean squared error on the same batch. Each box also
# prints its mean |grad|.

# %%
from autograd import draw_graph


def deep_net(activation, depth=6, width=16):
    """``depth`` Linear layers with ``activation`` between them, He-initialised from one seed."""
    layer_rng = np.random.default_rng(1)
    layers = [nn.Linear(2, width, rng=layer_rng)]
    for _ in range(depth - 2):
        layers += [activation(), nn.Linear(width, width, rng=layer_rng)]
    layers += [activation(), nn.Linear(width, 1, rng=layer_rng)]
    return nn.Sequential(*layers)


batch = Tensor(np.random.default_rng(2).normal(size=(64, 2)), label="X")
target = Tensor(np.random.default_rng(3).normal(size=(64, 1)))
graphs = {}
for name, activation in (("sigmoid", nn.Sigmoid), ("ReLU", nn.ReLU)):
    net = deep_net(activation)
    loss = nn.MSELoss()(net(batch), target)
    loss.backward()
    first = net[0].weight.grad
    print(f"{name:>7}: mean |grad| of the first layer's weights {np.abs(first).mean():.1e}, "
          f"of the last layer's {np.abs(net[-1].weight.grad).mean():.1e}")
    graphs[name] = draw_graph(loss, model=net, collapse=True, color_by="grad")

# %% [markdown]
# The sigmoid stack: every sigmoid multiplies the gradient by at most
# $\sigma'(z) \le 0.25$, so the colour fades towards the input.

# %%
graphs["sigmoid"]

# %% [markdown]
# The ReLU stack: ReLU's slope is 1 wherever a unit is active, so the gradient
# reaching the first layer stays within reach of the last one's, and the boxes
# keep their colour.

# %%
graphs["ReLU"]

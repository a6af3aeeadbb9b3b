# %% [markdown]
# # 4 · Training MLPs on problems a line cannot solve
#
# Logistic regression draws one straight decision boundary. A neural network with
# a hidden layer can bend it — enough to solve the **XOR** and **donut** problems,
# and with more units and layers, two interleaved moons or spirals. In this
# notebook we
#
# 1. train a multi-layer perceptron (MLP) on four such datasets and plot its decision boundaries;
# 2. vary the width and depth of the network, the first two hyperparameters;
# 3. see why weights must be initialised randomly: all-zero (or all-equal) weights never break the symmetry between hidden units.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor, no_grad, profile

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0


def plot_decision_regions(ax, model, X, y, title=""):
    """Shade the plane by the class the model predicts, and scatter the data on top."""
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.3, X[:, 0].max() + 0.3, 150),
                         np.linspace(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3, 150))
    with no_grad():
        scores = model(Tensor(np.c_[xx.ravel(), yy.ravel()])).data
    ax.contourf(xx, yy, scores.argmax(axis=1).reshape(xx.shape), alpha=0.25, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=8, edgecolors="k", linewidths=0.2)
    ax.set(title=title, xticks=[], yticks=[])

# %% [markdown]
# ## Four datasets
#
# Each is a set of points in the plane with a class label 0 or 1, drawn with a
# fixed seed so that every run of this notebook sees the same data.

# %%
datasets = {
    "XOR": nn.data.make_xor(400, noise=0.15, rng=SEED),
    "donut": nn.data.make_donut(400, noise=0.1, rng=SEED),
    "moons": nn.data.make_moons(400, noise=0.15, rng=SEED),
    "spirals": nn.data.make_spirals(400, num_classes=2, noise=0.2, rng=SEED),
}
fig, axes = plt.subplots(1, 4, figsize=(13, 3))
for ax, (name, (X, y)) in zip(axes, datasets.items()):
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=8, edgecolors="k", linewidths=0.2)
    ax.set(title=name, xticks=[], yticks=[])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The model
#
# An MLP alternates linear layers and activations. For a batch $X$ of $N$ rows,
# layer $l$ computes
#
# $$Z^{(l)} = A^{(l-1)} W^{(l)} + b^{(l)}, \qquad A^{(l)} = f(Z^{(l)}), \qquad A^{(0)} = X,$$
#
# with $W^{(l)}$ of shape (units in layer $l-1$, units in layer $l$). The last
# layer has one output per class and no activation: its outputs are the *logits*
# $Z$, and `CrossEntropyLoss` applies the softmax and the cross-entropy
# $-\frac1N\sum_n \log \hat Y_{n, y_n}$ in one numerically stable step.

# %%
model = nn.MLP([2, 32, 32, 2], rng=SEED)
for name, parameter in model.named_parameters():
    print(f"{name:12s} {str(parameter.shape):10s}")
print("parameters in total:", sum(p.size for p in model.parameters()))

# %% [markdown]
# ## Training on each dataset
#
# `nn.fit` runs the loop every training script has: for each mini-batch, forward
# pass, loss, `zero_grad()`, `backward()`, optimizer step. We hold out a quarter of
# each dataset to measure accuracy on points the network never trained on.

# %%
def train(sizes, X, y, epochs=60, lr=0.01, seed=SEED):
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, rng=seed)
    model = nn.MLP(sizes, rng=seed)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, X_train, y_train, epochs=epochs,
                     batch_size=32, val=(X_test, y_test), rng=seed, progress=False)
    return model, history


fig, axes = plt.subplots(2, 4, figsize=(13, 6), gridspec_kw={"height_ratios": [3, 2]})
for column, (name, (X, y)) in enumerate(datasets.items()):
    model, history = train([2, 32, 32, 2], X, y)
    plot_decision_regions(axes[0, column], model, X, y, f"{name}: test accuracy {history['val_accuracy'][-1]:.0%}")
    axes[1, column].plot(history["loss"], label="training loss")
    axes[1, column].plot(history["val_loss"], label="test loss")
    axes[1, column].set(xlabel="epoch", yscale="log")
axes[1, 0].set_ylabel("cross-entropy")
axes[1, 0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Width and depth
#
# The **width** of a layer is its number of units; the **depth** of a network its
# number of (hidden) layers. Both are hyperparameters: we choose them, training
# does not. On the spirals, a single hidden layer needs many units to follow the
# curves; with more layers, fewer units per layer suffice.

# %%
X, y = datasets["spirals"]
architectures = [[2, 2, 2], [2, 8, 2], [2, 64, 2], [2, 8, 8, 2], [2, 8, 8, 8, 2]]
fig, axes = plt.subplots(1, len(architectures), figsize=(15, 3.2))
for ax, sizes in zip(axes, architectures):
    model, history = train(sizes, X, y, epochs=100, lr=0.02)
    hidden = sizes[1:-1]
    plot_decision_regions(ax, model, X, y, f"hidden {hidden}\ntest accuracy {history['val_accuracy'][-1]:.0%}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Initialisation: breaking the symmetry
#
# Suppose every weight of a layer starts at the same value (zero, say). Then every
# hidden unit computes the same function of the input, $a^{[1]}_1 = a^{[1]}_2 = \dots$,
# every unit receives the same gradient $\frac{\partial J}{\partial a^{[1]}_1} = \frac{\partial J}{\partial a^{[1]}_2} = \dots$,
# every update keeps them equal — and by induction they stay equal forever. A
# layer of 8 identical units is a layer of one unit.
#
# Small random weights, such as the notes' $\mathcal N(0, 0.01^2)$
# (`init="normal"`), make the units different from the start. Below we train a
# 2-8-2 network with sigmoid hidden units on the donut three ways and track how far
# apart the hidden units' incoming weights are, $\max_j \lVert w_j - w_1 \rVert$,
# where $w_j$ is column $j$ of $W^{[1]}$. (With sigmoid, even the all-zero network
# is not frozen: $\sigma(0) = \frac12$, so the output layer receives a gradient and
# the hidden units do move — all together.)

# %%
def symmetric_network(init, seed=SEED):
    return nn.Sequential(nn.Linear(2, 8, init=init, rng=seed), nn.Sigmoid(), nn.Linear(8, 2, init=init, rng=seed + 1))


def spread_between_units(layer):
    W = layer.weight.data
    return float(np.max(np.linalg.norm(W - W[:, :1], axis=0)))


X, y = datasets["donut"]
runs = {}
for name, init in (("all zeros", "zeros"), ("all 0.5", "zeros"), ("N(0, 0.01²)", "normal")):
    model = symmetric_network(init)
    if name == "all 0.5":
        for parameter in model.parameters():
            parameter.data[...] = 0.5
    optimizer = nn.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    spread = []
    for step in range(300):
        optimizer.zero_grad()
        loss = loss_fn(model(Tensor(X)), y)
        loss.backward()
        optimizer.step()
        spread.append(spread_between_units(model[0]))
    runs[name] = (model, spread)

fig, axes = plt.subplots(1, 4, figsize=(15, 3.3))
for name, (model, spread) in runs.items():
    axes[0].plot(spread, label=name)
axes[0].set_yscale("symlog", linthresh=1e-3)
axes[0].set(xlabel="step", ylabel="max ‖w_j − w_1‖", title="How different the hidden units are")
axes[0].legend()
for ax, (name, (model, spread)) in zip(axes[1:], runs.items()):
    accuracy = nn.accuracy(model(Tensor(X)), y)
    plot_decision_regions(ax, model, X, y, f"{name}: accuracy {accuracy:.0%}")
plt.tight_layout()
plt.show()
for name, (model, spread) in runs.items():
    print(f"{name:12s} spread between hidden units after 300 steps: {spread[-1]:.3g}")

# %% [markdown]
# With equal starting weights the spread stays exactly zero: the 8 units remain
# copies of one another, the network acts like a single hidden unit, and it draws
# a single straight boundary through the donut. The randomly initialised network
# uses all 8 units and draws the ring.
#
# ## Where the time goes
#
# `profile()` counts and times every operation inside it, forward and backward.
# Here: ten epochs of the spirals network (after a first, warm-up epoch, so
# that one-time costs do not show). Times vary from machine to machine and run to
# run; the shares are what to look at.

# %%
X, y = datasets["spirals"]
model = nn.MLP([2, 32, 32, 2], rng=SEED)
optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
nn.fit(model, loss_fn, optimizer, X, y, epochs=1, batch_size=32, rng=SEED, progress=False)
with profile() as prof:
    nn.fit(model, loss_fn, optimizer, X, y, epochs=10, batch_size=32, rng=SEED, progress=False)
print(prof.table(limit=10))

# %% [markdown]
# **Summary.** Hidden layers let a network bend its decision boundary; width and
# depth decide how much it can bend; and random initialisation is what lets the
# units of a layer become different from one another in the first place.

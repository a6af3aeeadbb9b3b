# %% [markdown]
# # 8 · Many classes: one-hot targets, softmax and cross-entropy
#
# With $K > 2$ classes a network has $K$ outputs, turned into probabilities by the
# **softmax**, and its targets are **one-hot** vectors. In this notebook we
#
# 1. encode labels one-hot;
# 2. compute a softmax by hand and see why the library's version is safe for huge inputs;
# 3. check that the sigmoid is a two-class softmax;
# 4. see that cross-entropy is the negative log-likelihood, whether targets are labels or one-hot rows;
# 5. train softmax regression on four blobs and an MLP on three spirals.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor, no_grad

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## One-hot encoding
#
# Class $k$ of $K$ becomes a vector of length $K$ with a 1 in position $k$ and 0
# elsewhere. A batch of labels becomes a matrix $Y$ with one row per example;
# $Y_{nk} = 1$ exactly when example $n$ belongs to class $k$.

# %%
labels = np.array([2, 0, 1, 2, 3])
Y = nn.data.one_hot(labels, 4)
print(Y)

# %% [markdown]
# ## Softmax
#
# $$\operatorname{softmax}(a)_i = \frac{e^{a_i}}{\sum_j e^{a_j}}$$
#
# turns any real numbers into positive numbers that sum to 1, keeping their order.
# For $a = (-0.21, 0.47, 1.72)$: $\sum_j e^{a_j} = e^{-0.21} + e^{0.47} + e^{1.72} \approx 8$, and
# the softmax is about $(0.1, 0.2, 0.7)$ — a probability distribution over three classes.

# %%
a = np.array([-0.21, 0.47, 1.72])
print("Σ e^a =", np.exp(a).sum())
print("softmax by hand:", np.exp(a) / np.exp(a).sum())
print("Tensor.softmax: ", Tensor(a).softmax().data)

# %% [markdown]
# Computed literally, $e^{a_i}$ overflows for $a_i$ above about 709. Since
# $\operatorname{softmax}(a) = \operatorname{softmax}(a - c)$ for any constant $c$,
# a careful implementation subtracts $\max_j a_j$ first; the library does:

# %%
big = np.array([1000.0, 1001.0, 1002.0])
with np.errstate(over="ignore", invalid="ignore"):
    print("literal formula:", np.exp(big) / np.exp(big).sum())
print("Tensor.softmax: ", Tensor(big).softmax().data)
print("same as for a - 1000:", Tensor(big - 1000).softmax().data)

# %% [markdown]
# ## The sigmoid is a two-class softmax
#
# With two classes and weight vectors $w_0, w_1$,
#
# $$P(Y = 1 \mid x) = \frac{e^{w_1^\top x}}{e^{w_0^\top x} + e^{w_1^\top x}} = \frac{1}{1 + e^{-(w_1 - w_0)^\top x}} = \sigma\bigl((w_1 - w_0)^\top x\bigr),$$
#
# so one weight vector $w = w_1 - w_0$ and a sigmoid do the same job. Numerically:

# %%
x = rng.normal(size=3)
w0, w1 = rng.normal(size=3), rng.normal(size=3)
two_class = Tensor(np.array([w0 @ x, w1 @ x])).softmax().data
print("softmax, class 1:   ", two_class[1])
print("σ((w1 - w0)ᵀx):     ", Tensor((w1 - w0) @ x).sigmoid().item())

# %% [markdown]
# ## Cross-entropy is the negative log-likelihood
#
# A model that outputs probabilities $\hat y_{nk}$ gives the observed labels the
# likelihood $\prod_n \prod_k \hat y_{nk}^{\,y_{nk}}$: for each example, the probability
# it gave the true class. Maximising its logarithm is minimising
#
# $$J = -\sum_n \sum_k y_{nk}\log \hat y_{nk},$$
#
# the categorical cross-entropy. Only the true class's term survives in each
# row. `CrossEntropyLoss` takes the raw outputs (logits) and either integer labels
# or one-hot rows, and averages over the batch:

# %%
logits = Tensor(rng.normal(size=(5, 4)))
loss_fn = nn.CrossEntropyLoss()
probabilities = logits.softmax(axis=1).data
print("from labels:          ", loss_fn(logits, labels).item())
print("from one-hot rows:    ", loss_fn(logits, Y).item())
print("-mean log p(true class):", -np.mean(np.log(probabilities[np.arange(5), labels])))

# %% [markdown]
# ## Softmax regression on four blobs
#
# The multi-class version of logistic regression is a single linear layer with $K$
# outputs, $Z = XW + b$, followed by the softmax: $W$ has one column $w_k$ per class,
# and the predicted class is the one with the largest $w_k^\top x + b_k$. The
# boundaries between classes are therefore straight lines.

# %%
X, y = nn.data.make_blobs(400, centers=4, cluster_std=2.5, rng=SEED)
model = nn.Linear(2, 4, rng=SEED)
optimizer = nn.optim.Adam(model.parameters(), lr=0.05)
history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, X, y, epochs=60, batch_size=32, rng=SEED, progress=False)


def plot_decision_regions(ax, model, X, y, title):
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 200),
                         np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 200))
    with no_grad():
        scores = model(Tensor(np.c_[xx.ravel(), yy.ravel()])).data
    ax.contourf(xx, yy, scores.argmax(axis=1).reshape(xx.shape), alpha=0.25, cmap="tab10", vmin=0, vmax=9)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="tab10", vmin=0, vmax=9, s=8, edgecolors="k", linewidths=0.2)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")


with no_grad():
    probabilities = model(Tensor(X)).softmax(axis=1).data
examples = np.argsort(probabilities.max(axis=1))[[0, 10, 40]]  # points the model is unsure about
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
plot_decision_regions(left, model, X, y, f"Softmax regression: accuracy {history['accuracy'][-1]:.0%}")
for i, n in enumerate(examples):
    left.plot(*X[n], "ko", ms=9, mfc="none", mew=2)
    left.annotate(f"#{i}", X[n], xytext=(6, 6), textcoords="offset points", fontsize=11, weight="bold")
    right.bar(np.arange(4) + (i - 1) * 0.27, probabilities[n], width=0.27, label=f"#{i} (true class {y[n]})")
right.set(xticks=range(4), xlabel="class k", ylabel="P(y = k | x)", title="The softmax outputs of three circled points")
right.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## An MLP on three spirals
#
# Curved class boundaries need hidden layers. The output layer stays the same: $K$
# logits, softmax, cross-entropy. The confusion matrix counts, for each true class
# (row), which class the model predicted (column).

# %%
X, y = nn.data.make_spirals(600, num_classes=3, noise=0.2, rng=SEED)
X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, rng=SEED)
model = nn.MLP([2, 64, 64, 3], rng=SEED)
optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, X_train, y_train, epochs=120, batch_size=32,
                 val=(X_test, y_test), rng=SEED, progress=False)

with no_grad():
    predicted = model(Tensor(X_test)).data.argmax(axis=1)
confusion = np.zeros((3, 3), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
plot_decision_regions(left, model, X_test, y_test, f"Three spirals: test accuracy {history['val_accuracy'][-1]:.0%}")
right.imshow(confusion, cmap="Blues")
for (i, j), count in np.ndenumerate(confusion):
    right.text(j, i, count, ha="center", va="center", color="white" if count > confusion.max() / 2 else "black")
right.set(xticks=range(3), yticks=range(3), xlabel="predicted class", ylabel="true class",
          title="Confusion matrix (test set)")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Summary.** One-hot rows are the targets, the softmax turns $K$ scores into
# probabilities (stably, by subtracting the maximum), the sigmoid is its two-class
# special case, and cross-entropy is the negative log-likelihood of the labels —
# with the gradient $\hat Y - Y$ checked in notebook 2.

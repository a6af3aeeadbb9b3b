# %% [markdown]
# # 6 · Regularisation and K-fold cross-validation
#
# A model that fits its training data too closely — noise included — does worse
# on new data: it **overfits**. Regularisation adds a penalty on the size of the
# parameters to the loss,
#
# $$L'(\theta) = L(\theta) + \lambda R(\theta), \qquad
#   R_{L2}(\theta) = \sum_i \theta_i^2, \qquad R_{L1}(\theta) = \sum_i |\theta_i|,$$
#
# and the coefficient $\lambda$ sets how strongly. In this notebook we
#
# 1. compare what L1 and L2 do to the weights: L1 makes them **sparse**, L2 **shrinks** them all;
# 2. choose $\lambda$ by **K-fold cross-validation** instead of guessing.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor, no_grad

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## L1 vs L2: what the penalty does to the weights
#
# The gradients of the two penalties explain their effects. $\frac{\partial}{\partial\theta_i}\theta_i^2 = 2\theta_i$
# pulls every weight towards zero in proportion to its size — large weights
# shrink fast, small ones barely, and none reaches zero. $\frac{\partial}{\partial\theta_i}|\theta_i| = \operatorname{sign}(\theta_i)$
# pulls every weight with the *same* force, so a weight the data does not hold up
# is pushed all the way to zero.
#
# A linear regression with 20 features, only 3 of which matter, shows it. We fit
# $\hat y = Xw + b$ by gradient descent on the mean squared error plus each penalty.

# %%
n, d = 80, 20
true_w = np.zeros(d)
true_w[[2, 7, 15]] = [3.0, -2.0, 1.5]
X = rng.normal(size=(n, d))
y = X @ true_w + 0.5 * rng.normal(size=n)


def fit_linear(penalty, lam, steps=1500, lr=0.02):
    w = nn.Parameter(np.zeros(d))
    b = nn.Parameter(np.zeros(1))
    optimizer = nn.optim.SGD([w, b], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((X @ w + b - y) ** 2).mean()
        if penalty is not None:
            loss = loss + lam * penalty([w])
        loss.backward()
        optimizer.step()
    return w.data


weights = {
    "no penalty": fit_linear(None, 0.0),
    "L2, λ = 0.5": fit_linear(nn.l2_penalty, 0.5),
    "L1, λ = 0.3": fit_linear(nn.l1_penalty, 0.3),
}

fig, axes = plt.subplots(1, 2, figsize=(13, 3.8))
offsets = (-0.27, 0.0, 0.27)
axes[0].plot(range(d), true_w, "k_", ms=14, mew=2, label="true weights")
for offset, (name, w) in zip(offsets, weights.items()):
    axes[0].bar(np.arange(d) + offset, w, width=0.27, label=name)
axes[0].set(xlabel="feature", ylabel="weight", title="Fitted weights (only features 2, 7, 15 matter)")
axes[0].legend(fontsize=8)
bins = np.linspace(-0.3, 0.3, 31)
for name, w in weights.items():
    axes[1].hist(w[np.abs(true_w) == 0], bins=bins, alpha=0.6, label=name)
axes[1].set(xlabel="weight", ylabel="count", title="The 17 weights that should be zero")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
for name, w in weights.items():
    irrelevant = w[true_w == 0]
    print(f"{name:12s} irrelevant weights with |w| < 0.01: {np.sum(np.abs(irrelevant) < 0.01):2d} of 17;"
          f"   relevant weights: {np.round(w[true_w != 0], 2)}")

# %% [markdown]
# L1 has set the irrelevant weights to (almost exactly) zero — plain gradient
# descent on $|\theta|$ leaves them jittering within a step's size of zero — while
# L2 has merely made everything a little smaller, the useful weights included.
#
# The same holds inside a network. Here are the weights of a 2-64-64-2 MLP trained
# on the moons without a penalty, with L2 and with L1 on the weight matrices:

# %%
X_moons, y_moons = nn.data.make_moons(200, noise=0.2, rng=SEED)


def train_mlp(X, y, penalty=None, lam=0.0, steps=300, seed=SEED):
    model = nn.MLP([2, 64, 64, 2], rng=seed)
    matrices = [p for name, p in model.named_parameters() if name.endswith("weight")]
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    X = Tensor(X)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        if penalty is not None:
            loss = loss + lam * penalty(matrices)
        loss.backward()
        optimizer.step()
    return model, np.concatenate([W.data.ravel() for W in matrices])


fig, ax = plt.subplots(figsize=(7, 3.5))
bins = np.linspace(-1.5, 1.5, 61)
runs = (("no penalty", None, 0.0), ("L2, λ = 1e-3", nn.l2_penalty, 1e-3), ("L1, λ = 1e-3", nn.l1_penalty, 1e-3))
for name, penalty, lam in runs:
    model, all_weights = train_mlp(X_moons, y_moons, penalty, lam)
    small = np.mean(np.abs(all_weights) < 0.01)
    ax.hist(all_weights, bins=bins, histtype="step", lw=1.5, label=f"{name}: {small:.0%} below 0.01")
ax.set(xlabel="weight", ylabel="count (log scale)", yscale="log", title="All weights of a 2-64-64-2 MLP")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Choosing λ by K-fold cross-validation
#
# $\lambda$ is a hyperparameter, and the training loss cannot choose it (the
# training loss is always lowest at $\lambda = 0$). We need data the model has not
# trained on — but holding out one fixed validation set wastes data and gives a
# noisy answer on a small dataset. **K-fold cross-validation** splits the training
# data into $K$ folds, trains $K$ times, each time validating on one fold and
# training on the other $K - 1$, and averages the $K$ validation scores.
#
# The test set is split off first and touched only once, at the very end.

# %%
X_all, y_all = nn.data.make_moons(160, noise=0.35, rng=1)
X_train, X_test, y_train, y_test = nn.data.train_test_split(X_all, y_all, test_size=0.5, rng=SEED)
lambdas = [0.0, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1]
K = 4
folds = list(nn.data.kfold(len(X_train), K, rng=SEED))
loss_fn = nn.CrossEntropyLoss()

validation_loss = np.zeros((len(lambdas), K))
for i, lam in enumerate(lambdas):
    for j, (fit_index, val_index) in enumerate(folds):
        model, _ = train_mlp(X_train[fit_index], y_train[fit_index], nn.l2_penalty, lam, steps=200)
        with no_grad():
            validation_loss[i, j] = loss_fn(model(Tensor(X_train[val_index])), y_train[val_index]).item()

mean, spread = validation_loss.mean(axis=1), validation_loss.std(axis=1)
best = lambdas[int(np.argmin(mean))]
fig, ax = plt.subplots()
positions = np.arange(len(lambdas))
ax.errorbar(positions, mean, yerr=spread, fmt="o-", capsize=4)
ax.set_xticks(positions, [f"{lam:g}" for lam in lambdas])
ax.set(xlabel="λ", ylabel="validation cross-entropy", title=f"{K}-fold cross-validation (mean ± std over folds)")
plt.show()
for lam, value in zip(lambdas, mean):
    print(f"λ = {lam:<6g} mean validation loss {value:.3f}")
print("chosen λ:", best)

# %% [markdown]
# Too little regularisation overfits (high validation loss on the left), too much
# underfits (high on the right). With $\lambda$ chosen, we train once on all the
# training data and report the test score — the only number here that is an
# honest estimate of performance on new data.

# %%
def plot_decision_regions(ax, model, X, y, title):
    xx, yy = np.meshgrid(np.linspace(-2, 3, 150), np.linspace(-1.8, 2.2, 150))
    with no_grad():
        scores = model(Tensor(np.c_[xx.ravel(), yy.ravel()])).data
    ax.contourf(xx, yy, scores.argmax(axis=1).reshape(xx.shape), alpha=0.25, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=10, edgecolors="k", linewidths=0.3)
    ax.set(title=title, xticks=[], yticks=[])


fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, lam in zip(axes, (0.0, best)):
    model, _ = train_mlp(X_train, y_train, nn.l2_penalty, lam, steps=200)
    with no_grad():
        test_scores = model(Tensor(X_test))
    accuracy = nn.accuracy(test_scores, y_test)
    test_loss = loss_fn(test_scores, y_test).item()
    title = f"λ = {lam:g}: test accuracy {accuracy:.0%}, test loss {test_loss:.2f}"
    plot_decision_regions(ax, model, X_train, y_train, title)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Summary.** L1 zeroes out weights the data does not need (sparsity); L2 shrinks
# all of them (weight decay). How much to regularise is a hyperparameter, chosen by
# K-fold cross-validation on the training data, with the test set kept for the
# final report.

# %% [markdown]
# # 7 · Regression: the normal equation and gradient descent
#
# For regression a network keeps its hidden layers and changes only its output:
# no sigmoid, no softmax, just the **identity**, $\hat y = z$, trained with the
# squared error. With no hidden layer at all that is linear regression, the one
# model whose best parameters we can write down in closed form. In this notebook we
#
# 1. derive the gradient of the squared error and check the engine against it;
# 2. solve the **normal equation** $\theta = (X^\top X)^{-1}X^\top y$ and watch gradient descent arrive at the same $\theta$;
# 3. see why standardising the features makes gradient descent so much faster;
# 4. fit a curve with an MLP whose output is the identity.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor, grad, no_grad

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## The loss and its gradient
#
# Linear regression predicts $\hat y_i = \sum_j x_{ij}\theta_j$, or $\hat y = X\theta$
# for all $n$ examples at once (a column of ones in $X$ plays the bias). The mean
# squared error and its gradient are
#
# $$J(\theta) = \frac1n (X\theta - y)^\top (X\theta - y), \qquad
#   \nabla_\theta J = \frac2n \left(X^\top X\theta - X^\top y\right).$$
#
# The engine's gradient, at a random $\theta$, against the formula:

# %%
n, d = 200, 3
X_raw = rng.normal(loc=[5.0, -2.0, 0.0], scale=[3.0, 0.5, 1.0], size=(n, d))
X = np.c_[np.ones(n), X_raw]  # first column: the bias feature
true_theta = np.array([1.0, 2.0, -3.0, 0.5])
y = X @ true_theta + rng.normal(scale=0.5, size=n)


def mse(theta):
    residual = X @ theta - y
    return (residual * residual).mean()


theta = rng.normal(size=d + 1)
print("engine: ", grad(mse)(theta))
print("formula:", 2 / n * (X.T @ X @ theta - X.T @ y))

# %% [markdown]
# ## The normal equation
#
# $J$ is a convex quadratic, so its minimum is where the gradient vanishes:
#
# $$X^\top X\theta = X^\top y \quad\Longrightarrow\quad \theta^\ast = (X^\top X)^{-1}X^\top y.$$
#
# (Numerically we *solve* the linear system rather than invert $X^\top X$: it is
# faster and more accurate.)

# %%
theta_star = np.linalg.solve(X.T @ X, X.T @ y)
print("θ* =", np.round(theta_star, 4), "   true θ =", true_theta)
print(f"J(θ*) = {mse(theta_star):.4f}    largest |gradient| at θ*: {np.abs(grad(mse)(theta_star)).max():.1e}")

# %% [markdown]
# ## Gradient descent gets there too — slowly, unless the features are scaled
#
# Gradient descent needs no matrix inversion, which is what makes it work for
# models with no closed form. On this quadratic it converges linearly, at a rate
# set by the ratio of the largest to the smallest eigenvalue of $X^\top X$ (its
# *condition number*): a learning rate small enough for the steepest direction
# crawls along the flattest. Our features have very different scales (means
# 5 and −2, spreads 3 and 0.5), which makes that ratio large.
#
# **Standardising** each feature to mean 0 and standard deviation 1 makes the
# loss surface round. The model is equivalent — the optimum maps back to the same
# predictions — but gradient descent converges in far fewer steps. We train
# `nn.Linear(3, 1)` (identity output) with `MSELoss` and SGD on both versions and
# track the distance of its predictions from the normal equation's.

# %%
X_scaled, mean, std = nn.data.standardize(X_raw)
best_predictions = X @ theta_star


def gradient_descent(features, lr, steps=500):
    model = nn.Linear(d, 1, rng=SEED)
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    inputs, targets = Tensor(features), y[:, None]
    gaps = []
    for _ in range(steps):
        optimizer.zero_grad()
        predictions = model(inputs)
        loss_fn(predictions, targets).backward()
        optimizer.step()
        gaps.append(np.sqrt(np.mean((predictions.data[:, 0] - best_predictions) ** 2)))
    return model, gaps


for name, features in (("raw", X_raw), ("standardised", X_scaled)):
    hessian_eigenvalues = np.linalg.eigvalsh(2 / n * np.c_[np.ones(n), features].T @ np.c_[np.ones(n), features])
    print(f"{name:13s} condition number of the loss surface: {hessian_eigenvalues[-1] / hessian_eigenvalues[0]:8.1f}")

raw_model, raw_gaps = gradient_descent(X_raw, lr=0.01)
scaled_model, scaled_gaps = gradient_descent(X_scaled, lr=0.3)
fig, ax = plt.subplots()
ax.semilogy(raw_gaps, label="raw features, α = 0.01")
ax.semilogy(scaled_gaps, label="standardised features, α = 0.3")
ax.set(xlabel="step", ylabel="RMS gap to the best predictions", title="Gradient descent vs the normal equation")
ax.legend()
plt.show()

# %% [markdown]
# The standardised model reaches the closed-form solution to rounding error; the
# raw one is still far away after 500 steps (and a larger learning rate would
# make it diverge along the steep direction). Mapping the standardised weights
# back to the original units recovers $\theta^\ast$:
#
# $$\hat y = b + \sum_j w_j \frac{x_j - \mu_j}{s_j}
#   \quad\Longrightarrow\quad \theta_j = \frac{w_j}{s_j}, \qquad \theta_0 = b - \sum_j \frac{w_j\mu_j}{s_j}.$$

# %%
w = scaled_model.weight.data[:, 0]
b = scaled_model.bias.data[0]
recovered = np.r_[b - np.sum(w * mean / std), w / std]
print("from gradient descent:", np.round(recovered, 4))
print("normal equation:      ", np.round(theta_star, 4))

# %% [markdown]
# ## Non-linear regression: an MLP with an identity output
#
# A straight line is all the normal equation can give. An MLP with hidden tanh
# layers and the same identity output and squared error can follow a curve.

# %%
x = np.sort(rng.uniform(-3, 3, size=120))
y_curve = np.sin(1.5 * x) + 0.3 * x + rng.normal(scale=0.15, size=x.size)
inputs = x[:, None]

line = np.linalg.solve(np.c_[np.ones_like(x), x].T @ np.c_[np.ones_like(x), x], np.c_[np.ones_like(x), x].T @ y_curve)
model = nn.MLP([1, 32, 32, 1], activation="tanh", rng=SEED)
optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
history = nn.fit(model, nn.MSELoss(), optimizer, inputs, y_curve[:, None], epochs=300, batch_size=40,
                 metrics=(), rng=SEED, progress=False)

grid = np.linspace(-3.2, 3.2, 200)
with no_grad():
    curve = model(Tensor(grid[:, None])).data[:, 0]
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
left.scatter(x, y_curve, s=10, color="gray", label="data")
left.plot(grid, line[0] + line[1] * grid, label="linear regression (normal equation)")
left.plot(grid, curve, label="MLP 1-32-32-1, identity output")
left.set(xlabel="x", ylabel="y", title="Regression")
left.legend(fontsize=8)
right.semilogy(history["loss"])
right.set(xlabel="epoch", ylabel="mean squared error", title="MLP training loss")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Summary.** For linear regression the gradient $\frac2n(X^\top X\theta - X^\top y)$
# vanishes at the normal equation's $\theta^\ast$, and gradient descent converges to
# the same point — quickly once the features are standardised. Swap the linear
# model for an MLP and keep the identity output and squared error, and the same
# machinery fits curves no closed form could.

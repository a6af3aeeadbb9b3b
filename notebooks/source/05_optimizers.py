# %% [markdown]
# # 5 · Optimizers: from gradient descent to Adam
#
# Backpropagation gives the gradient; an **optimizer** decides what step to take
# with it. In this notebook we
#
# 1. write down the update rules and check that `nn.optim` follows them exactly;
# 2. race SGD, momentum, Nesterov, RMSProp and Adam across one loss surface;
# 3. compare them on the training curves of a small network;
# 4. see what a learning rate that is too high or too low does;
# 5. look at the effect of the mini-batch size.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Tensor

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
SEED = 0

# %% [markdown]
# ## The update rules
#
# Write $g = \nabla_\theta L(\theta^k)$ for the gradient at the current parameters
# and $\alpha$ for the learning rate.
#
# * **Gradient descent**: $\theta^{k+1} = \theta^k - \alpha g$. Every direction is scaled by the same $\alpha$.
# * **Momentum** keeps a velocity, an exponentially weighted sum of past gradients, and moves along it:
#   $v^{k+1} = \beta v^k - \alpha g$, $\;\theta^{k+1} = \theta^k + v^{k+1}$ (usually $\beta = 0.9$).
#   Steps that keep pointing the same way add up; steps that zig-zag cancel.
# * **Nesterov momentum** first jumps along the velocity, $\tilde\theta = \theta^k + \beta v^k$,
#   and takes the gradient *there*: $v^{k+1} = \beta v^k - \alpha \nabla_\theta L(\tilde\theta)$,
#   $\;\theta^{k+1} = \theta^k + v^{k+1}$.
# * **RMSProp** divides each coordinate's step by a running root-mean-square of its gradients:
#   $s^{k+1} = \beta s^k + (1 - \beta)\, g \circ g$, $\;\theta^{k+1} = \theta^k - \alpha \frac{g}{\sqrt{s^{k+1}} + \epsilon}$.
#   Steep directions get smaller steps, flat ones larger.
# * **Adam** combines both: a momentum-like mean $m$ and an RMSProp-like $s$ of the gradients,
#   each corrected for starting at zero:
#   $m^{k+1} = \beta_1 m^k + (1 - \beta_1) g$, $\;s^{k+1} = \beta_2 s^k + (1 - \beta_2) g \circ g$,
#   $\;\theta^{k+1} = \theta^k - \alpha \frac{m^{k+1} / (1 - \beta_1^{k+1})}{\sqrt{s^{k+1} / (1 - \beta_2^{k+1})} + \epsilon}$.
#
# `nn.optim` keeps the notes' velocity $v$. For Nesterov there is one twist: a
# training loop can only compute the gradient where the parameter *is*, so with
# `nesterov=True` the parameter holds the look-ahead point $\tilde\theta = \theta + \beta v$
# and `backward()` yields exactly the notes' $\nabla_\theta L(\tilde\theta)$ (this is
# also PyTorch's form). Let us check each optimizer against the formulas above, coded
# by hand, on five steps on a small quadratic:

# %%
A = np.diag([1.0, 10.0])


def quadratic(theta):
    """L(θ) = ½ θᵀAθ, with gradient Aθ."""
    return 0.5 * (theta * (A @ theta)).sum()


def library_steps(make_optimizer, steps=5):
    theta = nn.Parameter(np.array([1.0, 1.0]))
    optimizer = make_optimizer([theta])
    for _ in range(steps):
        optimizer.zero_grad()
        quadratic(theta).backward()
        optimizer.step()
    return theta.data


def momentum_by_hand(alpha, beta, steps=5):
    theta, v = np.array([1.0, 1.0]), np.zeros(2)
    for _ in range(steps):
        v = beta * v - alpha * (A @ theta)
        theta = theta + v
    return theta


def nesterov_look_ahead_by_hand(alpha, beta, steps=5):
    theta, v = np.array([1.0, 1.0]), np.zeros(2)
    for _ in range(steps):
        v = beta * v - alpha * (A @ (theta + beta * v))  # gradient at the look-ahead point
        theta = theta + v
    return theta + beta * v  # the look-ahead point, which the library's parameter holds


def rmsprop_by_hand(alpha, beta, eps=1e-8, steps=5):
    theta, s = np.array([1.0, 1.0]), np.zeros(2)
    for _ in range(steps):
        g = A @ theta
        s = beta * s + (1 - beta) * g * g
        theta = theta - alpha * g / (np.sqrt(s) + eps)
    return theta


def adam_by_hand(alpha, beta1=0.9, beta2=0.999, eps=1e-8, steps=5):
    theta, m, s = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    for k in range(1, steps + 1):
        g = A @ theta
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        theta = theta - alpha * (m / (1 - beta1**k)) / (np.sqrt(s / (1 - beta2**k)) + eps)
    return theta


print("momentum  library", library_steps(lambda p: nn.optim.SGD(p, lr=0.05, momentum=0.9)),
      " by hand", momentum_by_hand(0.05, 0.9))
print("Nesterov  library", library_steps(lambda p: nn.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
      " by hand", nesterov_look_ahead_by_hand(0.05, 0.9))
print("RMSProp   library", library_steps(lambda p: nn.optim.RMSprop(p, lr=0.05, alpha=0.9)),
      " by hand", rmsprop_by_hand(0.05, 0.9))
print("Adam      library", library_steps(lambda p: nn.optim.Adam(p, lr=0.05)),
      " by hand", adam_by_hand(0.05))

# %% [markdown]
# ## A race across one loss surface
#
# A long, narrow valley is where plain gradient descent struggles: the gradient
# points mostly across the valley, not along it, so a learning rate small enough
# not to bounce off the steep walls makes slow progress along the floor. Our
# valley is $L(x, y) = \frac12(0.1\,x^2 + 2\,y^2)$: twenty times more curved across
# ($y$) than along ($x$). Each optimizer takes 60 steps from $(-9, 2)$, with a
# learning rate that suits it.

# %%
def valley(theta):
    return 0.5 * (0.1 * theta[0] ** 2 + 2 * theta[1] ** 2)


def path(make_optimizer, start=(-9.0, 2.0), steps=60):
    theta = nn.Parameter(np.array(start))
    optimizer = make_optimizer([theta])
    points = [theta.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        valley(theta).backward()
        optimizer.step()
        points.append(theta.data.copy())
    return np.array(points)


optimizers = {
    "SGD, α = 0.9": lambda p: nn.optim.SGD(p, lr=0.9),
    "momentum 0.9, α = 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov 0.9, α = 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp, α = 0.3": lambda p: nn.optim.RMSprop(p, lr=0.3),
    "Adam, α = 0.5": lambda p: nn.optim.Adam(p, lr=0.5),
}
paths = {name: path(make) for name, make in optimizers.items()}

xs, ys = np.meshgrid(np.linspace(-10, 4, 200), np.linspace(-3, 3, 200))
surface = 0.5 * (0.1 * xs**2 + 2 * ys**2)
colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
fig, axes = plt.subplots(2, 3, figsize=(14, 6))
for ax, (name, points), color in zip(axes.flat, paths.items(), colors):
    ax.contour(xs, ys, surface, levels=np.logspace(-2, 1.2, 12), colors="gray", linewidths=0.5)
    ax.plot(points[:, 0], points[:, 1], "o-", ms=2.5, lw=1, color=color)
    ax.plot(0, 0, "k*", ms=10)
    ax.set(title=name, xlabel="x", ylabel="y", aspect="equal")
    axes[1, 2].semilogy([valley(p) for p in points], color=color, label=name)
axes[1, 2].set(xlabel="step", ylabel="L", title="Loss along each path")
axes[1, 2].legend(fontsize=7)
plt.tight_layout()
plt.show()

# %% [markdown]
# Plain SGD, at a learning rate just below where it would diverge across the
# valley, zig-zags across it and creeps along it. Momentum gathers speed along the
# floor (and overshoots, then swings back); Nesterov, measuring the gradient where
# the momentum is about to take it, brakes earlier and swings less. RMSProp and
# Adam divide each coordinate by its own gradient size, so both directions move
# at the same pace — they head diagonally for the floor, then along it.
#
# ## On a real training curve
#
# The same optimizers train one small network on the moons, from the same initial
# weights and with the same mini-batches.

# %%
X, y = nn.data.make_moons(400, noise=0.2, rng=SEED)
curves = {
    "SGD, α = 0.1": lambda p: nn.optim.SGD(p, lr=0.1),
    "momentum 0.9, α = 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov 0.9, α = 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp, α = 0.005": lambda p: nn.optim.RMSprop(p, lr=0.005),
    "Adam, α = 0.005": lambda p: nn.optim.Adam(p, lr=0.005),
}


def training_curve(make_optimizer, epochs=40, batch_size=32):
    model = nn.MLP([2, 16, 16, 2], rng=SEED)
    history = nn.fit(model, nn.CrossEntropyLoss(), make_optimizer(model.parameters()), X, y,
                     epochs=epochs, batch_size=batch_size, rng=SEED, progress=False)
    return history["loss"]


fig, ax = plt.subplots()
for name, make in curves.items():
    ax.semilogy(range(1, 41), training_curve(make), label=name)
ax.set(xlabel="epoch", ylabel="training loss", title="A 2-16-16-2 MLP on the moons")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## The learning rate: too low, about right, too high
#
# On $L(\theta) = \frac{c}{2}\theta^2$ a gradient step multiplies $\theta$ by
# $1 - \alpha c$. For $\alpha < 1/c$ it creeps towards 0, for $1/c < \alpha < 2/c$ it
# oscillates but converges, and for $\alpha > 2/c$ each step overshoots further than
# the last: the loss goes to infinity. Any model's loss behaves the same way along
# its most curved direction, with $c$ its largest curvature (notebook 9 measures
# it). On the right, linear regression — `nn.Linear` with `MSELoss` on four
# standardised features, full-batch gradient descent — at four learning rates.
# The usual advice: try learning rates a factor of 10 apart.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
c = 1.0
for alpha in (0.1, 1.5, 2.1):
    theta, trace = 1.0, [1.0]
    for _ in range(20):
        theta -= alpha * c * theta
        trace.append(theta)
    left.plot(trace, "o-", ms=3, label=f"α = {alpha}")
left.set(xlabel="step", ylabel="θ", title="Gradient descent on L = θ²/2", ylim=(-3, 3))
left.legend()

X_reg, y_reg = nn.data.make_regression(200, n_features=4, noise=10, rng=SEED)
y_reg = ((y_reg - y_reg.mean()) / y_reg.std())[:, None]
for lr in (0.01, 0.1, 0.75, 0.9):
    model = nn.Linear(4, 1, rng=SEED)
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(40):
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(Tensor(X_reg)), y_reg)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    right.semilogy(losses, label=f"α = {lr:g}")
right.set(xlabel="step", ylabel="mean squared error", title="Linear regression with four learning rates")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# $\alpha = 0.01$ is still far from the minimum after 40 steps; $\alpha = 0.1$ gets
# there; $\alpha = 0.75$ gets there faster still, bouncing from side to side;
# $\alpha = 0.9$ is past the limit $2/c \approx 0.83$ for this data, and the loss
# grows without bound.
#
# ## Mini-batch size
#
# The gradient of a mini-batch of $n$ examples is the average of their gradients,
# an estimate of the full gradient. Small batches give noisy estimates but many
# updates per epoch; large batches give accurate estimates but few updates. We
# train the same network with batch sizes 4, 32 and 400 (the whole dataset) and
# plot the loss of the whole training set against epochs and against updates.

# %%
def batch_run(batch_size, epochs=20, lr=0.05):
    model = nn.MLP([2, 16, 16, 2], rng=SEED)
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    loader = nn.data.DataLoader(X, y, batch_size=batch_size, shuffle=True, rng=SEED)
    updates, losses = [], []
    for epoch in range(epochs):
        for X_batch, y_batch in loader:
            optimizer.zero_grad()
            loss_fn(model(X_batch), y_batch).backward()
            optimizer.step()
        updates.append((epoch + 1) * len(loader))
        losses.append(loss_fn(model(Tensor(X)), y).item())
    return updates, losses


fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
for batch_size in (4, 32, 400):
    updates, losses = batch_run(batch_size)
    left.plot(range(1, len(losses) + 1), losses, "o-", ms=3, label=f"batch size {batch_size}")
    right.plot(updates, losses, "o-", ms=3, label=f"batch size {batch_size}")
left.set(xlabel="epoch", ylabel="training loss", title="Per epoch: small batches win")
right.set(xlabel="updates", ylabel="training loss", xscale="log", title="Per update: large batches win")
left.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Per epoch (the same number of gradient evaluations), small batches make far more
# progress; per update, the accurate full-batch gradient is best. In practice the
# batch size is chosen as large as the hardware can process in one parallel pass.
#
# **Summary.** Momentum accumulates speed along consistent directions; RMSProp
# and Adam scale each coordinate by its own gradient history; the learning rate
# has a window between too slow and divergent; and the batch size trades noise
# against the number of updates.

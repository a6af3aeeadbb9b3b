# %% [markdown]
# # 9 · Curvature: Hessians, Newton's method and Hessian-vector products
#
# The gradient says which way is down; the **Hessian**, the matrix of second
# derivatives $H_{ij} = \frac{\partial^2 L}{\partial\theta_i\,\partial\theta_j}$,
# says how the slope itself changes — how curved the loss is in each direction.
# Because the engine can differentiate its own gradients, second derivatives come
# for free. In this notebook we
#
# 1. take second derivatives with `grad(grad(f))` and `backward(create_graph=True)`;
# 2. compute the Hessian of a two-parameter loss with `hessian` and check it;
# 3. put a Newton step beside a gradient step;
# 4. use `hvp` — a Hessian-vector product without the Hessian — to find the largest curvature of a bigger model, and with it the largest stable learning rate.

# %%
import matplotlib.pyplot as plt
import numpy as np

from autograd import Value, grad, hessian, hvp

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
rng = np.random.default_rng(0)

# %% [markdown]
# ## Second derivatives
#
# `grad(f)` is itself a differentiable function, so `grad(grad(f))` is $f''$. For
# $f(x) = x^3$: $f'(x) = 3x^2$, $f''(x) = 6x$, $f'''(x) = 6$.

# %%
def f(x):
    return x**3


print("f'(2) =", grad(f)(2.0), "  f''(2) =", grad(grad(f))(2.0), "  f'''(2) =", grad(grad(grad(f)))(2.0))

# %% [markdown]
# Underneath, `backward(create_graph=True)` records the backward pass as a graph
# of its own: the gradient is then a `Value` that can be differentiated again.

# %%
x = Value(2.0, label="x")
y = x**3
y.backward(create_graph=True)
first = x.grad  # 3x², a Value with a graph
print("dy/dx =", first.data, type(first).__name__)
x.grad = None
first.backward()
print("d²y/dx² =", x.grad)

# %% [markdown]
# ## The Hessian of a two-parameter loss
#
# Logistic regression on one feature has two parameters, $\theta = (w, b)$, and
# the mean cross-entropy loss
#
# $$L(w, b) = -\frac1m\sum_i \bigl(y_i \log a_i + (1 - y_i)\log(1 - a_i)\bigr), \qquad a_i = \sigma(w x_i + b).$$
#
# Differentiating $\frac{\partial L}{\partial z_i} = \frac{a_i - y_i}{m}$ once more gives
# $\frac{\partial^2 L}{\partial z_i^2} = \frac{a_i(1 - a_i)}{m}$, so
#
# $$H = \frac1m\sum_i a_i(1 - a_i)\begin{pmatrix} x_i^2 & x_i \\ x_i & 1\end{pmatrix}.$$

# %%
m = 100
xs = rng.normal(size=m)
ys = (rng.uniform(size=m) < 1 / (1 + np.exp(-(3 * xs - 1)))).astype(float)  # true w = 3, b = -1


def loss(theta):
    w, b = theta[0], theta[1]
    a = (w * xs + b).sigmoid()
    return -(ys * a.log() + (1 - ys) * (1 - a).log()).mean()


def loss_numpy(w, b):
    a = 1 / (1 + np.exp(-(w * xs + b)))
    return -np.mean(ys * np.log(a) + (1 - ys) * np.log(1 - a))


theta0 = np.array([0.5, 1.5])
H = hessian(loss)(theta0)
a = 1 / (1 + np.exp(-(theta0[0] * xs + theta0[1])))
H_formula = np.array([[np.sum(a * (1 - a) * xs**2), np.sum(a * (1 - a) * xs)],
                      [np.sum(a * (1 - a) * xs), np.sum(a * (1 - a))]]) / m
print("engine:\n", H)
print("formula:\n", H_formula)
print("eigenvalues (curvatures along the principal directions):", np.linalg.eigvalsh(H))

# %% [markdown]
# ## A Newton step beside a gradient step
#
# Near $\theta$ the loss is approximately the quadratic
# $L(\theta + \Delta) \approx L(\theta) + \nabla L^\top\Delta + \frac12\Delta^\top H\Delta$.
# The gradient step $\Delta = -\alpha\nabla L$ uses only the slope and a learning
# rate we have to pick. **Newton's step** jumps to the minimum of the quadratic
# model, $\Delta = -H^{-1}\nabla L$: it takes big steps where the loss is flat and
# small ones where it is curved, with no learning rate at all. Its price is
# forming and solving with $H$ — $n^2$ numbers for $n$ parameters.

# %%
def run(step, theta, steps):
    path = [theta]
    for _ in range(steps):
        theta = theta + step(theta)
        path.append(theta)
    return np.array(path)


def gradient_step(theta, alpha=5.0):
    return -alpha * grad(loss)(theta)


def newton_step(theta):
    return -np.linalg.solve(hessian(loss)(theta), grad(loss)(theta))


gd_path = run(gradient_step, theta0, 30)
newton_path = run(newton_step, theta0, 6)
optimum = newton_path[-1]


def gap(path):
    """L(θ) − L(θ*) along a path (plus 1e-17, so that an exact zero still shows on a log scale)."""
    return [loss_numpy(*p) - loss_numpy(*optimum) + 1e-17 for p in path]


ws, bs = np.meshgrid(np.linspace(-0.5, 5, 120), np.linspace(-3, 2, 120))
surface = np.vectorize(loss_numpy)(ws, bs)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
left.contour(ws, bs, surface, levels=25, cmap="Greys", linewidths=0.7)
left.plot(gd_path[:, 0], gd_path[:, 1], "o-", ms=3, label="gradient descent, α = 5")
left.plot(newton_path[:, 0], newton_path[:, 1], "s-", ms=5, label="Newton")
left.plot(*optimum, "k*", ms=12)
left.set(xlabel="w", ylabel="b", title="Logistic-regression loss: 30 gradient steps vs 6 Newton steps")
left.legend()
right.semilogy(gap(gd_path), "o-", ms=3, label="gradient descent, α = 5")
right.semilogy(gap(newton_path), "s-", label="Newton")
right.set(xlabel="step", ylabel="L(θ) − L(θ*)", title="Distance to the minimum")
right.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Gradient descent converges linearly (a straight line on the log scale); Newton's
# method converges quadratically — the number of correct digits roughly doubles
# each step — until it reaches rounding error.
#
# ## Hessian-vector products
#
# For a model with $n$ parameters the Hessian has $n^2$ entries. But many uses need
# only its action on a vector, $Hv$, and that is the gradient of $\nabla L^\top v$ —
# one more backward pass through the recorded gradient graph, never forming $H$.
# `hvp(f)(theta, v)` does exactly that. First a check against the full Hessian:

# %%
v = np.array([1.0, -2.0])
print("hvp:         ", hvp(loss)(theta0, v))
print("hessian @ v: ", H @ v)

# %% [markdown]
# With $Hv$ alone we can run **power iteration**, $v \leftarrow Hv / \lVert Hv\rVert$,
# which converges to the direction of largest curvature, and the Rayleigh quotient
# $v^\top H v / v^\top v$ to its eigenvalue $\lambda_{\max}$. That number bounds the
# learning rate: along that direction the loss is like $\frac{\lambda_{\max}}{2}\,t^2$,
# and gradient descent diverges unless $\alpha < 2/\lambda_{\max}$ (notebook 5
# showed the same on $\frac{c}{2}\theta^2$).
#
# Here: least-squares regression with 50 features whose scales differ a lot. Its
# Hessian, $\frac2n X^\top X$, has 2 500 entries; a network with a million
# parameters would have $10^{12}$, while $Hv$ always costs about two gradients.

# %%
n, d = 400, 50
X = rng.normal(size=(n, d)) * np.linspace(0.2, 3.0, d)
y = X @ rng.normal(size=d) + rng.normal(size=n)


def big_loss(w):
    residual = X @ w - y
    return (residual * residual).mean()


w0 = np.zeros(d)
vector = rng.normal(size=d)
estimates = []
for _ in range(30):
    product = hvp(big_loss)(w0, vector)
    estimates.append(vector @ product / (vector @ vector))  # Rayleigh quotient
    vector = product / np.linalg.norm(product)

exact = np.linalg.eigvalsh(hessian(big_loss)(w0))[-1]
print(f"largest curvature: power iteration {estimates[-1]:.6f}, full Hessian {exact:.6f}")
lr_limit = 2 / estimates[-1]

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8))
left.plot(estimates, "o-", ms=3)
left.axhline(exact, color="gray", ls=":", label="largest eigenvalue of the full Hessian")
left.set(xlabel="power iteration", ylabel="λ estimate", title="Largest curvature from Hessian-vector products")
left.legend()
for factor in (0.5, 0.95, 1.05):
    w, losses = w0.copy(), []
    for _ in range(60):
        losses.append(big_loss(w))
        w = w - factor * lr_limit * grad(big_loss)(w)
    right.semilogy(losses, label=f"α = {factor} × 2/λmax")
right.set(xlabel="step", ylabel="loss", title="Gradient descent below and just above 2/λmax")
right.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Below $2/\lambda_{\max}$ the loss falls; just above it, the steepest direction
# overshoots a little more every step, and after a few dozen steps that is all
# one sees: the loss climbs without bound. (For a non-quadratic loss such as the
# cross-entropy the curvature changes as the parameters move, so the bound holds
# locally — measure it where you are.)
#
# **Summary.** Second derivatives are gradients of gradients. The Hessian gives
# Newton's method its learning-rate-free, quadratically convergent steps on small
# problems; on large ones, Hessian-vector products reveal the curvature — and
# the largest safe learning rate — at the cost of a gradient or two.

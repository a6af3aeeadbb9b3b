# %% [markdown]
# # 2 · The derivations, checked numerically
#
# Course notes derive a handful of gradients by hand that every later result
# rests on. Here we take each derivation, state it, and check it against the
# engine on random numbers:
#
# 1. logistic regression: sigmoid + binary cross-entropy gives $\frac{\partial l}{\partial z} = a - y$;
# 2. softmax + categorical cross-entropy gives $\frac{\partial J}{\partial Z} = \hat Y - Y$, and the backpropagation formulas of a hidden layer;
# 3. the δ-rule for a sigmoid network trained with an L2 loss;
# 4. finite differences — how `gradcheck` works, and what goes wrong when its step $\varepsilon$ is too large or too small.

# %%
import matplotlib.pyplot as plt
import numpy as np

from autograd import GradcheckError, Tensor, Value, draw_graph, grad, gradcheck, jacobian

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})
rng = np.random.default_rng(0)


def max_abs_difference(p, q):
    return float(np.max(np.abs(np.asarray(p) - np.asarray(q))))

# %% [markdown]
# ## 1. Logistic regression: $\partial l / \partial z = a - y$
#
# For one example with features $x_1, x_2$, logistic regression computes
#
# $$z = w_1 x_1 + w_2 x_2 + b, \qquad a = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
#   l(a, y) = -\bigl(y \log a + (1 - y)\log(1 - a)\bigr).$$
#
# The chain rule through the loss and the sigmoid gives
#
# $$\frac{\partial l}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}, \qquad
#   \frac{\partial a}{\partial z} = a(1 - a), \qquad
#   \frac{\partial l}{\partial z} = \frac{\partial l}{\partial a}\frac{\partial a}{\partial z} = a - y,$$
#
# and from there $\frac{\partial l}{\partial w_i} = x_i (a - y)$ and $\frac{\partial l}{\partial b} = a - y$.
# The graph, built from `Value`s:

# %%
x1, x2, y = 1.5, -0.5, 1.0
w1, w2, b = Value(0.3, label="w1"), Value(-1.2, label="w2"), Value(0.1, label="b")
z = w1 * x1 + w2 * x2 + b
z.label = "z"
a = z.sigmoid()
a.label = "a"
loss = -(y * a.log() + (1 - y) * (1 - a).log())
loss.label = "l"
loss.backward()

print(f"dl/dz  engine {z.grad: .6f}   a - y          {a.data - y: .6f}")
print(f"dl/dw1 engine {w1.grad: .6f}   x1 (a - y)     {x1 * (a.data - y): .6f}")
print(f"dl/dw2 engine {w2.grad: .6f}   x2 (a - y)     {x2 * (a.data - y): .6f}")
print(f"dl/db  engine {b.grad: .6f}   a - y          {a.data - y: .6f}")
draw_graph(loss)

# %% [markdown]
# Over $m$ examples the cost is the mean $J = \frac{1}{m}\sum_i l(a^{(i)}, y^{(i)})$, so
# each example's $a^{(i)} - y^{(i)}$ is divided by $m$, and in matrix form
# $\frac{\partial J}{\partial w} = \frac{1}{m} X^\top (a - y)$. The same check on a batch of
# 8 examples with `Tensor`s (intermediate tensors such as `z` keep their gradient
# after `backward()`, so we can read $\partial J / \partial z$ directly):

# %%
m = 8
X = rng.normal(size=(m, 2))
y = rng.integers(0, 2, size=(m, 1)).astype(float)
w = Tensor(rng.normal(size=(2, 1)), requires_grad=True, label="w")
b = Tensor(np.zeros(1), requires_grad=True, label="b")

z = X @ w + b
a = z.sigmoid()
J = -(y * a.log() + (1 - y) * (1 - a).log()).mean()
J.backward()

print("dJ/dz vs (a - y)/m:      ", max_abs_difference(z.grad, (a.data - y) / m))
print("dJ/dw vs X^T (a - y)/m:  ", max_abs_difference(w.grad, X.T @ (a.data - y) / m))

# %% [markdown]
# ## 2. Softmax and categorical cross-entropy: $\partial J / \partial Z = \hat Y - Y$
#
# With $K$ classes the output layer computes $Z = XW + b$ and
# $\hat Y_{nk} = \frac{e^{Z_{nk}}}{\sum_i e^{Z_{ni}}}$. The derivative of one softmax
# output with respect to one of its inputs is
#
# $$\frac{\partial \hat Y_{nk'}}{\partial Z_{nk}} = \hat Y_{nk'}\,(\delta_{kk'} - \hat Y_{nk}),$$
#
# where $\delta_{kk'}$ is 1 if $k = k'$ and 0 otherwise. For one row that is the
# matrix $\operatorname{diag}(\hat y) - \hat y \hat y^\top$. The engine's `jacobian`
# of the softmax should be exactly that:

# %%
z_row = rng.normal(size=3)
y_hat = np.exp(z_row) / np.exp(z_row).sum()
engine = jacobian(lambda t: t.softmax())(z_row)
formula = np.diag(y_hat) - np.outer(y_hat, y_hat)
print(np.round(engine, 4))
print("max |engine - formula| =", max_abs_difference(engine, formula))

# %% [markdown]
# With one-hot targets $Y$ and the loss $J = -\sum_n \sum_k Y_{nk}\log \hat Y_{nk}$,
# the chain rule sums over all $k'$:
#
# $$\frac{\partial J}{\partial Z_{nk}} = \sum_{k'} -\frac{Y_{nk'}}{\hat Y_{nk'}}\,\hat Y_{nk'}(\delta_{kk'} - \hat Y_{nk})
#   = \hat Y_{nk}\sum_{k'} Y_{nk'} - Y_{nk} = \hat Y_{nk} - Y_{nk},$$
#
# because each row of $Y$ sums to one. Through $Z = XW + b$ this gives
# $\frac{\partial J}{\partial W} = X^\top(\hat Y - Y)$ and $\frac{\partial J}{\partial b} = \sum_n (\hat Y_n - Y_n)$.

# %%
N, D, K = 6, 4, 3
X = rng.normal(size=(N, D))
Y = np.eye(K)[rng.integers(0, K, size=N)]  # one-hot rows
W = Tensor(rng.normal(size=(D, K)), requires_grad=True)
b = Tensor(np.zeros(K), requires_grad=True)

Z = X @ W + b
Y_hat = Z.softmax(axis=1)
J = -(Y * Y_hat.log()).sum()
J.backward()

print("dJ/dZ vs Y_hat - Y:          ", max_abs_difference(Z.grad, Y_hat.data - Y))
print("dJ/dW vs X^T (Y_hat - Y):    ", max_abs_difference(W.grad, X.T @ (Y_hat.data - Y)))
print("dJ/db vs column sums:        ", max_abs_difference(b.grad, (Y_hat.data - Y).sum(axis=0)))

# %% [markdown]
# ### One hidden layer
#
# Add a hidden layer, $Z^{(1)} = XW^{(1)} + b^{(1)}$, $A^{(1)} = f(Z^{(1)})$,
# $Z^{(2)} = A^{(1)}W^{(2)} + b^{(2)}$, $\hat Y = \operatorname{softmax}(Z^{(2)})$.
# The gradient flows back through $W^{(2)}$ and the activation's derivative
# (here $f = \tanh$, so $f'(Z^{(1)}) = 1 - (A^{(1)})^2$, elementwise $\odot$):
#
# $$\frac{\partial J}{\partial Z^{(1)}} = (\hat Y - Y)\,W^{(2)\top} \odot f'(Z^{(1)}), \qquad
#   \frac{\partial J}{\partial W^{(1)}} = X^\top \frac{\partial J}{\partial Z^{(1)}}, \qquad
#   \frac{\partial J}{\partial W^{(2)}} = A^{(1)\top}(\hat Y - Y).$$

# %%
M = 5
W1 = Tensor(rng.normal(size=(D, M)), requires_grad=True)
b1 = Tensor(np.zeros(M), requires_grad=True)
W2 = Tensor(rng.normal(size=(M, K)), requires_grad=True)
b2 = Tensor(np.zeros(K), requires_grad=True)

A1 = (X @ W1 + b1).tanh()
Y_hat = (A1 @ W2 + b2).softmax(axis=1)
J = -(Y * Y_hat.log()).sum()
J.backward()

dZ2 = Y_hat.data - Y
dZ1 = (dZ2 @ W2.data.T) * (1 - A1.data**2)
print("dJ/dW2 vs A1^T (Y_hat - Y):  ", max_abs_difference(W2.grad, A1.data.T @ dZ2))
print("dJ/dW1 vs X^T dJ/dZ1:        ", max_abs_difference(W1.grad, X.T @ dZ1))
print("dJ/db1 vs column sums of dZ1:", max_abs_difference(b1.grad, dZ1.sum(axis=0)))

# %% [markdown]
# ## 3. The δ-rule: sigmoid layers and an L2 loss
#
# Take the small network of the notes: two inputs $x$, three sigmoid hidden units
# $h = \sigma(xw + b^{(1)})$, two sigmoid outputs $y = \sigma(hu + b^{(2)})$, targets
# $t$, and the loss $L = \frac12 \sum_j (y_j - t_j)^2$. For an output weight,
#
# $$\frac{\partial L}{\partial u_{ij}} = (y_j - t_j)\,y_j(1 - y_j)\,h_i = \delta_j h_i .$$
#
# A hidden unit has no target of its own; its error is the output errors sent back
# through the weights $u$:
#
# $$\frac{\partial L}{\partial w_{ij}} = \delta_j x_i, \qquad
#   \delta_j = \Bigl(\sum_k \delta_k u_{jk}\Bigr)\,h_j(1 - h_j).$$
#
# First the δ's by hand with numpy, then the engine:

# %%
x = rng.normal(size=(1, 2))
t = np.array([[0.0, 1.0]])
w = Tensor(rng.normal(size=(2, 3)), requires_grad=True)
b1 = Tensor(rng.normal(size=3), requires_grad=True)
u = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
b2 = Tensor(rng.normal(size=2), requires_grad=True)

h = (x @ w + b1).sigmoid()
y = (h @ u + b2).sigmoid()
L = 0.5 * ((y - t) ** 2).sum()
L.backward()

delta_out = (y.data - t) * y.data * (1 - y.data)  # δ_k of the output units
delta_hidden = (delta_out @ u.data.T) * h.data * (1 - h.data)  # δ_j = Σ_k δ_k u_jk · h_j (1 - h_j)
print("dL/du vs h^T δ_out:     ", max_abs_difference(u.grad, h.data.T @ delta_out))
print("dL/dw vs x^T δ_hidden:  ", max_abs_difference(w.grad, x.T @ delta_hidden))
print("dL/db1 vs δ_hidden:     ", max_abs_difference(b1.grad, delta_hidden[0]))

# %% [markdown]
# The δ-rule *is* backpropagation for this network: the engine computes the same
# numbers, only it gets the local derivatives from each operation's rule instead
# of from a derivation on paper.
#
# ## 4. Finite differences, and how to choose $\varepsilon$
#
# A derivative can also be estimated without any calculus. The **forward
# difference** $\frac{f(x + \varepsilon) - f(x)}{\varepsilon}$ is wrong by about
# $\frac{\varepsilon}{2} f''(x)$; the **central difference**
# $\frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}$ by only about
# $\frac{\varepsilon^2}{6} f'''(x)$. That *truncation* error says: make
# $\varepsilon$ small. But each $f$ is computed with a rounding error of about
# $10^{-16}|f|$ in float64, and dividing by $\varepsilon$ magnifies it: make
# $\varepsilon$ large. The sum of the two is smallest in between.
#
# Below: $f(x) = \sin(x)\,e^{x}$ at $x = 1$, whose exact derivative is
# $e^{x}(\sin x + \cos x)$, and the engine's derivative beside it.

# %%
def f(x):
    return x.sin() * x.exp() if isinstance(x, Value) else np.sin(x) * np.exp(x)


x0 = 1.0
exact = np.exp(x0) * (np.sin(x0) + np.cos(x0))
print(f"engine: {grad(f)(x0):.15f}\nexact:  {exact:.15f}")

eps = np.logspace(-15, 0, 61)
forward_error = np.abs((f(x0 + eps) - f(x0)) / eps - exact)
central_error = np.abs((f(x0 + eps) - f(x0 - eps)) / (2 * eps) - exact)

fig, ax = plt.subplots()
ax.loglog(eps, forward_error, label="forward difference")
ax.loglog(eps, central_error, label="central difference")
ax.axvline(1e-6, color="gray", ls=":", label="gradcheck's default ε = 1e-6")
ax.set(xlabel="ε", ylabel="|estimate − exact derivative|", title="Truncation error (right) vs rounding error (left)")
ax.legend()
plt.show()
print(f"best ε for the central difference here: {eps[np.argmin(central_error)]:.0e}")

# %% [markdown]
# `gradcheck` uses the central difference in float64 with $\varepsilon = 10^{-6}$,
# close to the bottom of that curve, and accepts a difference of
# `atol + rtol·|numeric|`. With a sensible $\varepsilon$ it passes; with
# $\varepsilon$ far too large (truncation error) or far too small (rounding error)
# the finite difference itself is wrong and the check fails — the engine is
# fine, the ruler is bent. In float32 (about 7 significant digits) no $\varepsilon$
# is good enough, which is why gradient checks are done in float64.

# %%
for eps_try in (1e-6, 0.3, 1e-14):
    try:
        print(f"eps = {eps_try:g}: gradcheck passed:", gradcheck(f, 1.0, eps=eps_try))
    except GradcheckError as error:
        print(f"eps = {eps_try:g}: gradcheck failed:\n    {error}")

# %% [markdown]
# **Summary.** Every hand derivation here — $a - y$, $\hat Y - Y$, the hidden-layer
# formulas, the δ-rule — agrees with the engine to rounding error. When you derive
# a gradient yourself, check it the same way, with a central difference in
# float64 and $\varepsilon$ around $10^{-6}$.

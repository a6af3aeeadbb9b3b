# %% [markdown]
# # 13 · Forward and reverse mode
#
# Backpropagation is **reverse-mode** automatic differentiation: one pass from
# the output back to the inputs gives the derivative of *one* output with respect
# to *every* input. There is a second mode. **Forward mode** pushes a derivative
# the other way, from the inputs to the outputs, alongside the forward pass: one
# pass gives the derivative of *every* output along *one* input direction.
#
# For a function $f: \mathbb{R}^n \to \mathbb{R}^m$ the Jacobian
# $J_{ij} = \partial f_i / \partial x_j$ is $m \times n$:
#
# - forward mode builds it one **column** per pass: $n$ passes;
# - reverse mode builds it one **row** per pass: $m$ passes.
#
# A loss has $m = 1$ and millions of inputs, which is why training uses reverse
# mode. In this notebook we
#
# 1. run both modes by hand on the course's $J = 3(a + bc)$;
# 2. run them with the engine: `jvp` and `jacfwd` (forward), `grad` and `jacrev` (reverse);
# 3. see how the engine gets forward mode out of reverse passes;
# 4. measure the cost of both Jacobians as $n$ and $m$ grow.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from autograd import Tensor, Value, grad, jacfwd, jacrev, jvp

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})

# %% [markdown]
# ## Forward mode by hand
#
# Break $J = 3(a + bc)$ into steps, $u = bc$, $v = a + u$, $J = 3v$, with
# $a = 5$, $b = 3$, $c = 2$. Forward mode carries, next to each value, its
# derivative along a chosen input direction — its **tangent**, written with a dot:
# $\dot a = \partial a / \partial s$ for a direction $s$. Each step's tangent
# follows from its inputs' tangents by the same local derivatives backprop uses:
#
# $$\dot u = \dot b\,c + b\,\dot c, \qquad \dot v = \dot a + \dot u, \qquad \dot J = 3\dot v.$$
#
# Seeding $(\dot a, \dot b, \dot c) = (1, 0, 0)$ gives $\dot J = \partial J / \partial a$;
# each input needs its own pass.

# %%
a, b, c = 5.0, 3.0, 2.0


def forward_pass_with_tangents(da, db, dc):
    """J = 3(a + bc) and its tangent, step by step."""
    u, du = b * c, db * c + b * dc
    v, dv = a + u, da + du
    J, dJ = 3 * v, 3 * dv
    return J, dJ


for name, seed in (("a", (1, 0, 0)), ("b", (0, 1, 0)), ("c", (0, 0, 1))):
    J, dJ = forward_pass_with_tangents(*seed)
    print(f"seed d{name} = 1:  J = {J:g},  dJ/d{name} = {dJ:g}")

# %% [markdown]
# Three forward passes for three inputs: $\partial J/\partial a = 3$,
# $\partial J/\partial b = 3c = 6$, $\partial J/\partial c = 3b = 9$.
#
# ## Reverse mode by hand
#
# Reverse mode runs the forward pass once, then walks back from $\bar J = 1$
# carrying each node's **adjoint** $\bar x = \partial J / \partial x$:
#
# $$\bar v = 3\bar J, \qquad \bar a = \bar v, \quad \bar u = \bar v, \qquad \bar b = \bar u\,c, \quad \bar c = \bar u\,b.$$

# %%
u = b * c
v = a + u
J = 3 * v
J_bar = 1.0
v_bar = 3 * J_bar
a_bar, u_bar = v_bar, v_bar
b_bar, c_bar = u_bar * c, u_bar * b
print(f"one backward pass:  dJ/da = {a_bar:g},  dJ/db = {b_bar:g},  dJ/dc = {c_bar:g}")

# %% [markdown]
# One pass gives all three. With one output and three inputs reverse mode wins;
# with three outputs and one input it would be the other way round.
#
# ## Both modes by the engine
#
# `jvp(f, primals, tangents)` returns $f$ at the primals and the Jacobian times
# the tangents — forward mode's $\dot J$ (the name and signature are JAX's).
# `jacfwd` builds the whole Jacobian one input direction at a time; `grad` and
# `jacrev` are reverse mode.

# %%
def f(a, b, c):
    return 3 * (a + b * c)


for name, seed in (("a", (1.0, 0.0, 0.0)), ("b", (0.0, 1.0, 0.0)), ("c", (0.0, 0.0, 1.0))):
    value, tangent = jvp(f, (5.0, 3.0, 2.0), seed)
    print(f"jvp along {name}: J = {value:g}, dJ/d{name} = {tangent:g}")

print("jacfwd:", jacfwd(f, argnums=(0, 1, 2))(5.0, 3.0, 2.0))
print("grad:  ", grad(f, argnums=(0, 1, 2))(5.0, 3.0, 2.0))
print("jacrev:", jacrev(f, argnums=(0, 1, 2))(5.0, 3.0, 2.0))

# %% [markdown]
# ## How the engine does forward mode with reverse passes
#
# Every op of this library has a reverse rule (a vector-Jacobian product,
# $\bar x = J^\top \bar y$) and no forward rule. Forward mode comes out of the
# reverse rules by a trick: $J^\top u$ is **linear** in $u$, so for any
# direction $v$
#
# $$J v = \frac{\partial}{\partial u}\,\langle J^\top u,\ v\rangle .$$
#
# Run a backward pass from a fresh cotangent $u$ with `create_graph=True`: the
# gradient $J^\top u$ is then a node with a graph. The gradient of
# $\langle J^\top u, v\rangle$ with respect to $u$ — a second reverse pass — is
# $Jv$. Here it is by hand for $f$ at $(5, 3, 2)$ along $v = (0, 1, 0)$:

# %%
a, b, c = Value(5.0), Value(3.0), Value(2.0)
u = Value(0.0, label="u")  # the cotangent: its value does not matter, J^T u is linear in it
out = f(a, b, c)
(u * out).backward(create_graph=True)  # a.grad, b.grad, c.grad are J^T u, nodes depending on u
tangent = (0.0, 1.0, 0.0)
directional = a.grad * tangent[0] + b.grad * tangent[1] + c.grad * tangent[2]
u.grad = 0.0  # the first pass left d⟨u, f⟩/du = f in u.grad; start the second pass from zero
directional.backward()
print("J v =", u.grad, "  (jvp says", jvp(f, (5.0, 3.0, 2.0), tangent)[1], ")")

# %% [markdown]
# This costs two reverse passes (about three forward passes' worth of work) per
# Jacobian-vector product, and it works for every op and every primitive you
# define yourself, with no per-op forward rule. A library that writes a forward
# rule per op (JAX, PyTorch's forward AD) saves the constant factor, not the
# scaling: forward mode still needs one pass per input direction. `jacfwd` runs
# the forward pass and the recorded backward pass once, then one reverse pass
# through that graph per input entry.
#
# ## The cost of the two Jacobians as n and m grow
#
# A small network $f: \mathbb{R}^n \to \mathbb{R}^m$,
# $f(x) = \tanh(W_2 \tanh(W_1 x))$ with a hidden layer of 32 units. First $m = 100$
# outputs and a growing number of inputs $n$, then $n = 100$ and a growing $m$.

# %%
def network(n, m, seed=0):
    rng = np.random.default_rng(seed)
    W1 = Tensor(rng.standard_normal((32, n)) / np.sqrt(n))
    W2 = Tensor(rng.standard_normal((m, 32)) / np.sqrt(32))
    return (lambda x: (W2 @ (W1 @ x).tanh()).tanh()), rng.standard_normal(n)


def seconds(transform, f, x, repeats=5):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        transform(f)(x)
        best = min(best, time.perf_counter() - start)
    return best


sizes = [1, 10, 25, 50, 100, 150]
growing_n = {mode.__name__: [] for mode in (jacfwd, jacrev)}
growing_m = {mode.__name__: [] for mode in (jacfwd, jacrev)}
for size in sizes:
    for mode in (jacfwd, jacrev):
        growing_n[mode.__name__].append(seconds(mode, *network(size, 100)))
        growing_m[mode.__name__].append(seconds(mode, *network(100, size)))

f_check, x_check = network(7, 5)
print("jacfwd and jacrev agree:", np.allclose(jacfwd(f_check)(x_check), jacrev(f_check)(x_check)))

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
for name, label in (("jacfwd", "jacfwd (forward)"), ("jacobian", "jacrev (reverse)")):
    left.plot(sizes, np.array(growing_n[name]) * 1e3, "o-", label=label)
    right.plot(sizes, np.array(growing_m[name]) * 1e3, "o-", label=label)
left.set(title="m = 100 outputs, n inputs grow", xlabel="n (inputs)", ylabel="ms per Jacobian")
right.set(title="n = 100 inputs, m outputs grow", xlabel="m (outputs)")
left.legend()
fig.tight_layout()
plt.show()

# %%
per_column = np.polyfit(sizes, growing_n["jacfwd"], 1)[0]
per_row = np.polyfit(sizes, growing_m["jacobian"], 1)[0]
print(f"one more input costs jacfwd {per_column * 1e3:.3f} ms; one more output costs jacrev {per_row * 1e3:.3f} ms")

# %% [markdown]
# Each mode's time grows with its own count — jacfwd with the number of inputs
# $n$, jacrev with the number of outputs $m$ — and stays flat in the other. The
# lines cross near $n = m$; a column by forward mode costs a little more than a
# row by reverse mode, because it is a reverse pass through the recorded backward
# graph, which holds more nodes than the forward graph. (`jacrev` is `jacobian`
# under JAX's name, which is why the dictionaries above key it as "jacobian".)
# The rule of thumb:
#
# - **tall** Jacobians (few inputs, many outputs: a curve $t \mapsto x(t)$, the
#   sensitivity of a whole output vector to one parameter): forward mode;
# - **wide** Jacobians (many inputs, few outputs: every loss): reverse mode;
# - a Hessian is the Jacobian of a gradient: `jacfwd(jacrev(f))`, forward over
#   reverse, the usual choice because the gradient is a square function.
#
# `benchmarks/jacobians.py` measures the extreme case, $\mathbb{R}^1 \to \mathbb{R}^{500}$
# against $\mathbb{R}^{500} \to \mathbb{R}^1$, beside PyTorch's `torch.func.jacfwd` and `jacrev`.

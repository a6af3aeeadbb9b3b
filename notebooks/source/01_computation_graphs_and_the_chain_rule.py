# %% [markdown]
# # 1 · Computation graphs and the chain rule
#
# Backpropagation is the chain rule, applied to a graph of small operations in
# the right order. In this notebook we
#
# 1. build the classic example $J = 3(a + bc)$ out of `Value`s and look at its forward values,
# 2. run the backward pass **by hand**, one local derivative at a time,
# 3. let `backward()` do the same and compare,
# 4. draw the graph with `draw_graph`, and watch the backward pass step by step with `backward_steps`,
# 5. see what happens when a value is used twice and when `backward()` runs twice,
# 6. add an operation of our own (softplus), check its derivative with `gradcheck`, and draw it.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from autograd import (
    GradcheckError, Tensor, Value, backward_steps, draw_graph, grad, gradcheck, gradgradcheck, primitive,
)
from nn.scalar import MLP
from autograd.vocabulary import sigmoid, tanh

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 80})

# %% [markdown]
# ## The forward pass
#
# To differentiate $J(a, b, c) = 3(a + bc)$ we first break it into steps, giving
# each intermediate result a name:
#
# $$u = bc, \qquad v = a + u, \qquad J = 3v.$$
#
# Each step is one node of the **computation graph**. With $a = 5$, $b = 3$,
# $c = 2$ the forward pass gives $u = 6$, $v = 11$ and $J = 33$. A `Value`
# records exactly this: its number (`data`), the nodes it was computed from
# (`parents`) and the operation that made it (`op`).

# %%
a = Value(5.0, label="a")
b = Value(3.0, label="b")
c = Value(2.0, label="c")
u = b * c
u.label = "u"
v = a + u
v.label = "v"
J = 3 * v
J.label = "J"

for node in (a, b, c, u, v, J):
    print(f"{node.label} = {node.data:4g}   made by {node.op or '(a leaf)'}")

# %% [markdown]
# ## The backward pass, by hand
#
# The backward pass starts at the output with $\frac{dJ}{dJ} = 1$ and walks the
# graph from the output to the inputs. At every node it multiplies the gradient
# that arrived from above by the node's **local** derivative — the chain rule
# $\frac{dJ}{dx} = \frac{dJ}{dy}\,\frac{dy}{dx}$:
#
# | node | local derivative | chain rule | value |
# |---|---|---|---|
# | $J$ | — | $\frac{dJ}{dJ}$ | 1 |
# | $v$ | $\frac{\partial J}{\partial v} = 3$ | $1 \cdot 3$ | 3 |
# | $u$ | $\frac{\partial v}{\partial u} = 1$ | $\frac{dJ}{dv} \cdot 1$ | 3 |
# | $a$ | $\frac{\partial v}{\partial a} = 1$ | $\frac{dJ}{dv} \cdot 1$ | 3 |
# | $b$ | $\frac{\partial u}{\partial b} = c = 2$ | $\frac{dJ}{du} \cdot c$ | 6 |
# | $c$ | $\frac{\partial u}{\partial c} = b = 3$ | $\frac{dJ}{du} \cdot b$ | 9 |
#
# The same table, written as code that only ever multiplies by a local derivative:

# %%
by_hand = {"J": 1.0}
by_hand["v"] = by_hand["J"] * 3  # J = 3v
by_hand["u"] = by_hand["v"] * 1  # v = a + u
by_hand["a"] = by_hand["v"] * 1  # v = a + u
by_hand["b"] = by_hand["u"] * c.data  # u = b c
by_hand["c"] = by_hand["u"] * b.data  # u = b c
by_hand

# %% [markdown]
# ## The backward pass, by the engine
#
# `J.backward()` does the same walk: it orders the nodes so that every node comes
# after everything that uses it (a *topological order*), seeds $\frac{dJ}{dJ} = 1$,
# and lets each node's derivative rule pass gradients to its parents. Every node's
# `grad` then holds $\frac{dJ}{d\,\text{node}}$.

# %%
J.backward()
print("node   by hand   engine")
for node in (J, v, u, a, b, c):
    print(f"{node.label:>4} {by_hand[node.label]:9g} {node.grad:8g}")
    assert node.grad == by_hand[node.label]

# %% [markdown]
# A gradient is a *sensitivity*: nudging $b$ by a small $h$ should move $J$ by
# about $\frac{dJ}{db}\,h = 6h$. Let us check that with plain arithmetic.

# %%
def J_of(a, b, c):
    return 3 * (a + b * c)

h = 1e-3
print("(J(b + h) - J(b)) / h =", (J_of(5.0, 3.0 + h, 2.0) - J_of(5.0, 3.0, 2.0)) / h)

# %% [markdown]
# ## Drawing the graph
#
# `draw_graph` shows every node as a box (its label, data and grad) and every
# operation as a small oval, with data flowing left to right. The gradients in
# the boxes are the ones we just computed.

# %%
draw_graph(J)

# %% [markdown]
# ## Watching the backward pass, step by step
#
# `backward_steps(J)` runs the very same backward pass as `J.backward()` and
# writes down each rule as it runs, output first: the node, the gradient that
# arrived from above (*upstream*), and for each parent the local derivative and
# the gradient it sends. Shown in a notebook, the steps are a small viewer:
# press **next** (or click the viewer and use the ← / → keys) and watch the
# gradient travel from $J$ to $a$, $b$ and $c$, with the chain rule of each step
# written out in numbers. We build a fresh copy of the graph, since running a
# backward pass again would add to the leaves' gradients.

# %%
a2, b2, c2 = Value(5.0, label="a"), Value(3.0, label="b"), Value(2.0, label="c")
J2 = 3 * (a2 + b2 * c2)
steps = backward_steps(J2)
steps

# %% [markdown]
# The viewer needs JavaScript (Jupyter, VS Code, nbviewer). Where scripts are
# stripped, here it is mid-way, at the rule of $a + bc$:
#
# ![The viewer at step 2 of 3: the rule of a + bc sends 3 to a and to bc; a and bc show grad 3](../docs/backprop_viewer.png)
#
# Each box shows its gradient as it stands after the step: a node no rule has
# reached shows none yet; a node used on several paths shows its partial sum
# (in orange) until every use has sent its part, then the complete one (in
# green, with ✓). **fit**, **+** and **−** (or the mouse wheel) zoom, and
# dragging the graph pans it.
#
# and `steps.text()` writes every step as the viewer's panel does. The last
# step is the notes' $\frac{dJ}{dc} = \frac{dJ}{du}\,\frac{du}{dc} = 3 \cdot 3 = 9$:

# %%
print(steps.text())
last = steps[-1]
print([(part.parent.label, part.local, part.contribution) for part in last.contributions])

# %% [markdown]
# ### Quiz yourself
#
# `steps.quiz()` is the same viewer that asks before it tells: at each step,
# for each parent that receives gradient, type the local derivative (the op's
# rule, $\partial(3u)/\partial u$ at the first step) and then the contribution
# (upstream × local), and press Enter or **check**. A wrong answer is marked and
# a hint gives the op's derivative rule from the op table; **show** reveals the
# step (it then does not count). The score comes at the end.
# `steps.save("quiz.html", quiz=True)` writes the quiz as a page of its own.

# %%
steps.quiz()

# %% [markdown]
# Where scripts are stripped, here is the quiz after a wrong answer at the first step:
#
# ![The quiz at step 1 of 3: a wrong local derivative is marked and the hint reads d(a·b)/db = a](../docs/backprop_quiz.png)

# %% [markdown]
# ### A 2-2-1 network of neurons
#
# The same viewer on a tiny network: two inputs, a hidden layer of two ReLU
# neurons, one linear output neuron, and the squared error against a target of 1.
# Passing the model, `backward_steps(net_loss, model=net)`, names the
# parameters after `net.named_parameters()` (`layers.0.neurons.1.w.0`) in the
# graph and in the panel. Each ReLU neuron of the hidden layer is one fused
# `neuron` node, and the output neuron's weighted sum one `dot` node, so each
# rule sends a gradient to every weight, to every input and to the bias at once.

# %%
net = MLP(2, [2, 1], rng=0)
net_loss = (net([1.0, -2.0]) - 1.0) ** 2
net_steps = backward_steps(net_loss, model=net)
net_steps

# %% [markdown]
# And the quiz on it: the hint for a `neuron` or `dot` node is its line of the
# op table, $d/dw_i = x_i$, $d/dx_i = w_i$, $d/db = 1$ (for a ReLU neuron, where
# its sum is positive). A hidden neuron that is off sends 0 to all its inputs.

# %%
net_steps.quiz()

# %% [markdown]
# The network's graph after that backward pass, as a static picture, every
# gradient in its box:

# %%
draw_graph(net_loss)

# %% [markdown]
# ## A value used twice: the gradients of its paths add up
#
# If a node feeds several operations, a change in it reaches the output along
# several paths, and the chain rule adds the contributions of all paths. For
# $f(x) = x \cdot x + x$ we expect $f'(x) = 2x + 1$, so $f'(3) = 7$.

# %%
x = Value(3.0, label="x")
f = x * x + x
f.label = "f"
f.backward()
print("f'(3) =", x.grad)
draw_graph(f)

# %% [markdown]
# ## Leaves accumulate their gradients
#
# A leaf (an input such as $x$) *adds* each backward pass's gradient to its `grad`
# instead of overwriting it. That is what lets the gradients of several losses —
# or several mini-batches — be summed, and it is why training loops call
# `zero_grad()` before every step. Here we run the backward pass of a fresh
# graph for the same $x$ again, without zeroing first:

# %%
f = x * x + x
f.backward()
print("after a second pass without zeroing:", x.grad, "(7 + 7)")
x.grad = 0.0
f = x * x + x
f.backward()
print("after zeroing, then one pass:       ", x.grad)

# %% [markdown]
# ## An operation of your own: softplus
#
# The engine knows nothing about neural networks; it only knows operations, each
# with a forward computation and a derivative rule. You can add operations the
# same way the built-in ones are made. Softplus is a smooth cousin of ReLU:
#
# $$\operatorname{softplus}(x) = \log(1 + e^{x}), \qquad
#   \frac{d}{dx}\operatorname{softplus}(x) = \frac{e^x}{1 + e^x} = \sigma(x).$$
#
# With `@primitive` we give the forward (on plain numbers or numpy arrays) and
# with `defvjp` the derivative rule. The rule receives the gradient `g` arriving
# from above, the op's output, and its inputs, and returns one gradient per input:
# $g \cdot \sigma(x)$. Because the rule uses `sigmoid` from `autograd.vocabulary`,
# which works on numbers *and* on graph nodes, the op can also be differentiated
# twice.

# %%
@primitive
def softplus(x):
    """softplus(x) = log(1 + e^x), computed without overflow."""
    return np.logaddexp(0.0, x)


@softplus.defvjp
def softplus_vjp(g, out, x):
    return (g * sigmoid(x),)  # d/dx softplus(x) = σ(x)


x = Value(0.5, label="x")
y = softplus(x)
y.backward()
print(f"softplus(0.5) = {y.data:.6f}   d/dx = {x.grad:.6f}   σ(0.5) = {1 / (1 + math.exp(-0.5)):.6f}")

# %% [markdown]
# The same op works elementwise on a `Tensor`, so we can plot it together with
# its derivative as the engine computes it. (Each output depends only on its own
# input, so the gradient of the *sum* of the outputs is the elementwise derivative.)

# %%
xs = Tensor(np.linspace(-5, 5, 201), requires_grad=True)
softplus(xs).sum().backward()

fig, ax = plt.subplots()
ax.plot(xs.data, softplus(xs.data), label="softplus(x)")
ax.plot(xs.data, np.maximum(xs.data, 0), "--", color="gray", label="relu(x)")
ax.plot(xs.data, xs.grad, label="d/dx softplus (engine)")
ax.set(xlabel="x", ylabel="value", title="Softplus, a smooth ReLU, and its derivative σ(x)")
ax.legend()
plt.show()

# %% [markdown]
# ## Checking a derivative rule with `gradcheck`
#
# A derivative rule is code, and code can be wrong. `gradcheck` compares the
# engine's derivative with the **central finite difference**
# $\frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}$ at every input
# and returns `True` when they agree within the tolerance. `gradgradcheck` does
# the same for second derivatives ($\operatorname{softplus}'' = \sigma(1 - \sigma)$).

# %%
print(gradcheck(softplus, 0.5))
print(gradcheck(softplus, np.array([-3.0, -0.2, 0.0, 1.5, 4.0])))
print(gradgradcheck(softplus, np.array([-3.0, -0.2, 0.0, 1.5, 4.0])))
s = 1 / (1 + math.exp(-0.5))
print(f"softplus''(0.5): engine {grad(grad(softplus))(0.5):.6f}, formula σ(1 - σ) = {s * (1 - s):.6f}")

# %% [markdown]
# And a rule with a mistake in it — say we misremembered the derivative as
# $\tanh(x)$ — is caught, with a message that says where and by how much:

# %%
@primitive
def wrong_softplus(x):
    return np.logaddexp(0.0, x)


@wrong_softplus.defvjp
def wrong_softplus_vjp(g, out, x):
    return (g * tanh(x),)  # wrong: should be σ(x)


try:
    gradcheck(wrong_softplus, np.array([-1.0, 0.5, 2.0]))
except GradcheckError as error:
    print(error)

# %% [markdown]
# ## The new op in a graph
#
# A user-defined op is a node like any other. Here is one softplus neuron,
# $y = \operatorname{softplus}(w_1 x_1 + w_2 x_2 + b)$, after its backward pass:

# %%
x1, x2 = Value(1.0, label="x1"), Value(-2.0, label="x2")
w1, w2, bias = Value(0.5, label="w1"), Value(0.25, label="w2"), Value(0.1, label="b")
z = w1 * x1 + w2 * x2 + bias
z.label = "z"
y = softplus(z)
y.label = "y"
y.backward()
draw_graph(y)

# %% [markdown]
# **Summary.** A `Value` remembers how it was made; `backward()` applies the chain
# rule node by node in reverse topological order; paths add up; leaves accumulate.
# New operations need only a forward and a derivative rule — and `gradcheck`
# tells you whether the rule is right.

# %% [markdown]
# # 10 · Property-testing gradients
#
# A unit test checks a derivative at the few points its author thought of. A
# **property test** states something that must hold for *every* input — "the
# engine's gradient agrees with the central finite difference" — and lets the
# [Hypothesis](https://hypothesis.readthedocs.io) library search for an input
# where it does not. When it finds one, it **shrinks** it to the simplest
# failing example it can.
#
# `autograd.testing` provides Hypothesis *strategies* that draw what a gradient
# test needs: random expression graphs with their inputs, pairs of broadcastable
# shapes, and well-conditioned arrays. In this notebook we
#
# 1. draw a random expression and look at its graph;
# 2. run property tests of the engine on random scalar and tensor expressions;
# 3. let a property test find, and shrink, a bug that a unit test misses.

# %%
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autograd import GradcheckError, Value, draw_graph, gradcheck, primitive
from autograd.testing import broadcastable_shapes, scalar_expressions, tensor_expressions, well_conditioned_arrays

# A fixed, small budget: the same examples on every run, a few seconds in all.
quick = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)

# %% [markdown]
# ## A drawn expression
#
# `scalar_expressions()` draws an expression `e`: a function of several inputs that
# mixes many operations and reuses subexpressions, together with `e.inputs`, a
# point where every operation in it is smooth. Its `repr` is the program, written
# as Python. Calling it on `Value`s builds its graph.
#
# We collect 40 draws and show the one with the most different operations, among
# those drawn at ordinary numbers: Hypothesis deliberately also tries extremes
# such as 0.0 and $2.2 \times 10^{-308}$, which make good tests and poor pictures.

# %%
drawn = []


@quick
@given(scalar_expressions())
def collect(e):
    drawn.append(e)


collect()
ordinary = [e for e in drawn if all(0.01 < abs(x) for x in e.inputs)]
e = max(ordinary, key=lambda e: len(set(e.ops)))
print(e)
print("inputs:", e.inputs)

# %%
leaves = [Value(x, label=f"x{i}") for i, x in enumerate(e.inputs)]
out = e(*leaves)
out.backward()
draw_graph(out)

# %% [markdown]
# ## Property tests of the engine
#
# The property: for any expression and any point in its domain, `gradcheck`
# passes. Written as a test, it is three lines; Hypothesis runs it on 40 drawn
# expressions here (a test suite would use more).

# %%
@quick
@given(scalar_expressions())
def test_scalar_gradients_match_finite_differences(e):
    assert gradcheck(e, *e.inputs)


test_scalar_gradients_match_finite_differences()
print("40 scalar expressions: the engine agrees with finite differences")

# %% [markdown]
# `tensor_expressions()` does the same with arrays: its inputs have shapes that
# broadcast against each other, so the test also exercises the rule that the
# gradient of a broadcast operand is summed back to its own shape.

# %%
@quick
@given(tensor_expressions())
def test_tensor_gradients_match_finite_differences(e):
    assert gradcheck(e, *e.inputs)


test_tensor_gradients_match_finite_differences()
print("40 tensor expressions: the engine agrees with finite differences")

# %% [markdown]
# The smaller strategies build tests of your own. Here: for any two broadcastable
# shapes and well-conditioned arrays of those shapes, the gradient of
# $\sum (a \cdot b + a / (1 + b^2))$ is right for both operands.

# %%
@quick
@given(st.data())
def test_broadcasting_gradients(data):
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a = data.draw(well_conditioned_arrays(shape=shape_a))
    b = data.draw(well_conditioned_arrays(shape=shape_b))
    assert gradcheck(lambda a, b: (a * b + a / (1 + b**2)).sum(), a, b)


test_broadcasting_gradients()
print("40 pairs of broadcastable arrays: gradients summed back to each shape correctly")

# %% [markdown]
# ## Finding a bug a unit test misses
#
# Suppose we add a cube operation and write its derivative rule as $3x\,|x|$ — a
# slip that is right for every positive $x$ (where $|x| = x$) and wrong for every
# negative one. A unit test at $x = 2$ passes:

# %%
@primitive
def cube(x):
    return x**3


@cube.defvjp
def cube_vjp(g, out, x):
    return (g * 3 * x * abs(x),)  # bug: d/dx x³ = 3x², not 3x|x|


print("unit test at x = 2:", gradcheck(cube, 2.0))

# %% [markdown]
# The property test draws numbers from the whole range, finds a failure, and
# shrinks it to a simple counterexample before reporting it:

# %%
@quick
@given(st.floats(min_value=-10, max_value=10))
def test_cube_gradient(x):
    assert gradcheck(cube, x)


try:
    test_cube_gradient()
except GradcheckError as error:
    print("property test failed:", error)
    for note in getattr(error, "__notes__", []):
        print(note)

# %% [markdown]
# **Summary.** A property test states what must be true and lets Hypothesis look
# for a counterexample; `autograd.testing` supplies the random expressions and
# arrays, `gradcheck` the property. Use them for any operation you add.

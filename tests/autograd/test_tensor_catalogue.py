"""Every Tensor op: forward against numpy, first and second derivatives against central differences.

The elementwise ops that Value and Tensor share come from the op table: each
entry's numpy reference and the domain where it is smooth make its cases. The
other ops' cases are written here, and ``test_op_table`` checks that together
they run every op of the table.

Each case is an op on Tensors with its numpy reference, inputs of given shapes
(broadcasting pairs and size-1 axes included) drawn from a domain where the op
is smooth. The engine's gradient of Σ w·f(x) (random weights w) is checked
against central differences of the numpy reference; the Hessian of Σ w·sin f(x)
times a random direction (a gradient recorded with ``create_graph=True``, then
differentiated again) against central differences of the first-order gradient.
The sin makes the second derivative run every rule on recorded nodes, linear ops
(indexing, reshape, concatenate...) included.
"""

import operator
from dataclasses import dataclass, field

import numpy as np
import pytest

from autograd import Tensor, concatenate, maximum, minimum, stack, where
from autograd.pointwise import shared

from tests.finite_differences import (
    engine_gradient,
    engine_hvp,
    numeric_gradient,
    numeric_hvp,
)


def smooth(rng, shape):
    return rng.uniform(-2.0, 2.0, shape)


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def nonzero(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)


def away_from(*kinks):
    """Values in [-2, 2] at least 0.1 from every kink."""

    def draw(rng, shape):
        values = rng.uniform(-2.0, 2.0, shape)
        for kink in kinks:
            near = np.abs(values - kink) < 0.1
            values = np.where(near, values + 0.25, values)
        return values

    return draw


@dataclass
class Case:
    name: str
    function: object  # on Tensors
    reference: object  # on ndarrays
    shapes: tuple
    draws: tuple = field(default=())

    def inputs(self, seed=0):
        rng = np.random.default_rng(seed)
        draws = self.draws or (smooth,) * len(self.shapes)
        return [np.asarray(draw(rng, shape), dtype=np.float64) for draw, shape in zip(draws, self.shapes)]

    @property
    def id(self):
        return f"{self.name}{list(self.shapes)}".replace(" ", "")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logsumexp(x, axis=None, keepdims=False):
    top = x.max(axis=axis, keepdims=True)
    out = np.log(np.exp(x - top).sum(axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


CASES = []

# elementwise, on a 0-d tensor, a vector, a matrix and a shape with a size-1 axis
UNARY_SHAPES = [(), (3,), (2, 3), (2, 1, 3)]
UNARY = [
    ("builtin_abs", lambda a: abs(a), np.abs, nonzero),
    ("clip", lambda a: a.clip(-0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7), away_from(-0.5, 0.7)),
    ("clip_min", lambda a: a.clip(min=-0.3), lambda a: np.maximum(a, -0.3), away_from(-0.3)),
    ("clip_max", lambda a: a.clip(max=0.2), lambda a: np.minimum(a, 0.2), away_from(0.2)),
    ("pos", lambda a: +a, np.positive, smooth),
    ("add_number", lambda a: a + 2.5, lambda a: a + 2.5, smooth),
    ("radd_number", lambda a: 2.5 + a, lambda a: 2.5 + a, smooth),
    ("sub_number", lambda a: a - 2.5, lambda a: a - 2.5, smooth),
    ("rsub_number", lambda a: 2.5 - a, lambda a: 2.5 - a, smooth),
    ("mul_number", lambda a: a * 2.5, lambda a: a * 2.5, smooth),
    ("rmul_number", lambda a: 2.5 * a, lambda a: 2.5 * a, smooth),
    ("div_number", lambda a: a / 2.5, lambda a: a / 2.5, smooth),
    ("rdiv_number", lambda a: 2.5 / a, lambda a: 2.5 / a, nonzero),
    ("pow_3", lambda a: a**3, lambda a: a**3, smooth),
    ("pow_2.5", lambda a: a**2.5, lambda a: a**2.5, positive),
    ("pow_-2", lambda a: a**-2, lambda a: a**-2.0, nonzero),
    ("rpow_number", lambda a: 2.5**a, lambda a: 2.5**a, smooth),
    ("numpy_scalar_mul", lambda a: a * np.float64(1.5), lambda a: a * 1.5, smooth),
]


def _params(spec):
    """A value for each of the op's parameters: the middle of the range tests draw it from."""
    return {key: (low + high) / 2 for key, (low, high) in spec.params.items()}


def _table_unary(spec, attribute):
    params = _params(spec)
    return (
        f"{spec.name}" if attribute == spec.name else f"{spec.name}:{attribute}",
        lambda a: getattr(a, attribute)(**params),
        lambda a: spec.reference(a, **params),
        spec.domain[0].sample,
    )


UNARY += [_table_unary(spec, attribute) for spec in shared() if spec.arity == 1 for attribute in spec.attributes]
for name, function, reference, draw in UNARY:
    for shape in UNARY_SHAPES:
        CASES.append(Case(name, function, reference, (shape,), (draw,)))

# binary, broadcasting: equal shapes, a trailing vector, two size-1 axes, a 0-d operand, new leading axes
BINARY_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((3, 1, 2), (4, 1)), ((2, 3), ())]
BINARY = [
    *(
        (spec.name, getattr(operator, spec.dunder), spec.reference, tuple(d.sample for d in spec.domain))
        for spec in shared()
        if spec.arity == 2
    ),
    ("maximum", maximum, np.maximum, (smooth, smooth)),
    ("minimum", minimum, np.minimum, (smooth, smooth)),
    (
        "where",
        lambda a, b: where(checkerboard(a, b), a, b),
        lambda a, b: np.where(checkerboard(a, b), a, b),
        (smooth, smooth),
    ),
]


def checkerboard(a, b):
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    return (np.arange(int(np.prod(shape))).reshape(shape) % 2) == 0


for name, function, reference, draws in BINARY:
    for shapes in BINARY_SHAPES:
        CASES.append(Case(name, function, reference, shapes, draws))

# an ndarray on the left of an operator gives a Tensor with its graph
LEFT = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
CASES += [
    Case("ndarray_add", lambda a: LEFT + a, lambda a: LEFT + a, ((2, 3),)),
    Case("ndarray_mul", lambda a: LEFT * a, lambda a: LEFT * a, ((3,),)),
    Case("ndarray_rsub", lambda a: LEFT - a, lambda a: LEFT - a, ((2, 3),)),
    Case("ndarray_rdiv", lambda a: LEFT / a, lambda a: LEFT / a, ((2, 3),), (nonzero,)),
    Case("ndarray_rpow", lambda a: np.abs(LEFT) ** a, lambda a: np.abs(LEFT) ** a, ((2, 3),)),
    Case("ndarray_rmatmul", lambda a: LEFT @ a, lambda a: LEFT @ a, ((3, 4),)),
]

# matmul: numpy's 1-D and batched rules
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)),
    ((3,), (2, 3, 4)),
    ((2, 2, 3), (3,)),
]
for shapes in MATMUL_SHAPES:
    CASES.append(Case("matmul", lambda a, b: a @ b, np.matmul, shapes))
CASES.append(Case("matmul_method", lambda a, b: a.matmul(b), np.matmul, ((2, 3), (3, 2))))

# reductions
REDUCTION_AXES = [(None, False), (0, False), (-1, True), ((0, 2), False), ((1,), True), (None, True)]
REDUCTIONS = [
    ("sum", lambda a, **kw: a.sum(**kw), np.sum),
    ("mean", lambda a, **kw: a.mean(**kw), np.mean),
    ("var", lambda a, **kw: a.var(**kw), np.var),
    ("max", lambda a, **kw: a.max(**kw), np.max),
    ("min", lambda a, **kw: a.min(**kw), np.min),
    ("logsumexp", lambda a, **kw: a.logsumexp(**kw), logsumexp),
]


def _reduction_case(name, function, reference, shape, axis, keepdims):
    return Case(
        f"{name}(axis={axis},keepdims={keepdims})",
        lambda a: function(a, axis=axis, keepdims=keepdims),
        lambda a: reference(a, axis=axis, keepdims=keepdims),
        (shape,),
    )


for name, function, reference in REDUCTIONS:
    for axis, keepdims in REDUCTION_AXES:
        CASES.append(_reduction_case(name, function, reference, (2, 3, 4), axis, keepdims))
    CASES.append(_reduction_case(name, function, reference, (4,), None, False))
    CASES.append(_reduction_case(name, function, reference, (3, 1), 1, False))
    CASES.append(_reduction_case(name, function, reference, (), None, False))
CASES.append(_reduction_case("sum", lambda a, **kw: a.sum(**kw), np.sum, (2, 3), (), False))

for axis in (-1, 0, (0, 1)):
    CASES.append(
        Case(
            f"softmax(axis={axis})",
            lambda a, axis=axis: a.softmax(axis=axis),
            lambda a, axis=axis: softmax(a, axis),
            ((2, 3, 4),),
        )
    )
    CASES.append(
        Case(
            f"log_softmax(axis={axis})",
            lambda a, axis=axis: a.log_softmax(axis=axis),
            lambda a, axis=axis: np.log(softmax(a, axis)),
            ((2, 3, 4),),
        )
    )
CASES.append(Case("softmax_default_axis", lambda a: a.softmax(), lambda a: softmax(a, -1), ((5,),)))
CASES.append(Case("log_softmax_default_axis", lambda a: a.log_softmax(), lambda a: np.log(softmax(a, -1)), ((2, 5),)))

# shape ops
X = (2, 3, 4)
SHAPE_OPS = [
    ("reshape_ints", lambda a: a.reshape(4, 6), lambda a: a.reshape(4, 6), X),
    ("reshape_tuple", lambda a: a.reshape((6, 4)), lambda a: a.reshape((6, 4)), X),
    ("reshape_minus_one", lambda a: a.reshape(2, -1), lambda a: a.reshape(2, -1), X),
    ("reshape_flat", lambda a: a.reshape(-1), lambda a: a.reshape(-1), X),
    ("reshape_scalar", lambda a: a.reshape(()), lambda a: a.reshape(()), (1, 1)),
    ("transpose_reverse", lambda a: a.transpose(), lambda a: a.transpose(), X),
    ("transpose_ints", lambda a: a.transpose(1, 0, 2), lambda a: a.transpose(1, 0, 2), X),
    ("transpose_tuple", lambda a: a.transpose((2, 0, 1)), lambda a: a.transpose((2, 0, 1)), X),
    ("transpose_negative", lambda a: a.transpose(-1, 0, 1), lambda a: a.transpose(-1, 0, 1), X),
    ("T_matrix", lambda a: a.T, lambda a: a.T, (2, 3)),
    ("T_vector", lambda a: a.T, lambda a: a.T, (3,)),
    ("swapaxes", lambda a: a.swapaxes(0, 2), lambda a: a.swapaxes(0, 2), X),
    ("squeeze_all", lambda a: a.squeeze(), lambda a: a.squeeze(), (2, 1, 3, 1)),
    ("squeeze_axis", lambda a: a.squeeze(1), lambda a: a.squeeze(1), (2, 1, 3, 1)),
    ("squeeze_tuple", lambda a: a.squeeze((1, -1)), lambda a: a.squeeze((1, -1)), (2, 1, 3, 1)),
    ("unsqueeze_front", lambda a: a.unsqueeze(0), lambda a: a[None], (2, 3)),
    ("unsqueeze_middle", lambda a: a.unsqueeze(1), lambda a: a[:, None], (2, 3)),
    ("unsqueeze_end", lambda a: a.unsqueeze(-1), lambda a: a[..., None], (2, 3)),
    ("expand", lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), (3, 1)),
    ("expand_keep", lambda a: a.expand(-1, 4), lambda a: np.broadcast_to(a, (3, 4)), (3, 1)),
    ("broadcast_to", lambda a: a.broadcast_to((2, 3, 4)), lambda a: np.broadcast_to(a, (2, 3, 4)), (4,)),
    ("broadcast_to_same", lambda a: a.broadcast_to(3, 4), lambda a: a, (3, 4)),
    ("getitem_int", lambda a: a[1], lambda a: a[1], X),
    ("getitem_ints", lambda a: a[-1, 2], lambda a: a[-1, 2], X),
    ("getitem_element", lambda a: a[1, 2, 3], lambda a: a[1, 2, 3], X),
    ("getitem_slice", lambda a: a[:, 1:3], lambda a: a[:, 1:3], X),
    ("getitem_step", lambda a: a[::-1, :, ::2], lambda a: a[::-1, :, ::2], X),
    ("getitem_ellipsis", lambda a: a[..., 0], lambda a: a[..., 0], X),
    ("getitem_none", lambda a: a[None, 1, ..., None], lambda a: a[None, 1, ..., None], X),
    ("getitem_int_array_repeats", lambda a: a[np.array([0, 0, 1, 0])], lambda a: a[np.array([0, 0, 1, 0])], X),
    ("getitem_list_repeats", lambda a: a[[2, 2, 0]], lambda a: a[[2, 2, 0]], (3, 2)),
    ("getitem_pairs_repeats", lambda a: a[[0, 1, 1, 0], [2, 2, 2, 0]], lambda a: a[[0, 1, 1, 0], [2, 2, 2, 0]], (2, 3)),
    ("getitem_2d_index", lambda a: a[np.array([[0, 1], [1, 1]])], lambda a: a[np.array([[0, 1], [1, 1]])], (2, 3)),
    ("getitem_mixed", lambda a: a[1, [2, 2, 0], 1:], lambda a: a[1, [2, 2, 0], 1:], X),
    ("getitem_tensor_index", lambda a: a[Tensor(np.array([1, 1, 0]))], lambda a: a[np.array([1, 1, 0])], (2, 3)),
    ("getitem_mask", lambda a: a[MASK], lambda a: a[MASK], (2, 3)),
    (
        "getitem_mask_rows",
        lambda a: a[np.array([True, False, True])],
        lambda a: a[np.array([True, False, True])],
        (3, 2),
    ),
    ("getitem_tensor_mask", lambda a: a[Tensor(MASK)], lambda a: a[MASK], (2, 3)),
]
MASK = np.array([[True, False, True], [False, False, True]])
LABELS = np.array([1, 0, 2, 1])
for name, function, reference, shape in SHAPE_OPS:
    CASES.append(Case(name, function, reference, (shape,)))

CONSTANT = np.array([[0.5, -1.0, 2.0]])
CASES += [
    Case("concatenate_axis0", lambda a, b: concatenate([a, b]), lambda a, b: np.concatenate([a, b]), ((2, 3), (1, 3))),
    Case(
        "concatenate_axis1",
        lambda a, b: concatenate([a, b], axis=1),
        lambda a, b: np.concatenate([a, b], axis=1),
        ((2, 3), (2, 2)),
    ),
    Case(
        "concatenate_three_last_axis",
        lambda a, b, c: concatenate((a, b, c), axis=-1),
        lambda a, b, c: np.concatenate((a, b, c), axis=-1),
        ((2, 1), (2, 3), (2, 2)),
    ),
    Case(
        "concatenate_with_constant",
        lambda a: concatenate([CONSTANT, a, CONSTANT]),
        lambda a: np.concatenate([CONSTANT, a, CONSTANT]),
        ((2, 3),),
    ),
    Case("concatenate_one", lambda a: concatenate([a]), lambda a: np.concatenate([a]), ((2, 3),)),
    Case("stack_axis0", lambda a, b: stack([a, b]), lambda a, b: np.stack([a, b]), ((2, 3), (2, 3))),
    Case("stack_axis1", lambda a, b: stack([a, b], axis=1), lambda a, b: np.stack([a, b], axis=1), ((2, 3), (2, 3))),
    Case(
        "stack_last_axis",
        lambda a, b, c: stack((a, b, c), axis=-1),
        lambda a, b, c: np.stack((a, b, c), axis=-1),
        ((3,), (3,), (3,)),
    ),
    Case("stack_scalars", lambda a, b: stack([a, b]), lambda a, b: np.stack([a, b]), ((), ())),
    Case("stack_with_constant", lambda a: stack([a, CONSTANT[0]]), lambda a: np.stack([a, CONSTANT[0]]), ((3,),)),
]

# the fused softmax + cross-entropy node with class labels, and a cast to a wider float
CASES += [
    Case(
        "cross_entropy",
        lambda a: a.cross_entropy(LABELS),
        lambda a: -np.log(softmax(a, -1))[np.arange(4), LABELS],
        ((4, 3),),
    ),
    Case("astype_longdouble", lambda a: a.astype(np.longdouble), lambda a: a.astype(np.longdouble), ((2, 3),)),
]

# a small network: matmul, broadcasting bias, relu, log_softmax, indexing, mean
CASES.append(
    Case(
        "mlp_cross_entropy",
        lambda x, w, b: -(x @ w + b).tanh().log_softmax(axis=-1)[np.arange(4), LABELS].mean(),
        lambda x, w, b: -np.log(softmax(np.tanh(x @ w + b), -1))[np.arange(4), LABELS].mean(),
        ((4, 5), (5, 3), (3,)),
    )
)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_forward_matches_numpy(case):
    arrays = case.inputs()
    out = case.function(*[Tensor(a) for a in arrays])
    expected = np.asarray(case.reference(*arrays))
    assert isinstance(out, Tensor) and isinstance(out.data, np.ndarray)
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_gradient_matches_central_differences(case):
    arrays = case.inputs()
    weights = np.random.default_rng(1).standard_normal(np.shape(case.reference(*arrays)))
    numeric = numeric_gradient(lambda *xs: np.sum(weights * case.reference(*xs)), arrays)
    analytic = engine_gradient(case.function, arrays, weights)
    for index, (a, n, x) in enumerate(zip(analytic, numeric, arrays)):
        assert isinstance(a, np.ndarray) and a.shape == x.shape and a.dtype == np.float64, f"input {index}"
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-7, err_msg=f"input {index}")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_hessian_vector_product_matches_central_differences(case):
    arrays = case.inputs()

    def composed(*tensors):
        return case.function(*tensors).sin()

    rng = np.random.default_rng(2)
    weights = rng.standard_normal(np.shape(case.reference(*arrays)))
    directions = [rng.standard_normal(a.shape) for a in arrays]
    numeric = numeric_hvp(composed, arrays, weights, directions)
    analytic = engine_hvp(composed, arrays, weights, directions)
    for index, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-6, err_msg=f"input {index}")

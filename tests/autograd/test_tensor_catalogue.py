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
from functools import partial

import numpy as np
import pytest

from autograd import (
    Tensor,
    batch_norm,
    concatenate,
    conv2d,
    conv2d_weight,
    conv_transpose2d,
    einsum,
    hstack,
    linear,
    logaddexp,
    max_pool2d,
    maximum,
    minimum,
    outer,
    split,
    stack,
    tensordot,
    vstack,
    where,
)
from autograd.core.optable import sample_operands
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
    draws: tuple = field(default=())  # one draw(rng, shape) per input, or a joint draw(rng, shapes) of all

    def inputs(self, seed=0):
        rng = np.random.default_rng(seed)
        if callable(self.draws):
            return [np.asarray(x, dtype=np.float64) for x in self.draws(rng, self.shapes)]
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
        (spec.name, getattr(operator, spec.dunder), spec.reference, partial(sample_operands, spec.domain))
        for spec in shared()
        if spec.arity == 2
    ),
    ("maximum", maximum, np.maximum, (smooth, smooth)),
    ("minimum", minimum, np.minimum, (smooth, smooth)),
    ("logaddexp", logaddexp, np.logaddexp, (smooth, smooth)),
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
    ("prod", lambda a, **kw: a.prod(**kw), np.prod),
    ("std", lambda a, **kw: a.std(**kw), np.std),
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



def with_zeros(*positions):
    """Values in [-2, 2] with zeros at the given flat ``positions``: prod's gradient must not divide by them."""

    def draw(rng, shape):
        values = smooth(rng, shape)
        values.reshape(-1)[list(positions)] = 0.0
        return values

    return draw


# prod with zeros: one zero in a row, two zeros in a row, a zero everywhere the product is taken
CASES += [
    Case("prod_one_zero", lambda a: a.prod(), np.prod, ((4,),), (with_zeros(2),)),
    Case("prod_two_zeros", lambda a: a.prod(), np.prod, ((4,),), (with_zeros(0, 3),)),
    Case("prod_zeros_by_row(axis=1)", lambda a: a.prod(axis=1), lambda a: np.prod(a, axis=1), ((3, 4),),
         (with_zeros(1, 4, 6, 11),)),
    Case("prod_zero_keepdims(axis=(0,2))", lambda a: a.prod(axis=(0, 2), keepdims=True),
         lambda a: np.prod(a, axis=(0, 2), keepdims=True), ((2, 3, 2),), (with_zeros(5),)),
]

# running sums, along an axis or of the flattened tensor
for shape, axis in (((2, 3, 4), None), ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((5,), 0), ((), None)):
    CASES.append(Case(f"cumsum(axis={axis})", lambda a, axis=axis: a.cumsum(axis),
                      lambda a, axis=axis: np.cumsum(a, axis), (shape,)))

# contractions: einsum (explicit, implicit, '...', diagonals, sums, three operands, a size-1 axis), tensordot, dot, outer
EINSUMS = [
    ("ij,jk->ik", ((2, 3), (3, 4))),
    ("ij,jk", ((2, 3), (3, 4))),
    ("ij,kj", ((2, 3), (4, 3))),
    ("ii->", ((3, 3),)),
    ("ii", ((3, 3),)),
    ("ii->i", ((3, 3),)),
    ("iij->ji", ((2, 2, 3),)),
    ("ij->", ((2, 3),)),
    ("ij->j", ((2, 3),)),
    ("ijk->kji", ((2, 3, 4),)),
    ("i,i->", ((4,), (4,))),
    ("i,j->ij", ((3,), (2,))),
    ("ij,ij->ij", ((2, 3), (2, 3))),
    ("bij,bjk->bik", ((2, 2, 3), (2, 3, 2))),
    ("...ij,...jk->...ik", ((5, 1, 2, 3), (4, 3, 2))),
    ("...i,...i", ((2, 3), (3,))),
    ("ij,jk,kl->il", ((2, 3), (3, 4), (4, 2))),
    ("ij,jk->ik", ((2, 1), (3, 4))),
    ("i,ij,j->", ((3,), (3, 2), (2,))),
]
for subscripts, shapes in EINSUMS:
    CASES.append(Case(f"einsum({subscripts})", lambda *a, s=subscripts: einsum(s, *a),
                      lambda *a, s=subscripts: np.einsum(s, *a), shapes))
CASES.append(Case("einsum_same_operand_twice", lambda a: einsum("ij,ij->", a, a),
                  lambda a: np.einsum("ij,ij->", a, a), ((2, 3),)))

for axes, shapes in ((2, ((2, 3, 4), (3, 4, 5))), (1, ((2, 3), (3, 4))), (0, ((2,), (3,))),
                     (([1, 0], [0, 1]), ((3, 2, 4), (2, 3, 5))), ((2, 0), ((3, 2, 4), (4, 5)))):
    CASES.append(Case(f"tensordot(axes={axes})", lambda a, b, axes=axes: tensordot(a, b, axes),
                      lambda a, b, axes=axes: np.tensordot(a, b, axes), shapes))
for shapes in (((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (4, 3, 5)), ((2, 3, 4), (4,)),
               ((), (3,)), ((2, 3), ())):
    CASES.append(Case("dot", lambda a, b: a.dot(b), np.dot, shapes))
for shapes in (((3,), (4,)), ((2, 2), (3,)), ((), (2,))):
    CASES.append(Case("outer", outer, np.outer, shapes))

# trace, diag, tril, triu
for shape, kw in (((3, 3), {}), ((3, 4), {}), ((3, 4), {"offset": 1}), ((4, 3), {"offset": -2}),
                  ((2, 3, 3), {"axis1": 1, "axis2": 2}), ((3, 2, 3), {"axis1": 2, "axis2": 0, "offset": 1})):
    CASES.append(Case(f"trace{kw}".replace(" ", ""), lambda a, kw=kw: a.trace(**kw),
                      lambda a, kw=kw: np.trace(a, **kw), (shape,)))
for shape, k in (((4,), 0), ((3,), 1), ((3,), -2), ((3, 4), 0), ((4, 3), -1), ((3, 4), 2)):
    CASES.append(Case(f"diag(k={k})", lambda a, k=k: a.diag(k), lambda a, k=k: np.diag(a, k), (shape,)))
for name in ("tril", "triu"):
    for shape, k in (((4, 4), 0), ((3, 5), 1), ((2, 3, 3), -1)):
        CASES.append(Case(f"{name}(k={k})", lambda a, k=k, name=name: getattr(a, name)(k),
                          lambda a, k=k, name=name: getattr(np, name)(a, k), (shape,)))

# split, vstack, hstack, tile, repeat, pad, flip, roll, sort
REARRANGE = [
    ("split_piece", lambda a: split(a, [1, 3], axis=1)[1], lambda a: np.split(a, [1, 3], axis=1)[1], ((2, 5),)),
    ("split_reordered", lambda a: concatenate(split(a, 3)[::-1]), lambda a: np.concatenate(np.split(a, 3)[::-1]),
     ((6, 2),)),
    ("split_last_axis", lambda a: stack(split(a, 2, axis=-1)), lambda a: np.stack(np.split(a, 2, axis=-1)),
     ((2, 3, 4),)),
    ("vstack_rows", lambda a, b: vstack([a, b]), lambda a, b: np.vstack([a, b]), ((3,), (2, 3))),
    ("vstack_matrices", lambda a, b: vstack((a, b)), lambda a, b: np.vstack((a, b)), ((2, 3), (1, 3))),
    ("vstack_scalars", lambda a, b: vstack([a, b]), lambda a, b: np.vstack([a, b]), ((), ())),
    ("hstack_vectors", lambda a, b: hstack([a, b]), lambda a, b: np.hstack([a, b]), ((3,), (2,))),
    ("hstack_matrices", lambda a, b: hstack((a, b)), lambda a, b: np.hstack((a, b)), ((2, 3), (2, 1))),
    ("hstack_scalars", lambda a, b: hstack([a, b]), lambda a, b: np.hstack([a, b]), ((), ())),
    ("tile_int", lambda a: a.tile(2), lambda a: np.tile(a, 2), ((3,),)),
    ("tile_pair", lambda a: a.tile((2, 1)), lambda a: np.tile(a, (2, 1)), ((2, 3),)),
    ("tile_more_axes", lambda a: a.tile((2, 1, 2)), lambda a: np.tile(a, (2, 1, 2)), ((2, 3),)),
    ("tile_scalar", lambda a: a.tile(3), lambda a: np.tile(a, 3), ((),)),
    ("repeat_flat", lambda a: a.repeat(2), lambda a: np.repeat(a, 2), ((2, 3),)),
    ("repeat_counts", lambda a: a.repeat([1, 0, 2], axis=1), lambda a: np.repeat(a, [1, 0, 2], axis=1), ((2, 3),)),
    ("repeat_axis0", lambda a: a.repeat(3, axis=0), lambda a: np.repeat(a, 3, axis=0), ((2, 3),)),
    ("pad_int", lambda a: a.pad(1), lambda a: np.pad(a, 1), ((2, 3),)),
    ("pad_per_axis", lambda a: a.pad(((1, 0), (2, 1))), lambda a: np.pad(a, ((1, 0), (2, 1))), ((2, 3),)),
    ("pad_pair", lambda a: a.pad((0, 2)), lambda a: np.pad(a, (0, 2)), ((3,),)),
    ("pad_one_pair_for_all", lambda a: a.pad(((0, 1),)), lambda a: np.pad(a, ((0, 1),)), ((2, 3, 2),)),
    ("flip_all", lambda a: a.flip(), lambda a: np.flip(a), ((2, 3, 4),)),
    ("flip_axis", lambda a: a.flip(1), lambda a: np.flip(a, 1), ((2, 3, 4),)),
    ("flip_axes", lambda a: a.flip((0, 2)), lambda a: np.flip(a, (0, 2)), ((2, 3, 4),)),
    ("roll_vector", lambda a: a.roll(2), lambda a: np.roll(a, 2), ((5,),)),
    ("roll_flat", lambda a: a.roll(1), lambda a: np.roll(a, 1), ((2, 3),)),
    ("roll_axis", lambda a: a.roll(-1, axis=1), lambda a: np.roll(a, -1, axis=1), ((2, 3),)),
    ("roll_axes", lambda a: a.roll((1, 2), axis=(0, 2)), lambda a: np.roll(a, (1, 2), axis=(0, 2)), ((2, 3, 4),)),
    ("sort_vector", lambda a: a.sort(), lambda a: np.sort(a), ((5,),)),
    ("sort_last_axis", lambda a: a.sort(), lambda a: np.sort(a), ((2, 3, 4),)),
    ("sort_axis0", lambda a: a.sort(axis=0), lambda a: np.sort(a, axis=0), ((3, 4),)),
    ("sort_flat", lambda a: a.sort(axis=None), lambda a: np.sort(a, axis=None), ((2, 3),)),
]
for name, function, reference, shapes in REARRANGE:
    CASES.append(Case(name, function, reference, shapes))

# numpy's functions of the same names run the ops on Tensors (one function serves as op and reference)
NUMPY_DISPATCH = [
    ("np.prod", lambda a: np.prod(a, axis=1), ((2, 3),)),
    ("np.std", lambda a: np.std(a, axis=0, keepdims=True), ((2, 3),)),
    ("np.cumsum", lambda a: np.cumsum(a, axis=1), ((2, 3),)),
    ("np.einsum", lambda a, b: np.einsum("ij,jk->ik", a, b), ((2, 3), (3, 2))),
    ("np.tensordot", lambda a, b: np.tensordot(a, b, axes=1), ((2, 3), (3, 2))),
    ("np.dot", lambda a, b: np.dot(a, b), ((2, 3), (3,))),
    ("np.outer", lambda a, b: np.outer(a, b), ((2,), (3,))),
    ("np.trace", lambda a: np.trace(a), ((3, 3),)),
    ("np.diag", lambda a: np.diag(a, 1), ((3,),)),
    ("np.tril", lambda a: np.tril(a), ((3, 3),)),
    ("np.triu", lambda a: np.triu(a, k=1), ((3, 3),)),
    ("np.split", lambda a: np.split(a, 2)[1], ((4,),)),
    ("np.vstack", lambda a, b: np.vstack([a, b]), ((2,), (2,))),
    ("np.hstack", lambda a, b: np.hstack([a, b]), ((2,), (3,))),
    ("np.tile", lambda a: np.tile(a, (1, 2)), ((2, 2),)),
    ("np.repeat", lambda a: np.repeat(a, 2, axis=0), ((2, 2),)),
    ("np.pad", lambda a: np.pad(a, 1), ((2, 2),)),
    ("np.pad_constant_values", lambda a: np.pad(a, (1, 2), constant_values=1.5), ((2,),)),
    ("np.flip", lambda a: np.flip(a, axis=0), ((2, 3),)),
    ("np.roll", lambda a: np.roll(a, 1, axis=1), ((2, 3),)),
    ("np.sort", lambda a: np.sort(a, axis=0), ((3, 2),)),
]
for name, function, shapes in NUMPY_DISPATCH:
    CASES.append(Case(name, function, function, shapes))

# the fused softmax + cross-entropy node with class labels, and a cast to a wider float
CASES += [
    Case(
        "cross_entropy",
        lambda a: a.cross_entropy(LABELS),
        lambda a: -np.log(softmax(a, -1))[np.arange(4), LABELS],
        ((4, 3),),
    ),
    Case("astype_longdouble", lambda a: a.astype(np.longdouble), lambda a: a.astype(np.longdouble), ((2, 3),)),
    Case("clone", lambda a: a.clone(), np.copy, ((2, 3),)),
    Case("clone_0d", lambda a: a.clone(), np.copy, ((),)),
]

# the window ops on images (N, C, H, W), against references written with numpy's windows and einsum


def image_windows(x, kernel, stride):
    windows = np.lib.stride_tricks.sliding_window_view(x, kernel, axis=(2, 3))
    return windows[:, :, ::stride[0], ::stride[1]]


def correlate_reference(x, w, b=None, stride=(1, 1)):
    out = np.einsum("ncijpq,ocpq->noij", image_windows(x, w.shape[2:], stride), w)
    return out if b is None else out + b[:, None, None]


def transpose_reference(y, w, stride, size):
    out = np.zeros((y.shape[0], w.shape[1], *size))
    kh, kw = w.shape[2:]
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            out[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw] += np.einsum(
                "no,ocpq->ncpq", y[:, :, i, j], w)
    return out


def weight_reference(x, y, stride, kernel):
    return np.einsum("noij,ncijpq->ocpq", y, image_windows(x, kernel, stride))


for stride in ((1, 1), (2, 1)):
    CASES.append(Case(f"conv2d(stride={stride})", lambda x, w, s=stride: conv2d(x, w, stride=s),
                      lambda x, w, s=stride: correlate_reference(x, w, stride=s), ((2, 2, 5, 4), (3, 2, 2, 3))))
    CASES.append(Case(f"conv_transpose2d(stride={stride})",
                      lambda y, w, s=stride: conv_transpose2d(y, w, s, (5, 4)),
                      lambda y, w, s=stride: transpose_reference(y, w, s, (5, 4)),
                      ((2, 3, 4 if stride == (1, 1) else 2, 2), (3, 2, 2, 3))))
    CASES.append(Case(f"conv2d_weight(stride={stride})",
                      lambda x, y, s=stride: conv2d_weight(x, y, s, (2, 3)),
                      lambda x, y, s=stride: weight_reference(x, y, s, (2, 3)),
                      ((2, 2, 5, 4), (2, 3, 4 if stride == (1, 1) else 2, 2))))
    CASES.append(Case(f"max_pool2d(stride={stride})", lambda x, s=stride: max_pool2d(x, 2, s),
                      lambda x, s=stride: image_windows(x, (2, 2), s).max(axis=(4, 5)), ((2, 2, 5, 4),)))
CASES.append(Case("conv2d_bias", conv2d, correlate_reference, ((2, 2, 4, 4), (3, 2, 2, 2), (3,))))
CASES.append(Case("max_pool2d(3, stride 2), a row left over", lambda x: max_pool2d(x, 3, 2),
                  lambda x: image_windows(x, (3, 3), (2, 2)).max(axis=(4, 5)), ((1, 2, 6, 5),)))



def batch_norm_reference(x, weight=None, bias=None, axes=(0,)):
    kept = tuple(1 if axis in axes else size for axis, size in enumerate(x.shape))
    out = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-5)
    return out if weight is None else out * weight.reshape(kept) + bias.reshape(kept)


# BatchNorm1d's fused node: (N, C) over the batch, (N, C, L) over batch and length, without weight and bias
CASES += [
    Case("batch_norm", lambda x, w, b: batch_norm(x, w, b, (0,), 1e-5)[0], batch_norm_reference,
         ((5, 3), (3,), (3,))),
    Case("batch_norm_length", lambda x, w, b: batch_norm(x, w, b, (0, 2), 1e-5)[0],
         lambda x, w, b: batch_norm_reference(x, w, b, (0, 2)), ((3, 2, 4), (2,), (2,))),
    Case("batch_norm_plain", lambda x: batch_norm(x, None, None, (0,), 1e-5)[0], batch_norm_reference, ((4, 3),)),
]

# nn.Linear's one node: with and without a bias; a batch of matrices takes matmul and + as written
CASES += [
    Case("linear", linear, lambda x, w, b: x @ w + b, ((4, 3), (3, 5), (5,))),
    Case("linear_no_bias", linear, lambda x, w: x @ w, ((4, 3), (3, 2))),
    Case("linear_batch_of_matrices", linear, lambda x, w, b: x @ w + b, ((2, 4, 3), (3, 5), (5,))),
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

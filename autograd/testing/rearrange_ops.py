"""The rearranging ops ``autograd.testing.tensor_expressions`` draws: split, vstack, hstack, tile, repeat, pad,
flip, roll, sort, on ndarrays and Tensors alike.

Results stay within MAX_SIZE elements and MAX_DIMS axes; sort only meets
elements at least 0.01 apart along its axis, so the permutation is the same
within finite differences' reach.
"""

import numpy as np
from hypothesis import strategies as st

from ..tensor import hstack as tensor_hstack
from ..tensor import split as tensor_split
from ..tensor import vstack as tensor_vstack
from .program import MAX_DIMS, Op
from .tensor_ops import _either, _fits, as_array, concatenate, either_method, pick_pair, pick_where

split = _either(tensor_split, np.split)
vstack = _either(tensor_vstack, np.vstack)
hstack = _either(tensor_hstack, np.hstack)
tile = either_method("tile", np.tile)
pad = either_method("pad", np.pad)
flip = either_method("flip", np.flip)
roll = either_method("roll", np.roll)
sort = either_method("sort", np.sort)

GAP = 0.01  # sort sees neighbours at least this far apart


def _nonempty(value):
    return np.ndim(value) >= 1


def _plan_split(draw, operands):
    shape = np.shape(operands[0])
    axis = draw(st.sampled_from([i for i, n in enumerate(shape) if n >= 2]))
    sections = draw(st.sampled_from([d for d in range(2, shape[axis] + 1) if shape[axis] % d == 0]))
    return {"axis": axis, "sections": sections}


def _joins(promote, axis_of):
    def compatible(a, b):
        a, b = promote(np.empty(np.shape(a))), promote(np.empty(np.shape(b)))
        axis = axis_of(a)
        if a.ndim != b.ndim or a.ndim > MAX_DIMS:
            return False
        same = all(m == n for i, (m, n) in enumerate(zip(a.shape, b.shape)) if i != axis)
        return same and _fits((a.size + b.size,))

    return compatible


def _hstack_axis(first):
    return 0 if first.ndim == 1 else 1


def _plan_tile(draw, operands):
    shape = np.shape(operands[0])
    reps = tuple(draw(st.lists(st.integers(1, 2), min_size=max(len(shape), 1), max_size=max(len(shape), 1))))
    tiled = np.shape(np.tile(np.empty(shape), reps))
    return {"reps": reps} if tiled != shape and _fits(tiled) else None


def _plan_repeat(draw, operands):
    shape = np.shape(operands[0])
    axis = draw(st.sampled_from([None, *range(len(shape))]))
    length = int(np.prod(shape)) if axis is None else shape[axis]
    counts = draw(st.one_of(st.just(2), st.lists(st.integers(0, 2), min_size=length, max_size=length)))
    total = 2 * length if counts == 2 else sum(counts)
    size = total * (int(np.prod(shape)) // max(length, 1)) if axis is not None else total
    return {"repeats": counts, "axis": axis} if total >= 1 and size <= 64 else None


def _plan_pad(draw, operands):
    shape = np.shape(operands[0])
    widths = tuple(tuple(draw(st.lists(st.integers(0, 1), min_size=2, max_size=2))) for _ in shape)
    padded = tuple(n + before + after for n, (before, after) in zip(shape, widths))
    return {"pad_width": widths} if padded != shape and _fits(padded) else None


def _plan_flip(draw, operands):
    return {"axis": draw(st.sampled_from([None, *range(np.ndim(operands[0]))]))}


def _plan_roll(draw, operands):
    return {"shift": draw(st.sampled_from([-2, -1, 1, 2])),
            "axis": draw(st.sampled_from([None, *range(np.ndim(operands[0]))]))}


def _plan_sort(draw, operands):
    axis = draw(st.sampled_from([None, *range(np.ndim(operands[0]))]))
    ordered = np.sort(operands[0], axis=axis)
    gaps = np.diff(ordered, axis=-1 if axis is None else axis)
    return {"axis": axis} if gaps.size == 0 or np.min(gaps) >= GAP else None


REARRANGE_OPS = [
    Op("split", _plan_split, lambda x, p: concatenate(split(x[0], p["sections"], p["axis"])[::-1], p["axis"]),
       lambda n, p: f"concatenate(split({n[0]}, {p['sections']}, {p['axis']})[::-1], {p['axis']})",
       pick=pick_where(lambda v: any(n >= 2 for n in np.shape(v)))),
    Op("vstack", lambda draw, operands: {}, lambda x, p: vstack([x[0], x[1]]), lambda n, p: f"vstack([{n[0]}, {n[1]}])",
       arity=2, pick=pick_pair(_joins(np.atleast_2d, lambda first: 0))),
    Op("hstack", lambda draw, operands: {}, lambda x, p: hstack([x[0], x[1]]), lambda n, p: f"hstack([{n[0]}, {n[1]}])",
       arity=2, pick=pick_pair(_joins(np.atleast_1d, _hstack_axis))),
    Op("tile", _plan_tile, lambda x, p: tile(x[0], p["reps"]), lambda n, p: f"tile({n[0]}, {p['reps']!r})"),
    Op("repeat", _plan_repeat, lambda x, p: x[0].repeat(p["repeats"], axis=p["axis"]),
       lambda n, p: f"{n[0]}.repeat({p['repeats']!r}, axis={p['axis']})"),
    Op("pad", _plan_pad, lambda x, p: pad(x[0], p["pad_width"]), lambda n, p: f"pad({n[0]}, {p['pad_width']!r})",
       pick=pick_where(_nonempty)),
    Op("flip", _plan_flip, lambda x, p: flip(x[0], p["axis"]), lambda n, p: f"flip({n[0]}, {p['axis']})",
       pick=pick_where(_nonempty)),
    Op("roll", _plan_roll, lambda x, p: roll(x[0], p["shift"], p["axis"]),
       lambda n, p: f"roll({n[0]}, {p['shift']}, {p['axis']})", pick=pick_where(_nonempty)),
    Op("sort", _plan_sort, lambda x, p: sort(x[0], p["axis"]), lambda n, p: f"sort({n[0]}, {p['axis']})",
       pick=pick_where(_nonempty)),
]
REARRANGE_OPS = [op.with_apply(as_array) for op in REARRANGE_OPS]
"""split (its pieces joined back in reverse order), vstack, hstack, tile, repeat, pad, flip, roll, sort."""

NAMESPACE = {"split": split, "vstack": vstack, "hstack": hstack, "tile": tile, "pad": pad, "flip": flip,
             "roll": roll, "sort": sort}
"""The functions these ops' steps call by name."""

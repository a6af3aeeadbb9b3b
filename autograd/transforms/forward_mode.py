"""Forward mode: jvp, jacfwd (and jacrev, the reverse-mode Jacobian under JAX's name).

    jvp(f, (x,), (v,))     (f(x), J(x)·v): the derivative of f at x in the direction v
    jacfwd(f)(x)           the Jacobian, one column per input direction
    jacrev(f)(x)           the same Jacobian, one row per output element (= jacobian)

How the engine computes J·v with reverse passes only ("the double-vjp trick").
A reverse pass gives u ↦ Jᵀu, the vector-Jacobian product. Run it with
``create_graph=True`` on a fresh cotangent leaf u and the result Jᵀu is a node
that depends linearly on u, so

    J·v = ∂/∂u ⟨Jᵀu, v⟩

is the gradient of ⟨Jᵀu, v⟩ with respect to u: a second reverse pass, through the
graph of the first. Every op and every user primitive has a reverse rule written
in autograd's own ops, so every op gets its forward-mode derivative with no
per-op forward rule.

Cost, for f: Rⁿ → Rᵐ with one forward evaluation costing F:
- ``jvp``: the forward, one reverse pass that records a graph, and one reverse
  pass through that graph: a small constant times F (about 3-4 F), whatever n and m.
- ``jacfwd``: the forward and the recorded pass once, then one pass per input
  direction: about n·F. Cheap for few inputs and many outputs (tall Jacobians).
- ``jacrev`` / ``jacobian``: the forward once, then one reverse pass per output
  element: about m·F. Cheap for many inputs and few outputs (wide Jacobians,
  gradients of losses).

Plain in, plain out (floats and ndarrays); nodes in, nodes out; and, as for
``grad``, when f closes over a Value or Tensor that requires grad (or a tangent
does) and grad mode is on, the results are nodes with a graph, so ``jvp`` nests
with ``grad`` and the other transforms.
"""

import numpy as np

from ..core import engine
from ..core.engine import enable_grad
from .reverse_mode import (
    _check_argnums,
    _check_callable,
    _is_plain_number,
    _named,
    _positions,
    _shape_of,
    _substitute,
    graph_order,
    jacobian,
    reaches_outside,
    record_graph,
    retire,
    to_plain,
)
from ..core.node import Node
from ..core.node import describe as _describe
from ..tensor import Tensor, constant, stack
from ..value import Value, sum_values
from ..value import constant as value_constant

jacrev = jacobian


class _Linearized:
    """f run once on its variables, and Jᵀu recorded as a graph: what every Jacobian-vector product needs.

    ``outputs`` lists f's output nodes that require grad, ``cotangents`` one fresh
    leaf u per output, ``transposed`` one node Jᵢᵀu per variable (None where f does
    not depend on it), ``made_here`` the ids of this transform's own leaves when
    the results keep a graph (else None).
    """

    def __init__(self, out, variables, outputs, cotangents, transposed, made_here):
        self.out = out
        self.variables = variables
        self.outputs = outputs
        self.cotangents = cotangents
        self.transposed = transposed
        self.made_here = made_here
        self._orders = {}

    def order(self, root):
        """The nodes of ``root``'s graph on a path from a cotangent, parents first (cached per root).

        The second pass needs only those: the rest of the graph (f's own forward
        nodes, which Jᵀu reads but which do not depend on u) is never visited.
        """
        order = self._orders.get(id(root))
        if order is None:
            on_path = {id(u) for u in self.cotangents}
            order = []
            for node in engine.topological_order(root):
                if any(id(parent) in on_path for parent in node.parents):
                    on_path.add(id(node))
                    order.append(node)
            self._orders[id(root)] = order
        return order

    @property
    def recording(self):
        return self.made_here is not None


def _output_nodes(out, name):
    """(the nodes of f's output that require grad, in order) for a Value, Tensor, list of Values or a constant."""
    if isinstance(out, (Value, Tensor)):
        return [out] if out.requires_grad else []
    if isinstance(out, (list, tuple)) and all(isinstance(x, Value) or _is_plain_number(x) for x in out):
        return [x for x in out if isinstance(x, Value) and x.requires_grad]
    if _is_plain_number(out) or (isinstance(out, np.ndarray) and out.dtype.kind in "iuf"):
        return []
    raise TypeError(
        f"{name}: f must return a Value, a Tensor, a list of Values, a number or an array, got {_describe(out)}"
    )


def _cotangent_for(node):
    if isinstance(node, Value):
        return Value(0.0)
    return Tensor(np.zeros(node.shape, dtype=node.dtype), requires_grad=True)


def _pairing(cotangents, outputs):
    """⟨u, f(x)⟩ summed over every output node, as one scalar node."""
    terms = [u * y if isinstance(y, Value) else (u * y).sum() for u, y in zip(cotangents, outputs)]
    if all(isinstance(term, Value) for term in terms):
        return terms[0] if len(terms) == 1 else sum_values(terms)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _linearize(f, args, positions, name, tangent_nodes=False):
    """Run f on new variables for ``positions`` and record Jᵀu (the first reverse pass, create_graph=True)."""
    grad_enabled = engine.is_grad_enabled()
    variables = []
    with enable_grad():
        try:
            call_args, variables = _substitute(args, {}, positions, name)
            out = f(*call_args)
            outputs = _output_nodes(out, name)
            orders = [graph_order(y) for y in outputs]
            made_here = record_graph(outputs, variables, grad_enabled, orders)
            if made_here is None and grad_enabled and tangent_nodes:
                made_here = {id(v) for v in variables if not v.parents}
            cotangents = [_cotangent_for(y) for y in outputs]
            if made_here is not None:
                made_here.update(id(u) for u in cotangents)
            if outputs:
                paired = _pairing(cotangents, outputs)
                seed = value_constant(1.0) if isinstance(paired, Value) else constant(np.ones((), dtype=paired.dtype))
                transposed = engine.gradients(paired, variables, seed, create_graph=True)
            else:
                transposed = [None] * len(variables)
        except BaseException:
            retire(variables)
            raise
    transposed = [g if isinstance(g, Node) and g.requires_grad else None for g in transposed]
    return _Linearized(out, variables, outputs, cotangents, transposed, made_here)


def _push(lin, seeds):
    """J·v for the tangents ``seeds`` (one per variable: a payload, a node, or None for zero): one per output node.

    The second reverse pass: ∂⟨Jᵀu, v⟩/∂u, recorded when the results keep a graph.
    """
    live = [(g, v) for g, v in zip(lin.transposed, seeds) if g is not None and v is not None]
    if not live:
        return [None] * len(lin.outputs)
    with enable_grad():
        if len(live) == 1:
            root, seed = live[0]
            seed = _as_seed(seed, root, lin.recording)
        else:
            root = None
            for g, v in live:
                term = g * _as_seed(v, g, True) if isinstance(g, Value) else (g * _as_seed(v, g, True)).sum()
                root = term if root is None else root + term
            seed = _as_seed(1.0 if isinstance(root, Value) else np.ones((), dtype=root.dtype), root, lin.recording)
        order = lin.order(root) if len(live) == 1 else None
        return engine.gradients(root, lin.cotangents, seed, create_graph=lin.recording, order=order)


def _as_seed(v, like, as_node):
    """The tangent ``v`` as a seed for the node ``like``: its payload, or a node when the pass records."""
    if isinstance(v, Node):
        if as_node:
            return v
        v = v.data
    if isinstance(like, Value):
        payload = float(v)
        return value_constant(payload) if as_node else payload
    payload = np.asarray(v, dtype=like.dtype)
    return constant(payload) if as_node else payload


def _tangent_result(tangent, node, as_node):
    """One output node's tangent as returned: a node when the results keep a graph or nodes came in, else plain."""
    if tangent is None:
        tangent = 0.0 if isinstance(node, Value) else np.zeros(node.shape, dtype=node.dtype)
    if as_node:
        if isinstance(tangent, Node):
            return tangent
        return value_constant(float(tangent)) if isinstance(node, Value) else constant(np.asarray(tangent))
    return to_plain(tangent)


def _tangents_out(lin, tangents, as_node, keep):
    """J·v shaped as f's output: a float / ndarray / node for one output, a list for a list of Values."""
    by_node = {id(y): t for y, t in zip(lin.outputs, tangents)}
    out = lin.out

    def one(node):
        tangent = by_node.get(id(node))
        return _tangent_result(tangent, node, as_node or keep(tangent))

    if isinstance(out, (Value, Tensor)):
        if not out.requires_grad:
            return _tangent_result(None, out, as_node)
        return one(out)
    if isinstance(out, (list, tuple)):
        return [one(y) if isinstance(y, Value) and y.requires_grad else (value_constant(0.0) if as_node else 0.0) for y in out]
    zeros = np.zeros(np.shape(out))
    return float(zeros) if zeros.shape == () else zeros


# --------------------------------------------------------------------------- jvp


def _check_sequence(x, what, name):
    if not isinstance(x, (tuple, list)):
        raise TypeError(f"{name}: {what} must be a tuple (or list) of f's arguments, got {_describe(x)}")
    return tuple(x)


def _check_tangent(tangent, primal, position, name):
    """A tangent checked against its primal: same shape; a number, array or node."""
    if isinstance(tangent, (list, tuple)):
        try:
            tangent = np.asarray(tangent, dtype=np.float64)
        except (ValueError, TypeError):
            raise TypeError(f"{name}: tangents[{position}] is not a number, an array or a node: {_describe(tangent)}") from None
    is_array = isinstance(tangent, np.ndarray) and tangent.dtype.kind in "biuf"
    if not (isinstance(tangent, (Value, Tensor)) or _is_plain_number(tangent) or is_array):
        raise TypeError(
                f"{name}: tangents[{position}] must be a number, an array, a Value or a Tensor, got {_describe(tangent)}"
            )
    given, expected = _shape_of(tangent), _shape_of(primal)
    if given != expected:
        raise ValueError(
            f"{name}: tangents[{position}] has shape {given} but primals[{position}] has shape {expected}; "
            "each tangent must have the shape of its primal"
        )
    return tangent


def _keeps_graph(tangent, made_here):
    return made_here is not None and isinstance(tangent, Node) and reaches_outside(tangent, made_here)


def jvp(f, primals, tangents):
    """(f(*primals), J·tangents): f's value and its directional derivative, as ``jax.jvp``.

    ``primals`` and ``tangents`` are tuples of equal length, each tangent of its
    primal's shape; J·tangents = Σᵢ ∂f/∂xᵢ · vᵢ has f's output's shape. Computed by
    transposing the reverse pass (see the module docstring): one forward and two
    reverse passes, whatever the number of inputs and outputs. Floats and arrays in
    give floats and ndarrays out; Values and Tensors in give nodes out.
    """
    _check_callable(f, "jvp")
    primals = _check_sequence(primals, "primals", "jvp")
    tangents = _check_sequence(tangents, "tangents", "jvp")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: primals has {len(primals)} entries but tangents has {len(tangents)}; give one tangent per primal"
        )
    if not primals:
        raise ValueError("jvp: primals is empty; give f's arguments as a tuple")
    tangents = [_check_tangent(t, p, i, "jvp") for i, (p, t) in enumerate(zip(primals, tangents))]
    tangent_nodes = any(isinstance(t, Node) and t.requires_grad for t in tangents)
    lin = _linearize(f, primals, list(range(len(primals))), "jvp", tangent_nodes)
    try:
        for variable, tangent, position in zip(lin.variables, tangents, range(len(primals))):
            _check_node_kind(tangent, variable, position)
        pushed = _push(lin, tangents)
        node_in = any(isinstance(p, Node) for p in primals)
        as_node = node_in or (lin.recording and _any_outside(lin))
        made_here = lin.made_here

        def keep(tangent):
            return _keeps_graph(tangent, made_here)

        tangent_out = _tangents_out(lin, pushed, node_in, keep)
        primal_out = _primal_result(lin.out, as_node)
    finally:
        retire(lin.variables)
        retire(lin.cotangents)
    return primal_out, tangent_out


def _any_outside(lin):
    return any(reaches_outside(y, lin.made_here) for y in lin.outputs)


def _check_node_kind(tangent, variable, position):
    if isinstance(tangent, Value) and isinstance(variable, Tensor) and tangent.requires_grad:
        raise TypeError(
            f"jvp: tangents[{position}] is a Value, but f receives primals[{position}] as a 0-d Tensor "
            "(another primal is an array); pass the tangent as a float or a 0-d Tensor"
        )
    if isinstance(tangent, Tensor) and isinstance(variable, Value) and tangent.requires_grad:
        raise TypeError(
            f"jvp: tangents[{position}] is a Tensor, but primals[{position}] is a scalar that f receives as a Value; "
            "pass the tangent as a float or a Value"
        )


def _primal_result(out, as_node):
    """f's value as returned: the node itself when results are nodes, else a float or an ndarray."""
    if isinstance(out, (list, tuple)):
        return [_primal_result(x, as_node) for x in out]
    if isinstance(out, Node):
        return out if as_node else to_plain(out)
    return to_plain(out) if isinstance(out, np.ndarray) else float(out)


# --------------------------------------------------------------------------- jacfwd


def _out_shape(out):
    if isinstance(out, (Value,)) or _is_plain_number(out):
        return ()
    if isinstance(out, (list, tuple)):
        return (len(out),)
    return tuple(np.shape(out.data if isinstance(out, Tensor) else out))


def _directions(variable):
    """One-hot tangents, one per entry of ``variable``, in its shape and dtype (1.0 for a Value)."""
    if isinstance(variable, Value):
        yield 1.0
        return
    for flat in range(variable.size):
        direction = np.zeros(variable.size, dtype=variable.dtype)
        direction[flat] = 1
        yield direction.reshape(variable.shape)


def _jacfwd_block(lin, which, argument, as_node):
    """∂f/∂(variable ``which``), of shape out_shape + in_shape: one second reverse pass per input entry."""
    variable = lin.variables[which]
    out = lin.out
    out_shape = _out_shape(out)
    in_shape = () if isinstance(variable, Value) else tuple(variable.shape)
    columns = []
    for direction in _directions(variable):
        seeds = [None] * len(lin.variables)
        seeds[which] = direction
        columns.append(_tangents_out(lin, _push(lin, seeds), as_node, lambda t: False))
    if not as_node:
        block = np.array([np.asarray(column, dtype=np.float64) for column in columns])  # (n, *out_shape)
        block = np.moveaxis(block.reshape((len(columns),) + out_shape), 0, -1).reshape(out_shape + in_shape)
        if isinstance(variable, Tensor):
            block = block.astype(variable.dtype, copy=False)
        return float(block) if block.shape == () else block
    if all(isinstance(column, Tensor) for column in columns):
        return stack(columns, axis=-1).reshape(out_shape + in_shape)
    if isinstance(variable, Value):
        return columns[0]
    raise TypeError(
        f"jacfwd: argument {which} is an array but f returned {_describe(out)}; "
        "a function of a Tensor must return a Tensor"
    )


def jacfwd(f, argnums=0):
    """The function x -> ∂f/∂x by forward mode, of shape f(x).shape + x.shape (the same as ``jacobian``).

    One Jacobian-vector product per input direction (per entry of each argument
    ``argnums`` names), sharing one forward and one recorded reverse pass: about
    n forward-costs for n inputs, whatever the number of outputs. Use it for
    tall Jacobians (few inputs, many outputs); ``jacrev`` for wide ones.
    """
    _check_callable(f, "jacfwd")
    argnums = _check_argnums(argnums, "jacfwd")

    def jacfwd_of_f(*args):
        positions = _positions(argnums, len(args), "jacfwd")
        lin = _linearize(f, args, positions, "jacfwd")
        try:
            node_in = any(isinstance(args[p], Node) for p in positions)
            as_node = node_in or (lin.recording and any(g is not None and reaches_outside(g, lin.made_here) for g in lin.transposed))
            blocks = [_jacfwd_block(lin, which, args[p], as_node) for which, p in enumerate(positions)]
        finally:
            retire(lin.variables)
            retire(lin.cotangents)
        return blocks[0] if isinstance(argnums, int) else tuple(blocks)

    return _named(
        jacfwd_of_f, f, "jacfwd", f"The Jacobian of {getattr(f, '__name__', 'f')} by forward mode (argnums={argnums!r})."
    )

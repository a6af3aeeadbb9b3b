"""Function transforms in the style of JAX / HIPS autograd: grad, value_and_grad, jacobian, hessian, hvp.

    grad(f)(x)             df/dx at x
    grad(grad(f))(x)       d²f/dx², and so on to any order
    grad(f, (0, 1))(x, y)  (df/dx, df/dy)

Plain in, plain out: a float (or int) argument gives a float derivative, an array
or a list of numbers gives an ndarray of the argument's shape (and dtype, for a
float array). Nodes in, nodes out: a Value or Tensor argument gives a Value or
Tensor with a graph, so it can be differentiated again. f sees a Value for a
number — a 0-d Tensor when another argument is an array or a Tensor, so the two
combine — and a Tensor for an array. Write f with operators, node methods and the
functions of ``autograd.vocabulary``: ``math.sin(x)`` reads a float out of a
Value and silently makes a constant. f must return a scalar (a Value, a
one-element Tensor, or a number, whose derivative is zero); ``jacobian`` takes
any output.

How it works: each differentiated argument becomes a node of its own — a number
a new leaf, an array a new float Tensor leaf, a node an identity node on top of
it — f runs on those, and ``engine.gradients`` reads d(output)/d(node) without
touching any leaf's ``grad``. The identity node keeps an inner
variable apart from the outer one it was made from, even where f also closes
over the outer one, so ``grad(lambda x: grad(lambda y: x * y)(x))(2.0)`` is 1.

Nesting is decided from the graph, never from who called: when grad mode is on
and f's output reaches a node that requires grad and was not made by this
transform — a node f closes over, a node passed in (through its identity node),
an outer transform's variable, a leaf of ``backward`` or ``gradcheck`` — the
gradient is recorded (``create_graph=True``), and a result that depends on such
a node is returned as a node with its graph, so
``x * grad(lambda y: x * y)(2.0)`` has derivative 2x however it is
differentiated. Plain in with nothing from outside costs one first-order pass
and gives plain out.
"""

import numbers

import numpy as np

from ..core import engine
from ..core.engine import enable_grad
from ..core.node import Node
from ..tensor import Tensor, record, stack
from ..value import Value, _describe, constant
from ..value import result as value_result

_ACCEPTED = "a float, an int, an ndarray, a list of numbers, a Value or a Tensor"


# --------------------------------------------------------------------------- arguments


def _check_callable(f, name):
    if not callable(f):
        raise TypeError(f"{name}: expected a function to differentiate, got {_describe(f)}")


def _check_argnums(argnums, name):
    """``argnums`` as given (int or tuple of ints), or a TypeError / ValueError naming ``name``."""
    if isinstance(argnums, numbers.Integral) and not isinstance(argnums, bool):
        return int(argnums)
    if isinstance(argnums, (tuple, list)):
        if not argnums:
            raise ValueError(f"{name}: argnums must name at least one argument, got an empty tuple")
        for position in argnums:
            if not isinstance(position, numbers.Integral) or isinstance(position, bool):
                raise TypeError(f"{name}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{name}: argnums names an argument twice: {tuple(argnums)!r}")
        return tuple(int(position) for position in argnums)
    raise TypeError(f"{name}: argnums must be an int or a tuple of ints, got {_describe(argnums)}")


def _positions(argnums, count, name):
    """The argument positions ``argnums`` names, each checked against ``count`` arguments."""
    positions = (argnums,) if isinstance(argnums, int) else argnums
    resolved = []
    for position in positions:
        if not -count <= position < count:
            raise ValueError(
                f"{name}: argnums {position} is out of range for a call with {count} positional argument"
                f"{'' if count == 1 else 's'}"
            )
        resolved.append(position % count)
    return resolved


def _identity_vjp(g, out, a):
    return (g,)


def _alias(node):
    """An identity node on ``node``: a variable of its own whose gradient flows on to ``node``."""
    if isinstance(node, Value):
        return value_result(node._data, (node,), _identity_vjp, "identity")
    return record(node._data, (node,), _identity_vjp, "identity", own_leaves=True)


def _float_array(data, name, position):
    array = np.asarray(data)
    if array.dtype.kind == "f":
        return np.array(array)
    if array.dtype.kind in "iu":
        return array.astype(np.float64)
    raise TypeError(
        f"{name}: argument {position} must be {_ACCEPTED}; got an array of dtype {array.dtype}"
        if array.dtype != object
        else f"{name}: argument {position} must be {_ACCEPTED}; got {_describe(data)}"
    )


def _is_plain_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def make_variable(x, name, position, numbers_as_tensors=False):
    """The node a transform differentiates with respect to, made from argument ``x``.

    A number becomes a new Value leaf (a 0-d Tensor leaf when ``numbers_as_tensors``)
    and an array (or list of numbers) a new float Tensor leaf; a node that requires
    grad gets an identity node on top (so the result stays connected to it); a
    constant node becomes a new leaf of its data.
    """
    if isinstance(x, Value):
        return _alias(x) if x.requires_grad else Value(x._data, label=x.label)
    if isinstance(x, Tensor):
        if x.requires_grad:
            return _alias(x)
        return Tensor(_float_array(x.data, name, position), requires_grad=True, label=x.label)
    if isinstance(x, Node):
        raise TypeError(f"{name}: argument {position} is a {type(x).__name__}; expected {_ACCEPTED}")
    if _is_plain_number(x):
        return Tensor(np.array(float(x)), requires_grad=True) if numbers_as_tensors else Value(x)
    if isinstance(x, (np.ndarray, list, tuple)):
        try:
            array = np.asarray(x)
        except ValueError:
            raise TypeError(f"{name}: argument {position} is a ragged sequence; expected {_ACCEPTED}") from None
        return Tensor(_float_array(array, name, position), requires_grad=True)
    raise TypeError(f"{name}: argument {position} must be {_ACCEPTED}; got {_describe(x)}")


def retire(variables):
    """Mark a finished transform's new leaves as constants (``requires_grad`` off).

    A result the transform returned as a node may hold them in its graph; once the
    transform is done nothing differentiates with respect to them, so an outer
    transform must not mistake them for a node from outside, and backward passes
    skip them.
    """
    for variable in variables:
        if not variable.parents:
            variable._requires_grad = False


def _made_here(variables):
    """The ids of the new leaves a transform made (its variables that are not identity nodes on an outer node)."""
    return {id(variable) for variable in variables if not variable.parents}


def reaches_outside(root, made_here, order=None):
    """True when ``root``'s graph reaches a leaf that requires grad and is not one of ``made_here`` (ids).

    Such a leaf was made outside the transform: a node f closes over, the node
    under an identity variable, an outer transform's variable. ``order`` is
    ``engine.topological_order(root)`` when already known.
    """
    if not isinstance(root, Node) or not root._requires_grad:
        return False
    if not root.parents:
        return id(root) not in made_here
    for node in engine.topological_order(root) if order is None else order:
        for parent in node.parents:
            if not parent.parents and parent._requires_grad and id(parent) not in made_here:
                return True
    return False


def involves_arrays(args, kwargs=None):
    """True when an argument is an array, a list or a Tensor: plain numbers then become 0-d Tensors, not Values."""
    values = [*args, *(kwargs or {}).values()]
    return any(isinstance(x, (Tensor, np.ndarray, list, tuple)) for x in values)


def _substitute(args, kwargs, positions, name):
    """(the arguments with each differentiated one replaced by its variable, those variables)."""
    call_args = list(args)
    variables = []
    numbers_as_tensors = involves_arrays(args, kwargs)
    for position in positions:
        variable = make_variable(args[position], name, position, numbers_as_tensors)
        call_args[position] = variable
        variables.append(variable)
    return call_args, variables


# --------------------------------------------------------------------------- results


def zeros_like(variable, as_node):
    """A zero gradient for ``variable``: a plain 0.0 / zero array, or a constant node of it."""
    if isinstance(variable, Value):
        return constant(0.0) if as_node else 0.0
    zeros = np.zeros(variable.shape, dtype=variable.dtype)
    return Tensor(zeros) if as_node else zeros


def to_plain(x):
    """A node's payload as a Python float (Value) or an ndarray of its own (Tensor); numbers as floats."""
    if isinstance(x, Value):
        return x._data
    if isinstance(x, Tensor):
        return np.array(x.data)
    if isinstance(x, np.ndarray):
        return np.array(x)
    return float(x)


def _gradient_result(grad, variable, argument, made_here):
    """What a transform returns for one argument: nodes for nodes, plain values for plain ones.

    A plain argument's gradient stays a node when it depends on a node from
    outside the transform (``made_here``: ids of the transform's own new leaves),
    so that an outer differentiation sees it.
    """
    node_in = isinstance(argument, Node)
    if grad is None:
        grad = zeros_like(variable, node_in)
    if node_in:
        return grad if isinstance(grad, Node) else _as_constant_node(grad, variable)
    if made_here is not None and isinstance(grad, Node) and reaches_outside(grad, made_here):
        return grad
    plain = to_plain(grad)
    return float(plain) if _is_plain_number(argument) else plain


def _as_constant_node(payload, variable):
    if isinstance(variable, Value):
        return constant(float(payload))
    return Tensor(np.asarray(payload))


def scalar_root(out, name):
    """(the node to differentiate, its seed payload) for f's output, or (None, None) for a constant.

    A Value or a one-element Tensor is a scalar; a plain number is a constant whose
    derivative is zero; anything else is an error naming ``name``.
    """
    if isinstance(out, Value):
        return out, 1.0
    if isinstance(out, Tensor):
        if out.size != 1:
            raise ValueError(
                f"{name}: f must return a scalar (a Value or a one-element Tensor), got a Tensor of shape "
                f"{out.shape}; use jacobian for a function with several outputs"
            )
        return out, np.ones(out.shape, dtype=out.dtype)
    if _is_plain_number(out):
        return None, None
    if isinstance(out, np.ndarray) and out.dtype.kind in "iuf":
        if out.size != 1:
            raise ValueError(f"{name}: f must return a scalar, got an array of shape {out.shape}")
        return None, None
    raise TypeError(
        f"{name}: f must return a scalar (a Value, a one-element Tensor or a number), got {_describe(out)}"
    )


def seed_for(root, payload, as_node):
    """The seed d(root)/d(root) for ``engine.gradients``: the payload, or a constant node of it."""
    if not as_node:
        return payload
    return constant(payload) if isinstance(root, Value) else Tensor(payload)


def record_graph(roots, variables, grad_enabled, orders=None):
    """Whether a transform records its derivatives (create_graph): grad mode was on and a root reaches outside.

    Returns the ids of the transform's own leaves when it records (for
    ``_gradient_result``), else None. ``orders``: each root's topological order, if known.
    """
    if not grad_enabled:
        return None
    made_here = _made_here(variables)
    orders = orders or [None] * len(roots)
    return made_here if any(reaches_outside(root, made_here, order) for root, order in zip(roots, orders)) else None


def graph_order(root):
    """``engine.topological_order(root)`` for a node that requires grad, else None."""
    return engine.topological_order(root) if isinstance(root, Node) and root._requires_grad else None


def _derivatives(f, argnums, name, args, kwargs):
    """(f's output, whether it is returned as a node, its derivatives with respect to the arguments ``argnums`` names)."""
    positions = _positions(argnums, len(args), name)
    grad_enabled = engine.is_grad_enabled()
    variables = []
    try:
        with enable_grad():
            call_args, variables = _substitute(args, kwargs, positions, name)
            out = f(*call_args, **kwargs)
            root, seed = scalar_root(out, name)
            order = graph_order(root)
            made_here = record_graph([root], variables, grad_enabled, [order])
            recording = made_here is not None
            if order is None:
                grads = [None] * len(variables)
            else:
                grads = engine.gradients(
                    root, variables, seed_for(root, seed, recording), create_graph=recording, order=order
                )
            results = [
                _gradient_result(grad, variable, args[position], made_here)
                for grad, variable, position in zip(grads, variables, positions)
            ]
    finally:
        retire(variables)
    value_as_node = recording or any(isinstance(args[position], Node) for position in positions)
    return out, value_as_node, results[0] if isinstance(argnums, int) else tuple(results)


def _scalar_output(out, as_node):
    if as_node and isinstance(out, Node):
        return out
    if isinstance(out, Node):
        return float(np.asarray(out.data).reshape(()))
    return float(np.asarray(out).reshape(()))


def _named(transformed, f, kind, doc):
    name = getattr(f, "__name__", type(f).__name__)
    transformed.__name__ = transformed.__qualname__ = f"{kind}({name})"
    transformed.__doc__ = doc
    transformed.__wrapped__ = f
    return transformed


def grad(f, argnums=0):
    """The function x -> df/dx for a scalar-valued f (``argnums`` a tuple gives a tuple of gradients).

    Plain numbers and arrays in give floats and ndarrays out; Values and Tensors in
    give nodes out. Nest it for higher derivatives: ``grad(grad(f))``.
    """
    _check_callable(f, "grad")
    argnums = _check_argnums(argnums, "grad")

    def gradient_of_f(*args, **kwargs):
        return _derivatives(f, argnums, "grad", args, kwargs)[2]

    return _named(gradient_of_f, f, "grad", f"The gradient of {getattr(f, '__name__', 'f')} (argnums={argnums!r}).")


def value_and_grad(f, argnums=0):
    """The function x -> (f(x), df/dx), computing f once; the value is a float for plain inputs."""
    _check_callable(f, "value_and_grad")
    argnums = _check_argnums(argnums, "value_and_grad")

    def value_and_gradient_of_f(*args, **kwargs):
        out, value_as_node, grads = _derivatives(f, argnums, "value_and_grad", args, kwargs)
        return _scalar_output(out, value_as_node), grads

    return _named(
        value_and_gradient_of_f,
        f,
        "value_and_grad",
        f"The value and gradient of {getattr(f, '__name__', 'f')} (argnums={argnums!r}).",
    )


# --------------------------------------------------------------------------- jacobian, hessian, hvp


def output_elements(out, name):
    """(shape, [(root, seed payload) per element]) for f's output; a root of None is a constant.

    A Value is shape (); a list or tuple of Values (and numbers) is a vector; a
    Tensor gives one one-hot seed per element; plain numbers and arrays are constants.
    """
    if isinstance(out, Value):
        return (), [(out, 1.0)]
    if isinstance(out, Tensor):
        elements = []
        for index in np.ndindex(*out.shape):
            seed = np.zeros(out.shape, dtype=out.dtype)
            seed[index] = 1.0
            elements.append((out, seed))
        return tuple(out.shape), elements
    if isinstance(out, (list, tuple)) and all(isinstance(x, Value) or _is_plain_number(x) for x in out):
        return (len(out),), [(x, 1.0) if isinstance(x, Value) else (None, None) for x in out]
    if _is_plain_number(out):
        return (), [(None, None)]
    if isinstance(out, np.ndarray) and out.dtype.kind in "iuf":
        return tuple(out.shape), [(None, None)] * out.size
    raise TypeError(
        f"{name}: f must return a Value, a Tensor, a list of Values or a number, got {_describe(out)}"
    )


def unique_roots(elements):
    """The distinct root nodes of ``output_elements``' list (a Tensor output is one root for all its elements)."""
    roots = {}
    for root, _ in elements:
        if root is not None:
            roots[id(root)] = root
    return list(roots.values())


def _assemble(rows, out_shape, variable, as_node):
    """One Jacobian block of shape out_shape + variable's shape, from one gradient per output element."""
    if not as_node:
        in_shape = () if isinstance(variable, Value) else tuple(variable.shape)
        block = np.array([np.asarray(to_plain(row)) for row in rows], dtype=np.float64)
        if isinstance(variable, Tensor):
            block = block.astype(variable.dtype, copy=False)
        block = block.reshape(tuple(out_shape) + in_shape)
        return float(block) if block.shape == () else block
    if isinstance(variable, Value):
        return rows[0] if out_shape == () else list(rows)
    block = stack(list(rows), axis=0)
    return block.reshape(tuple(out_shape) + tuple(variable.shape))


def jacobian(f, argnums=0):
    """The function x -> ∂f/∂x, of shape f(x).shape + x.shape: J[i..., j...] = ∂f[i...]/∂x[j...].

    One reverse pass per output element. f may return a Value, a list of Values or a
    Tensor; plain inputs give ndarrays (a float for a scalar function of a float).
    """
    _check_callable(f, "jacobian")
    argnums = _check_argnums(argnums, "jacobian")

    def jacobian_of_f(*args, **kwargs):
        positions = _positions(argnums, len(args), "jacobian")
        grad_enabled = engine.is_grad_enabled()
        variables = []
        try:
            with enable_grad():
                call_args, variables = _substitute(args, kwargs, positions, "jacobian")
                out_shape, elements = output_elements(f(*call_args, **kwargs), "jacobian")
                roots = unique_roots(elements)
                orders = {id(root): graph_order(root) for root in roots}
                made_here = record_graph(roots, variables, grad_enabled, [orders[id(root)] for root in roots])
                recording = made_here is not None
                rows = [[] for _ in variables]
                for root, seed in elements:
                    if root is None or not root.requires_grad:
                        grads = [None] * len(variables)
                    else:
                        grads = engine.gradients(
                            root, variables, seed_for(root, seed, recording), create_graph=recording, order=orders[id(root)]
                        )
                    for column, grad, variable, position in zip(rows, grads, variables, positions):
                        column.append(_gradient_result(grad, variable, args[position], made_here))
        finally:
            retire(variables)
        blocks = []
        for column, variable, position in zip(rows, variables, positions):
            as_node = any(isinstance(entry, Node) for entry in column)
            if as_node:
                column = [
                    entry if isinstance(entry, Node) else _as_constant_node(entry, variable) for entry in column
                ]
            blocks.append(_assemble(column, out_shape, variable, as_node))
        return blocks[0] if isinstance(argnums, int) else tuple(blocks)

    return _named(jacobian_of_f, f, "jacobian", f"The Jacobian of {getattr(f, '__name__', 'f')} (argnums={argnums!r}).")


def hessian(f, argnums=0):
    """The function x -> ∂²f/∂x², of shape x.shape + x.shape: the Jacobian of the gradient.

    With a tuple ``argnums`` the result is a tuple of tuples: ``H[i][j] = ∂²f/∂xᵢ∂xⱼ``.
    """
    _check_callable(f, "hessian")
    argnums = _check_argnums(argnums, "hessian")
    if isinstance(argnums, int):
        transformed = jacobian(grad(f, argnums), argnums)
    else:
        blocks = [[jacobian(grad(f, i), j) for j in argnums] for i in argnums]

        def transformed(*args, **kwargs):
            return tuple(tuple(block(*args, **kwargs) for block in row) for row in blocks)

    def hessian_of_f(*args, **kwargs):
        return transformed(*args, **kwargs)

    return _named(hessian_of_f, f, "hessian", f"The Hessian of {getattr(f, '__name__', 'f')} (argnums={argnums!r}).")


def inner_product(a, b):
    """⟨a, b⟩ = Σ aᵢbᵢ for numbers, arrays, Values and Tensors (a node if either is a node)."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return (a * b).sum()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return float(np.sum(np.asarray(a) * np.asarray(b)))
    return a * b


def _shape_of(x):
    if isinstance(x, Value) or _is_plain_number(x):
        return ()
    return tuple(np.shape(x.data if isinstance(x, Tensor) else x))


def _check_vector(v, x, name, position):
    if isinstance(v, (list, tuple)):
        v = np.asarray(v, dtype=np.float64)
    if not (isinstance(v, (Value, Tensor, np.ndarray)) or _is_plain_number(v)):
        raise TypeError(f"{name}: the vector for argument {position} must be a number, an array or a node, got {_describe(v)}")
    if _shape_of(v) != _shape_of(x):
        raise ValueError(
            f"{name}: the vector for argument {position} has shape {_shape_of(v)}, "
            f"but the argument has shape {_shape_of(x)}"
        )
    return v


def hvp(f, argnums=0):
    """The function (x, v) -> H(x) v, the Hessian-vector product, without forming the Hessian.

    H v = ∂/∂x ⟨∇f(x), v⟩: two reverse passes whatever the size of x. The vector
    comes last: ``hvp(f)(x, v)``; with a tuple ``argnums``, v is a tuple of vectors.
    """
    _check_callable(f, "hvp")
    argnums = _check_argnums(argnums, "hvp")
    gradient = grad(f, argnums)

    def hvp_of_f(*args, **kwargs):
        if len(args) < 2:
            raise TypeError("hvp: call as hvp(f)(*args, v): the arguments of f, then the vector v")
        *args, vectors = args
        positions = _positions(argnums, len(args), "hvp")
        if isinstance(argnums, int):
            vectors = (vectors,)
        elif not isinstance(vectors, tuple) or len(vectors) != len(positions):
            raise ValueError(f"hvp: argnums={argnums!r} needs a tuple of {len(positions)} vectors, got {_describe(vectors)}")
        vectors = [_check_vector(v, args[p], "hvp", p) for v, p in zip(vectors, positions)]

        def directional_derivative(*inner_args, **inner_kwargs):
            grads = gradient(*inner_args, **inner_kwargs)
            grads = (grads,) if isinstance(argnums, int) else grads
            total = 0.0
            for g, v in zip(grads, vectors):
                total = total + inner_product(g, v)
            return total

        return grad(directional_derivative, argnums)(*args, **kwargs)

    return _named(
        hvp_of_f, f, "hvp", f"The Hessian-vector product of {getattr(f, '__name__', 'f')} (argnums={argnums!r})."
    )

"""How a shared op is declared: ``unary`` and ``binary`` entries, and the helpers Value and Tensor build
their methods with (``binary_rules``, ``bind_params``,
``params_signature``, ``shared``)."""

import inspect


from .. import vocabulary as V
from ..core.node import Node
from ..core.optable import EVERYWHERE, TABLE, OpSpec, declare


def unary(name, on_float, on_array, rule, doc, domain=EVERYWHERE, params=None, attributes=None):
    """Declare the elementwise op ``name``, run on Value and Tensor by the methods ``attributes`` (default: name).

    ``params`` maps each keyword of the forward (after the operand) to the range tests draw it from;
    the forward's defaults are the method's.
    """
    params = params or {}
    defaults = {key: p.default for key, p in inspect.signature(on_array).parameters.items() if key in params}
    if not params:
        V.define(name, V.elementwise(name, on_float, on_array, (attributes or (name,))[0]))
    return declare(OpSpec(name, doc, "elementwise", domain=(domain,), reference=on_array, on_float=on_float,
                          rule=rule, params=params, attributes=attributes or (name,), defaults=defaults))


def binary_rules(grad_a, grad_b):
    """A binary op's rules keyed by (a needs grad, b needs grad): only the gradients needed are computed."""

    def both(g, out, a, b):
        return grad_a(g, out, a, b), grad_b(g, out, a, b)

    def first(g, out, a, b):
        return grad_a(g, out, a, b), None

    def second(g, out, a, b):
        return None, grad_b(g, out, a, b)

    return {(True, True): both, (True, False): first, (False, True): second}


def bind_params(spec, args, kwargs, where, convert):
    """The keyword parameters of a call to ``spec``'s method: positional ``args`` and ``kwargs`` over its defaults,
    each passed through ``convert(value, where)``; a TypeError for an unknown or doubled one."""
    names = list(spec.defaults)
    if len(args) > len(names):
        raise TypeError(f"{where}: takes at most {len(names)} argument(s) ({', '.join(names)}), got {len(args)}")
    params = dict(spec.defaults)
    for key, value in zip(names, args):
        params[key] = value
    for key, value in kwargs.items():
        if key not in params:
            raise TypeError(f"{where}: unexpected argument {key!r}; accepted: {', '.join(names)}")
        if key in names[: len(args)]:
            raise TypeError(f"{where}: got {key!r} twice")
        params[key] = value
    return {key: convert(value, f"{where}({key}=...)") for key, value in params.items()}


def params_signature(spec):
    """The signature of ``spec``'s method, ``(self, <keyword>=<default>, ...)``, for a method that binds its
    parameters with ``bind_params``: what ``inspect``, ``help`` and the generated stubs show."""
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
                   for key, default in spec.defaults.items()]
    return inspect.Signature(parameters)


def binary(name, dunder, on_float, on_array, grads, doc, domains=(EVERYWHERE, EVERYWHERE), passes_gradient=False):
    """Declare the arithmetic op ``name`` run by ``__<dunder>__`` and ``__r<dunder>__``.

    ``grads`` = (grad_a, grad_b), each ``(g, out, a, b) -> gradient at the result's shape``;
    ``passes_gradient``: a grad is ``g`` itself, so a leaf must get a copy.
    """
    return declare(OpSpec(name, doc, "arithmetic", arity=2, domain=domains, reference=on_array, on_float=on_float,
                          rule=grads, dunder=dunder, passes_gradient=passes_gradient))


def shared():
    """The entries declared here, in order: the ops Value and Tensor both build their methods from."""
    return [spec for spec in TABLE.values() if spec.on_float is not None]


def payload(x):
    """A rule's operand as a float or an ndarray: rules run on payloads and, under create_graph, on nodes."""
    return x.data if isinstance(x, Node) else x

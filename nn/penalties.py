"""Regularisation penalties R(θ), as the course notes write them; the caller multiplies by λ.

    loss = data_loss + 1e-4 * nn.l2_penalty(model.parameters())
"""

from autograd import Tensor, Value, dot, sum_values

from .module import Module


def _parameters(params, where):
    if isinstance(params, Module):
        params = params.parameters()
    elif isinstance(params, (Tensor, Value)):
        params = [params]
    try:
        params = list(params)
    except TypeError:
        raise TypeError(
            f"{where}: expected an iterable of parameters (Tensors or Values), got {type(params).__name__}"
        ) from None
    if not params:
        raise ValueError(f"{where}: needs at least one parameter, got none")
    if all(isinstance(p, Value) for p in params):
        return params, Value
    if all(isinstance(p, Tensor) for p in params):
        return params, Tensor
    kinds = sorted({type(p).__name__ for p in params})
    raise TypeError(f"{where}: the parameters must be all Tensors or all Values, got {', '.join(kinds)}")


def _total(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def l1_penalty(params):
    """Σ|θ| over every element of every parameter (abs'(0) = 0); a Value for Values, a 0-d Tensor for Tensors."""
    params, kind = _parameters(params, "l1_penalty")
    if kind is Value:
        return sum_values([p.abs() for p in params])
    return _total([p.abs().sum() for p in params])


def l2_penalty(params):
    """Σθ² over every element of every parameter (d/dθ = 2θ); a Value for Values, a 0-d Tensor for Tensors."""
    params, kind = _parameters(params, "l2_penalty")
    if kind is Value:
        return dot(params, params)
    return _total([(p * p).sum() for p in params])

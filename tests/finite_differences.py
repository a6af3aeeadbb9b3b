"""Central finite differences (float64) for the tests, and the engine's answers to compare them with."""

import numpy as np

from autograd import Tensor
from autograd.core.engine import gradients


def numeric_gradient(f, arrays, eps=1e-6):
    """d f(*arrays) / d arrays[i] for a scalar-valued f on ndarrays, by central differences."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    grads = []
    for array in arrays:
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            plus = float(f(*arrays))
            array[index] = saved - eps
            minus = float(f(*arrays))
            array[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads


def engine_gradient(f, arrays, weights):
    """d Σ(weights · f(*tensors)) / d tensors by the engine's first-order pass (ndarrays out)."""
    tensors = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    (f(*tensors) * Tensor(weights)).sum().backward()
    return [t.grad for t in tensors]


def engine_hvp(f, arrays, weights, directions):
    """The Hessian of Σ(weights · f) times ``directions``: a gradient recorded with create_graph, differentiated again."""
    tensors = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    loss = (f(*tensors) * Tensor(weights)).sum()
    firsts = gradients(loss, tensors, Tensor(np.ones(())), create_graph=True)
    inner = sum(((g * Tensor(v)).sum() for g, v in zip(firsts, directions) if g is not None), Tensor(0.0))
    if not inner.requires_grad:  # the gradient does not depend on the inputs: the Hessian is zero
        return [np.zeros_like(np.asarray(a, dtype=np.float64)) for a in arrays]
    seconds = gradients(inner, tensors, np.ones(()))
    return [np.zeros(t.shape) if s is None else s for s, t in zip(seconds, tensors)]


def numeric_hvp(f, arrays, weights, directions, eps=1e-5):
    """Central differences of the engine's first-order gradient along ``directions``."""
    plus = engine_gradient(f, [a + eps * v for a, v in zip(arrays, directions)], weights)
    minus = engine_gradient(f, [a - eps * v for a, v in zip(arrays, directions)], weights)
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def numeric_gradient_at(f, x, eps=1e-6):
    """d f(x) / dx for a scalar-valued f on one ndarray, by central differences."""
    return numeric_gradient(f, [x], eps)[0]


def central_difference(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / 2eps for a scalar function of a float."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)

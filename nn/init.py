"""Weight initialisers: numpy arrays drawn from a seeded random generator.

A weight has the layout of ``nn.Linear``: shape ``(fan_in, fan_out)`` =
``(in_features, out_features)``, so the layer computes ``X @ W + b``.

- ``he``:      N(0, 2 / fan_in)              (for ReLU layers)
- ``xavier``:  N(0, 2 / (fan_in + fan_out))  (for tanh / sigmoid layers)
- ``normal``:  N(0, 0.01²)                   (the course notes' ``np.random.randn(...) * 0.01``)
- ``uniform``: U(-1/√fan_in, 1/√fan_in)       (variance 1 / (3·fan_in))
- ``zeros``:   all zeros (fine for biases; a weight matrix of zeros never breaks symmetry)

Every initialiser takes ``rng=``: a ``numpy.random.Generator``, an int seed, or
None for fresh entropy, so that runs reproduce.
"""

import numbers
import operator

import numpy as np


def make_rng(rng=None, where="rng"):
    """A ``numpy.random.Generator`` from ``rng``: a Generator (returned as is), an int seed, or None."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{where}: a seed must be >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{where}: expected a numpy.random.Generator, an int seed or None, got {type(rng).__name__} {rng!r}"
    )


def _as_shape(shape, where):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError(f"{where}: shape must be an int or a tuple of ints, got {shape!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"{where}: shape must not have negative sizes, got {shape}")
    return shape


def fans(shape):
    """``(fan_in, fan_out)`` of a weight of shape ``(fan_in, fan_out)``; leading axes multiply into fan_in."""
    shape = _as_shape(shape, "fans")
    if len(shape) < 2:
        raise ValueError(
            f"fans: a weight needs a shape (in_features, out_features) of 2 or more axes, got {shape}"
        )
    fan_out = shape[-1]
    fan_in = int(np.prod(shape[:-1]))
    if fan_in == 0 or fan_out == 0:
        raise ValueError(f"fans: a weight of shape {shape} has no inputs or no outputs")
    return fan_in, fan_out


def _float_dtype(dtype, where):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: dtype must be a floating type (float32, float64), got {dtype}")
    return dtype


def _normal(shape, std, rng, dtype, where):
    shape = _as_shape(shape, where)
    dtype = _float_dtype(dtype, where)
    return (make_rng(rng, f"{where}(rng=...)").standard_normal(shape) * std).astype(dtype, copy=False)


def he(shape, rng=None, dtype=np.float64):
    """He (Kaiming) normal: N(0, 2 / fan_in), keeping the variance of ReLU activations steady."""
    fan_in, _ = fans(_as_shape(shape, "init.he"))
    return _normal(shape, np.sqrt(2.0 / fan_in), rng, dtype, "init.he")


def xavier(shape, rng=None, dtype=np.float64):
    """Xavier (Glorot) normal: N(0, 2 / (fan_in + fan_out)), for tanh and sigmoid layers."""
    fan_in, fan_out = fans(_as_shape(shape, "init.xavier"))
    return _normal(shape, np.sqrt(2.0 / (fan_in + fan_out)), rng, dtype, "init.xavier")


def normal(shape, std=0.01, rng=None, dtype=np.float64):
    """N(0, std²), by default the course notes' small random weights N(0, 0.01²)."""
    if not isinstance(std, numbers.Real) or isinstance(std, bool):
        raise TypeError(f"init.normal: std must be a real number, got {type(std).__name__}")
    if not std >= 0:
        raise ValueError(f"init.normal: std must be >= 0, got {std}")
    return _normal(shape, float(std), rng, dtype, "init.normal")


def uniform(shape, bound=None, rng=None, dtype=np.float64):
    """U(-bound, bound); by default bound = 1/√fan_in, so the variance is 1 / (3·fan_in)."""
    shape = _as_shape(shape, "init.uniform")
    if bound is None:
        fan_in, _ = fans(shape)
        bound = 1.0 / np.sqrt(fan_in)
    elif not isinstance(bound, numbers.Real) or isinstance(bound, bool):
        raise TypeError(f"init.uniform: bound must be a real number, got {type(bound).__name__}")
    elif not bound >= 0:
        raise ValueError(f"init.uniform: bound must be >= 0, got {bound}")
    dtype = _float_dtype(dtype, "init.uniform")
    generator = make_rng(rng, "init.uniform(rng=...)")
    return generator.uniform(-bound, bound, size=shape).astype(dtype, copy=False)


def zeros(shape, rng=None, dtype=np.float64):
    """All zeros (``rng`` is accepted for a uniform signature and not used)."""
    return np.zeros(_as_shape(shape, "init.zeros"), dtype=_float_dtype(dtype, "init.zeros"))


INITIALISERS = {"he": he, "xavier": xavier, "normal": normal, "uniform": uniform, "zeros": zeros}


def initialise(init, shape, rng=None, dtype=np.float64, where="init"):
    """Draw a weight by name (one of ``INITIALISERS``) or with a callable ``init(shape, rng=, dtype=)``."""
    if isinstance(init, str):
        try:
            initialiser = INITIALISERS[init]
        except KeyError:
            raise ValueError(
                f"{where}: unknown init {init!r}; expected one of {', '.join(map(repr, INITIALISERS))} "
                "or a callable init(shape, rng=, dtype=)"
            ) from None
    elif callable(init):
        initialiser = init
    else:
        raise TypeError(f"{where}: init must be a name or a callable, got {type(init).__name__}")
    shape = _as_shape(shape, where)
    values = np.asarray(initialiser(shape, rng=rng, dtype=dtype))
    if values.shape != shape:
        raise ValueError(f"{where}: init {init!r} returned shape {values.shape}, expected {shape}")
    return values.astype(dtype, copy=False)

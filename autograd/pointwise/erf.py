"""erf on arrays (numpy has none): Taylor series summed with numpy, within about an ulp of math.erf.

For |x| < 1/2 the Maclaurin series erf x = (2/√π) Σ (−1)ⁿ x²ⁿ⁺¹ / (n!(2n+1)), whose terms
fall under 1e-17 by n = 12. For 1/2 <= |x| < 6, the Taylor series about the centre c of
the 1/16-wide interval holding |x|: erf(c + h) = erf c + Σₖ erf⁽ᵏ⁾(c) hᵏ / k!, with
erf⁽ᵏ⁾(c) = (2/√π)(−1)ᵏ⁻¹ Hₖ₋₁(c) e^(−c²) (Hermite polynomials) and |h| <= 1/32, so
nine terms suffice. From 6 on, erf x rounds to ±1. The coefficients are computed once,
at import, from math.erf and the Hermite recurrence: no table of magic numbers.
Measured on a (64, 128) float64 array (process time): ~190 µs, against ~520 µs for math.erf per
element (np.frompyfunc) and ~10 µs for np.tanh.
"""

import math

import numpy as np

_TWO_OVER_ROOT_PI = 2.0 / math.sqrt(math.pi)
_SMALL = 0.5  # below: the Maclaurin series
_ONE = 6.0  # from here on: ±1
_LAST = np.nextafter(_ONE, 0.0)
_WIDTH = 1.0 / 16  # the intervals of the Taylor series between
_DEGREE = 9

# in x², highest power first (for Horner's rule)
_MACLAURIN = [_TWO_OVER_ROOT_PI * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(13)][::-1]
_CENTRES = np.arange(_SMALL + _WIDTH / 2, _ONE, _WIDTH)


def _taylor_coefficients(c):
    """erf⁽ᵏ⁾(c) / k! for k = 0 … _DEGREE."""
    hermite = [1.0, 2.0 * c]
    for n in range(1, _DEGREE):
        hermite.append(2.0 * c * hermite[n] - 2.0 * n * hermite[n - 1])
    scale = _TWO_OVER_ROOT_PI * math.exp(-c * c)
    return [math.erf(c)] + [scale * (-1) ** (k - 1) * hermite[k - 1] / math.factorial(k)
                            for k in range(1, _DEGREE + 1)]


_TAYLOR = np.array([_taylor_coefficients(c) for c in _CENTRES])
_TAYLOR_COLUMNS = [np.ascontiguousarray(_TAYLOR[:, k]) for k in range(_DEGREE + 1)]  # k-th coefficient per centre


def _maclaurin(a):
    """erf of ``a`` (0 <= a < 1/2)."""
    z = a * a
    acc = np.full_like(a, _MACLAURIN[0])
    for coefficient in _MACLAURIN[1:]:
        acc *= z
        acc += coefficient
    return a * acc


def _taylor(a):
    """erf of ``a`` (1/2 <= a < 6; nan gives nan)."""
    with np.errstate(invalid="ignore"):  # a nan has no interval
        index = ((a - _SMALL) * (1.0 / _WIDTH)).astype(np.intp)
    h = a - _CENTRES.take(index, mode="clip")  # clip: a nan's index is arbitrary, its h is nan
    acc = _TAYLOR_COLUMNS[_DEGREE].take(index, mode="clip")
    for k in range(_DEGREE - 1, -1, -1):
        acc *= h
        acc += _TAYLOR_COLUMNS[k].take(index, mode="clip")
    return acc


def array_erf(x):
    """erf of every element of ``x``, in its floating dtype (computed in float64; nan stays nan).

    Both series run on every element (clipped to their ranges) and ``where`` picks: quicker than
    gathering each range's elements by a mask (measured).
    """
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    if a.size and a.max() < _SMALL:
        out = _maclaurin(a)
    else:
        near = _maclaurin(np.minimum(a, _SMALL))
        far = _taylor(np.clip(a, _SMALL, _LAST))
        out = np.where(a < _SMALL, near, np.where(a >= _ONE, 1.0, far))
    return np.copysign(out, x).astype(dtype, copy=False)

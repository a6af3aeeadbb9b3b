"""Initialisers: the variance each formula promises, reproducible draws, clear errors.

Variance checks draw n = 1,000,000 numbers from a fixed seed. The sample
variance of n normal draws has a relative standard error of √(2/n) ≈ 0.0014
(uniform: √(0.8/n) ≈ 0.0009), so a 1% relative tolerance is about 7 standard
errors: it cannot fail by chance, and a wrong formula (a factor of 2, fan_out for
fan_in) misses it by far.
"""

import numpy as np
import pytest

from nn import init

SHAPE = (400, 2500)  # fan_in 400, fan_out 2500: 1,000,000 draws
FAN_IN, FAN_OUT = SHAPE


def test_he_has_variance_two_over_fan_in():
    weights = init.he(SHAPE, rng=0)
    assert weights.var() == pytest.approx(2.0 / FAN_IN, rel=0.01)


def test_xavier_has_variance_two_over_fan_in_plus_fan_out():
    weights = init.xavier(SHAPE, rng=0)
    assert weights.var() == pytest.approx(2.0 / (FAN_IN + FAN_OUT), rel=0.01)


def test_normal_has_the_course_notes_standard_deviation_0_01():
    weights = init.normal(SHAPE, rng=0)
    assert weights.std() == pytest.approx(0.01, rel=0.01)


def test_initialisers_have_mean_zero():
    for initialiser in (init.he, init.xavier, init.normal, init.uniform):
        weights = initialiser(SHAPE, rng=1)
        # the mean of n draws has standard error σ/√n = σ/1000; allow 7 of them
        assert abs(weights.mean()) < 7 * weights.std() / 1000


def test_uniform_is_bounded_by_one_over_sqrt_fan_in_with_variance_one_third_of_its_square():
    weights = init.uniform(SHAPE, rng=0)
    bound = 1.0 / np.sqrt(FAN_IN)
    assert np.all(np.abs(weights) <= bound)
    assert weights.var() == pytest.approx(bound**2 / 3.0, rel=0.01)


def test_uniform_takes_an_explicit_bound():
    weights = init.uniform((1000, 1000), bound=0.5, rng=0)
    assert np.all(np.abs(weights) <= 0.5)
    assert weights.var() == pytest.approx(0.25 / 3.0, rel=0.01)


def test_zeros_is_all_zeros_of_the_shape():
    weights = init.zeros((3, 4))
    assert weights.shape == (3, 4)
    assert not weights.any()


def test_the_same_int_seed_gives_the_same_weights():
    assert np.array_equal(init.he((5, 3), rng=7), init.he((5, 3), rng=7))


def test_different_seeds_give_different_weights():
    assert not np.array_equal(init.he((5, 3), rng=7), init.he((5, 3), rng=8))


def test_a_generator_is_used_and_advanced():
    generator = np.random.default_rng(3)
    first, second = init.xavier((4, 4), rng=generator), init.xavier((4, 4), rng=generator)
    assert not np.array_equal(first, second)
    replay = np.random.default_rng(3)
    assert np.array_equal(first, init.xavier((4, 4), rng=replay))


def test_dtype_float32_is_kept():
    assert init.he((3, 2), rng=0, dtype=np.float32).dtype == np.float32


def test_leading_axes_multiply_into_fan_in():
    assert init.fans((3, 4, 5)) == (12, 5)


def test_a_one_dimensional_shape_has_no_fans():
    with pytest.raises(ValueError, match=r"fans: .*\(in_features, out_features\)"):
        init.he((5,))


def test_a_bad_rng_is_a_type_error():
    with pytest.raises(TypeError, match=r"rng.*Generator.*got str"):
        init.he((2, 2), rng="seed")


def test_a_negative_seed_is_a_value_error():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        init.make_rng(-1)


def test_an_integer_dtype_is_refused():
    with pytest.raises(TypeError, match="floating"):
        init.he((2, 2), dtype=np.int64)


def test_a_negative_std_is_refused():
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal((2, 2), std=-1.0)


def test_initialise_by_name_matches_the_function():
    assert np.array_equal(init.initialise("xavier", (3, 2), rng=5), init.xavier((3, 2), rng=5))


def test_initialise_refuses_an_unknown_name_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown init 'glorot'.*'he', 'xavier', 'normal', 'uniform', 'zeros'"):
        init.initialise("glorot", (3, 2))


def test_initialise_takes_a_callable():
    weights = init.initialise(lambda shape, rng, dtype: np.full(shape, 0.5, dtype), (2, 3))
    assert np.array_equal(weights, np.full((2, 3), 0.5))


def test_initialise_refuses_a_callable_returning_the_wrong_shape():
    with pytest.raises(ValueError, match=r"returned shape \(3, 2\), expected \(2, 3\)"):
        init.initialise(lambda shape, rng, dtype: np.zeros((3, 2)), (2, 3))

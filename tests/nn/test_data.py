"""nn.data: toy data sets, one_hot, standardize, train_test_split, kfold and DataLoader."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Tensor
from nn.data import (
    DataLoader,
    kfold,
    make_blobs,
    make_donut,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
    one_hot,
    standardize,
    train_test_split,
)

CLASSIFICATION = {
    "xor": (make_xor, 2),
    "donut": (make_donut, 2),
    "moons": (make_moons, 2),
    "spirals": (make_spirals, 3),
    "blobs": (make_blobs, 3),
}


# --- data sets -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_have_documented_shapes_and_dtypes(name):
    make, _ = CLASSIFICATION[name]
    X, y = make(n_samples=101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_are_balanced(name):
    make, num_classes = CLASSIFICATION[name]
    _, y = make(n_samples=100, rng=0)
    counts = np.bincount(y, minlength=num_classes)
    assert len(counts) == num_classes
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_reproduce_with_the_same_seed(name):
    make, _ = CLASSIFICATION[name]
    X1, y1 = make(n_samples=50, rng=7)
    X2, y2 = make(n_samples=50, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_differ_between_seeds(name):
    make, _ = CLASSIFICATION[name]
    assert not np.array_equal(make(n_samples=50, rng=1)[0], make(n_samples=50, rng=2)[0])


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_unshuffled_sets_are_grouped_by_class(name):
    make, _ = CLASSIFICATION[name]
    _, y = make(n_samples=60, rng=0, shuffle=False)
    if name == "xor":
        np.testing.assert_array_equal(y[:4], [0, 1, 1, 0])
    else:
        assert np.all(np.diff(y) >= 0)


def test_xor_without_noise_is_the_truth_table():
    X, y = make_xor(4, noise=0.0, shuffle=False)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_xor_labels_are_the_xor_of_the_nearest_corner():
    X, y = make_xor(200, noise=0.1, rng=0)
    corner = np.round(np.clip(X, 0, 1)).astype(int)
    assert np.mean((corner[:, 0] ^ corner[:, 1]) == y) > 0.99


def test_donut_without_noise_puts_each_class_on_its_circle():
    X, y = make_donut(100, noise=0.0, inner_radius=0.5, outer_radius=2.0, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 0.5)
    np.testing.assert_allclose(radius[y == 1], 2.0)


def test_moons_without_noise_lie_on_their_arcs():
    X, y = make_moons(100, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_spirals_have_the_requested_number_of_arms_within_the_unit_disk():
    X, y = make_spirals(250, num_classes=5, noise=0.2, rng=0)
    assert set(np.unique(y)) == {0, 1, 2, 3, 4}
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12


def test_blobs_gather_around_given_centers():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = make_blobs(400, centers=centers, cluster_std=0.5, rng=0)
    assert X.shape == (400, 3)
    for label, center in enumerate(centers):
        np.testing.assert_allclose(X[y == label].mean(axis=0), center, atol=0.15)
        np.testing.assert_allclose(X[y == label].std(axis=0), 0.5, atol=0.1)


def test_regression_without_noise_is_exactly_linear_in_the_returned_weights():
    X, y, weights = make_regression(50, 3, noise=0.0, bias=2.5, rng=0, coef=True)
    assert X.shape == (50, 3) and y.shape == (50,) and weights.shape == (3,)
    np.testing.assert_allclose(y, X @ weights + 2.5, rtol=1e-13)


def test_regression_noise_has_the_requested_standard_deviation():
    X, y, weights = make_regression(20000, 2, noise=3.0, rng=0, coef=True)
    assert np.std(y - X @ weights) == pytest.approx(3.0, rel=0.03)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-5, ValueError), (2.5, TypeError), (True, TypeError)])
def test_data_sets_refuse_bad_sample_counts(bad, error):
    with pytest.raises(error, match="n_samples"):
        make_moons(bad)


def test_data_sets_refuse_negative_noise():
    with pytest.raises(ValueError, match="noise must be >= 0"):
        make_donut(10, noise=-0.1)


def test_donut_refuses_an_inner_radius_not_smaller_than_the_outer():
    with pytest.raises(ValueError, match="inner_radius must be smaller than outer_radius"):
        make_donut(10, inner_radius=2.0, outer_radius=1.0)


def test_data_sets_refuse_a_bad_rng():
    with pytest.raises(TypeError, match="rng"):
        make_xor(8, rng="seed")


# --- one_hot -------------------------------------------------------------------------------


def test_one_hot_puts_a_single_one_in_each_labels_column():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 4), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])


def test_one_hot_adds_a_class_axis_to_any_label_shape():
    encoded = one_hot(np.array([[0, 1], [2, 2]]), 3)
    assert encoded.shape == (2, 2, 3) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.argmax(axis=-1), [[0, 1], [2, 2]])


def test_one_hot_accepts_whole_floats_and_integer_tensors():
    np.testing.assert_array_equal(one_hot([1.0, 0.0], 2), one_hot(Tensor(np.array([1, 0])), 2))


def test_one_hot_refuses_a_label_out_of_range_naming_it():
    with pytest.raises(ValueError, match=r"label 3 at index 1 is out of range for num_classes=3"):
        one_hot([0, 3, 1], 3)


def test_one_hot_refuses_negative_labels():
    with pytest.raises(ValueError, match="label -1"):
        one_hot([-1], 3)


def test_one_hot_refuses_fractional_labels():
    with pytest.raises(ValueError, match="whole numbers.*0.5 at index 0"):
        one_hot([0.5, 1.0], 3)


def test_one_hot_refuses_text_labels():
    with pytest.raises(TypeError, match="one_hot"):
        one_hot(["cat", "dog"], 2)


# --- standardize ---------------------------------------------------------------------------


def test_standardize_gives_zero_mean_and_unit_std_per_feature():
    X = np.random.default_rng(0).normal([3.0, -2.0], [5.0, 0.1], size=(200, 2))
    scaled, mean, std = standardize(X)
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(mean, X.mean(axis=0))
    np.testing.assert_allclose(std, X.std(axis=0))


def test_standardize_scales_test_data_with_the_training_statistics():
    train, test = np.array([[0.0], [2.0], [4.0]]), np.array([[6.0]])
    _, mean, std = standardize(train)
    scaled, mean_back, std_back = standardize(test, mean, std)
    np.testing.assert_allclose(scaled, (6.0 - 2.0) / np.sqrt(8.0 / 3.0))
    np.testing.assert_array_equal(mean_back, mean)
    np.testing.assert_array_equal(std_back, std)


def test_standardize_turns_a_constant_feature_into_zeros():
    scaled, _, std = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_array_equal(scaled[:, 1], [0.0, 0.0])
    assert std[1] == 1.0


def test_standardize_keeps_float32():
    scaled, mean, std = standardize(np.ones((4, 2), dtype=np.float32) * np.arange(4, dtype=np.float32)[:, None])
    assert scaled.dtype == mean.dtype == std.dtype == np.float32


def test_standardize_refuses_mean_without_std():
    with pytest.raises(ValueError, match="both mean and std"):
        standardize(np.ones((3, 2)), mean=np.zeros(2))


def test_standardize_refuses_statistics_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"mean has shape \(3,\)"):
        standardize(np.ones((3, 2)), mean=np.zeros(3), std=np.ones(3))


# --- train_test_split ------------------------------------------------------------------------


def test_split_sizes_round_the_test_part_up():
    X_train, X_test, y_train, y_test = train_test_split(np.zeros((10, 2)), np.zeros(10), test_size=0.25, rng=0)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (7, 3, 7, 3)


def test_split_accepts_a_number_of_test_samples():
    _, X_test = train_test_split(np.zeros((10, 2)), test_size=4, rng=0)
    assert len(X_test) == 4


def test_split_partitions_the_samples_and_keeps_rows_paired():
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_test])), np.arange(20))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)


def test_split_reproduces_with_the_same_seed():
    first = train_test_split(np.arange(30), rng=3)
    second = train_test_split(np.arange(30), rng=3)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_split_without_shuffle_holds_out_the_last_samples():
    X_train, X_test = train_test_split(np.arange(8), test_size=2, shuffle=False)
    np.testing.assert_array_equal(X_train, np.arange(6))
    np.testing.assert_array_equal(X_test, [6, 7])


def test_stratified_split_keeps_each_class_share():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    _, _, y_train, y_test = train_test_split(np.zeros((100, 1)), y, test_size=0.2, stratify=y, rng=0)
    np.testing.assert_array_equal(np.bincount(y_test), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(y_train), [48, 24, 8])


def test_stratified_split_shares_out_the_rounding_remainder():
    y = np.array([0] * 5 + [1] * 5 + [2] * 5)
    _, _, _, y_test = train_test_split(np.zeros((15, 1)), y, test_size=4, stratify=y, rng=0)
    assert sorted(np.bincount(y_test, minlength=3)) == [1, 1, 2]


@pytest.mark.parametrize("test_size", [0.0, 1.0, 10, 0, -0.5])
def test_split_refuses_a_test_size_that_empties_a_part(test_size):
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(np.zeros(10), test_size=test_size)


def test_split_refuses_X_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="10 rows in X and 9 in y"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))


# --- kfold ---------------------------------------------------------------------------------


def test_kfold_puts_every_sample_in_exactly_one_validation_fold():
    folds = list(kfold(23, 5, rng=0))
    assert len(folds) == 5
    np.testing.assert_array_equal(np.sort(np.concatenate([val for _, val in folds])), np.arange(23))
    assert sorted(len(val) for _, val in folds) == [4, 4, 5, 5, 5]


@given(n=st.integers(2, 60), k=st.integers(2, 10), seed=st.integers(0, 2**16))
def test_kfold_partitions_any_sample_count_into_near_equal_folds(n, k, seed):
    k = min(k, n)
    folds = list(kfold(n, k, rng=seed))
    validation = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(validation), np.arange(n))
    assert max(len(val) for _, val in folds) - min(len(val) for _, val in folds) <= 1


def test_kfold_trains_on_the_complement_of_each_validation_fold():
    for train, val in kfold(10, 3, rng=0):
        assert not set(train) & set(val)
        np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(10))


def test_kfold_without_shuffle_cuts_contiguous_folds():
    assert [val.tolist() for _, val in kfold(5, 2, shuffle=False)] == [[0, 1, 2], [3, 4]]


def test_kfold_reproduces_with_the_same_seed():
    first = [val.tolist() for _, val in kfold(12, 4, rng=5)]
    assert first == [val.tolist() for _, val in kfold(12, 4, rng=5)]
    assert first != [val.tolist() for _, val in kfold(12, 4, shuffle=False)]


@pytest.mark.parametrize("n, k", [(5, 6), (5, 1)])
def test_kfold_refuses_impossible_fold_counts(n, k):
    with pytest.raises(ValueError, match="k must be"):
        kfold(n, k)


# --- DataLoader ----------------------------------------------------------------------------


def test_loader_yields_tensor_batches_keeping_dtypes():
    X, y = np.ones((10, 3), dtype=np.float32), np.arange(10)
    X_batch, y_batch = next(iter(DataLoader(X, y, batch_size=4, rng=0)))
    assert isinstance(X_batch, Tensor) and isinstance(y_batch, Tensor)
    assert X_batch.shape == (4, 3) and X_batch.dtype == np.float32
    assert y_batch.shape == (4,) and y_batch.dtype == np.int64
    assert not X_batch.requires_grad


def test_loader_length_counts_the_last_partial_batch_unless_dropped():
    assert len(DataLoader(np.zeros(10), np.zeros(10), batch_size=4)) == 3
    assert len(DataLoader(np.zeros(10), np.zeros(10), batch_size=4, drop_last=True)) == 2


def test_loader_covers_every_sample_exactly_once_per_epoch():
    y = np.arange(23)
    loader = DataLoader(y.astype(float)[:, None], y, batch_size=5, rng=0)
    for _ in range(3):
        batches = [(X_batch.data, y_batch.data) for X_batch, y_batch in loader]
        assert [len(labels) for _, labels in batches] == [5, 5, 5, 5, 3]
        seen = np.concatenate([labels for _, labels in batches])
        np.testing.assert_array_equal(np.sort(seen), y)
        for features, labels in batches:
            np.testing.assert_array_equal(features[:, 0], labels)


@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), seed=st.integers(0, 2**16))
def test_loader_epoch_is_a_permutation_for_any_sizes(n, batch_size, seed):
    loader = DataLoader(np.arange(n), np.arange(n), batch_size=batch_size, rng=seed)
    seen = np.concatenate([y_batch.data for _, y_batch in loader])
    np.testing.assert_array_equal(np.sort(seen), np.arange(n))
    assert len(list(loader)) == len(loader) == -(-n // batch_size)


def test_loader_shuffles_anew_each_epoch():
    loader = DataLoader(np.arange(50), np.arange(50), batch_size=50, rng=0)
    first, second = (next(iter(loader))[1].data for _ in range(2))
    assert not np.array_equal(first, second)


def test_loader_epochs_reproduce_with_the_same_seed():
    def epochs(seed):
        loader = DataLoader(np.arange(20), np.arange(20), batch_size=7, rng=seed)
        return [[y_batch.data.tolist() for _, y_batch in loader] for _ in range(3)]

    assert epochs(4) == epochs(4)


def test_loader_without_shuffle_keeps_the_order():
    batches = [y_batch.data.tolist() for _, y_batch in DataLoader(np.arange(5), np.arange(5), 2, shuffle=False)]
    assert batches == [[0, 1], [2, 3], [4]]


def test_loader_drop_last_leaves_out_the_partial_batch():
    sizes = [len(y_batch.data) for _, y_batch in DataLoader(np.arange(10), np.arange(10), 4, drop_last=True, rng=0)]
    assert sizes == [4, 4]


def test_loader_without_targets_yields_input_batches():
    batches = list(DataLoader(np.arange(6.0), batch_size=4, shuffle=False))
    assert all(isinstance(batch, Tensor) for batch in batches)
    np.testing.assert_array_equal(batches[1].data, [4.0, 5.0])


def test_loader_refuses_X_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="5 rows in X and 4 in y"):
        DataLoader(np.zeros((5, 2)), np.zeros(4), batch_size=2)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (2.0, TypeError)])
def test_loader_refuses_a_bad_batch_size(bad, error):
    with pytest.raises(error, match="batch_size"):
        DataLoader(np.zeros(4), np.zeros(4), batch_size=bad)


def test_loader_batches_image_shaped_samples_keeping_their_axes():
    X = np.arange(5 * 2 * 3 * 3, dtype=np.float32).reshape(5, 2, 3, 3)
    batches = list(DataLoader(X, np.arange(5), batch_size=2, shuffle=False))
    assert [(xb.shape, xb.dtype, yb.tolist()) for xb, yb in batches] == [
        ((2, 2, 3, 3), np.float32, [0, 1]), ((2, 2, 3, 3), np.float32, [2, 3]), ((1, 2, 3, 3), np.float32, [4])]
    np.testing.assert_array_equal(np.concatenate([xb.data for xb, _ in batches]), X)


@pytest.mark.parametrize("layout", ["C 1-d", "C 2-d", "F 2-d", "F 4-d", "strided"])
def test_row_taker_copies_the_rows_as_indexing_does(layout):
    from nn.data.loader import row_taker

    array = np.arange(6 * 2 * 3 * 4, dtype=np.float64).reshape(6, 2, 3, 4)
    array = {"C 1-d": array.reshape(-1)[:6], "C 2-d": array.reshape(6, -1), "F 2-d": np.asfortranarray(array[:, 0, 0]),
             "F 4-d": np.asfortranarray(array), "strided": array.reshape(6, -1)[:, ::2]}[layout]
    rows = np.array([4, 0, 5, 0])
    taken, indexed = row_taker(array)(rows), array[rows]
    assert taken.dtype == indexed.dtype and taken.shape == indexed.shape and taken.strides == indexed.strides
    np.testing.assert_array_equal(taken, indexed)
    assert taken.base is None or not np.shares_memory(taken, array)

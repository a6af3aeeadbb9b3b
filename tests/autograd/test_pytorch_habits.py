"""PyTorch's habits accepted: dim= / keepdim=, var and std with ddof, view, numel, clone, retain_grad."""

import numpy as np
import pytest
import torch

import nn
from autograd import Tensor, concatenate, no_grad, split, stack
from nn import functional as F

from tests.finite_differences import numeric_gradient

RNG = np.random.default_rng(7)
A = RNG.standard_normal((2, 3, 4))
WEIGHTS = RNG.standard_normal((2, 1, 4))  # weights the reduced result (2, 1, 4) is multiplied by before summing


def leaf(array=A):
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def torch_leaf(array=A):
    return torch.tensor(np.array(array, dtype=np.float64), requires_grad=True)


# --------------------------------------------------------------------------- reductions: dim=, keepdim= against torch

REDUCTIONS = {
    "sum": lambda x: x.sum(dim=1, keepdim=True),
    "mean": lambda x: x.mean(dim=1, keepdim=True),
    "max": lambda x: x.amax(dim=1, keepdim=True),
    "min": lambda x: x.amin(dim=1, keepdim=True),
    "var": lambda x: x.var(dim=1, keepdim=True, correction=0),
    "std": lambda x: x.std(dim=1, keepdim=True, correction=0),
    "prod": lambda x: x.prod(dim=1, keepdim=True),
    "logsumexp": lambda x: x.logsumexp(dim=1, keepdim=True),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_a_reduction_takes_dim_and_keepdim_as_pytorch_does(name):
    t, reference = leaf(), torch_leaf()
    out = getattr(t, name)(dim=1, keepdim=True)
    expected = REDUCTIONS[name](reference)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    (out * Tensor(WEIGHTS)).sum().backward()
    (expected * torch.tensor(WEIGHTS)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_dim_alone_reduces_that_axis_away(name):
    np.testing.assert_array_equal(getattr(leaf(), name)(dim=-1).data, getattr(leaf(), name)(axis=-1).data)


def test_max_with_dim_gives_the_values_only():
    out = leaf().max(dim=2)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.data, A.max(axis=2))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_and_argmin_take_dim_and_keepdim(name):
    out = getattr(leaf(), name)(dim=1, keepdim=True)
    expected = getattr(torch_leaf(), name)(dim=1, keepdim=True)
    np.testing.assert_array_equal(out.data, expected.numpy())


@pytest.mark.parametrize("name", ["any", "all"])
def test_any_and_all_take_dim_and_keepdim(name):
    t = Tensor(A > 0)
    np.testing.assert_array_equal(getattr(t, name)(dim=0, keepdim=True).data, getattr(A > 0, name)(0, keepdims=True))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_and_log_softmax_take_dim(name):
    t, reference = leaf(), torch_leaf()
    out = getattr(t, name)(dim=1)
    expected = getattr(torch, name)(reference, dim=1)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    (out * Tensor(A)).sum().backward()
    (expected * torch.tensor(A)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cumsum_takes_dim():
    t, reference = leaf(), torch_leaf()
    out, expected = t.cumsum(dim=1), torch.cumsum(reference, dim=1)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    (out * Tensor(A)).sum().backward()
    (expected * torch.tensor(A)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-12)


# --------------------------------------------------------------------------- rearranging, joining: dim= against torch


@pytest.mark.parametrize(
    "ours, theirs",
    [
    (lambda t: t.flip(dim=1), lambda r: torch.flip(r, dims=(1,))),
    (lambda t: t.flip(dims=(0, 2)), lambda r: torch.flip(r, dims=(0, 2))),
    (lambda t: t.sort(dim=1), lambda r: torch.sort(r, dim=1).values),
    (lambda t: t.roll(1, dim=2), lambda r: torch.roll(r, 1, dims=2)),
    (lambda t: t.roll(-1, dims=0), lambda r: torch.roll(r, -1, dims=0)),
    (lambda t: t.repeat(2, dim=1), lambda r: torch.repeat_interleave(r, 2, dim=1)),
    (lambda t: t[:, :1].squeeze(dim=1), lambda r: r[:, :1].squeeze(dim=1)),
    (lambda t: concatenate([t, t * 2], dim=2), lambda r: torch.cat([r, r * 2], dim=2)),
    (lambda t: stack([t, t * 2], dim=1), lambda r: torch.stack([r, r * 2], dim=1)),
    (lambda t: t.view(4, 6), lambda r: r.view(4, 6)),
    (lambda t: t.view((6, 4)), lambda r: r.view((6, 4))),
    ],
    ids=["flip_dim", "flip_dims", "sort", "roll_dim", "roll_dims", "repeat", "squeeze", "concatenate", "stack",
         "view", "view_tuple"],
)
def test_a_rearranging_op_takes_dim_as_pytorch_does(ours, theirs):
    t, reference = leaf(), torch_leaf()
    out, expected = ours(t), theirs(reference)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    weights = RNG.standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-12)


def test_split_takes_dim_with_numpys_sections():
    pieces = split(leaf(), 2, dim=2)
    assert [piece.shape for piece in pieces] == [(2, 3, 2), (2, 3, 2)]
    np.testing.assert_array_equal(pieces[1].data, A[:, :, 2:])


def test_nn_functional_softmax_and_log_softmax_take_dim():
    np.testing.assert_allclose(F.softmax(leaf(), dim=0).data, torch.softmax(torch_leaf(), dim=0).detach().numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(leaf(), dim=1).data,
                               torch.log_softmax(torch_leaf(), dim=1).detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("layer", [nn.Softmax, nn.LogSoftmax])
def test_the_softmax_layers_take_dim(layer):
    module = layer(dim=1)
    assert module.axis == 1
    np.testing.assert_array_equal(module(leaf()).data, layer(axis=1)(leaf()).data)


# --------------------------------------------------------------------------- both spellings at once


BOTH_SPELLINGS = [
    (lambda t: t.sum(axis=0, dim=1), ("axis=0", "dim=1")),
    (lambda t: t.mean(keepdims=True, keepdim=True), ("keepdims=True", "keepdim=True")),
    (lambda t: t.max(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.var(axis=1, dim=1), ("axis=1", "dim=1")),
    (lambda t: t.std(ddof=1, correction=1), ("ddof=1", "correction=1")),
    (lambda t: t.prod(keepdims=True, keepdim=False), ("keepdims=True", "keepdim=False")),
    (lambda t: t.logsumexp(axis=2, dim=2), ("axis=2", "dim=2")),
    (lambda t: t.argmax(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.softmax(axis=0, dim=1), ("axis=0", "dim=1")),
    (lambda t: t.log_softmax(axis=0, dim=1), ("axis=0", "dim=1")),
    (lambda t: t.cumsum(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.flip(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.flip(dim=0, dims=1), ("dim=0", "dims=1")),
    (lambda t: t.sort(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.roll(1, axis=0, dims=0), ("axis=0", "dims=0")),
    (lambda t: t.repeat(2, axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: t.squeeze(axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: concatenate([t, t], axis=1, dim=1), ("axis=1", "dim=1")),
    (lambda t: stack([t, t], axis=1, dim=1), ("axis=1", "dim=1")),
    (lambda t: split(t, 2, axis=2, dim=2), ("axis=2", "dim=2")),
    (lambda t: F.softmax(t, axis=0, dim=0), ("axis=0", "dim=0")),
    (lambda t: nn.LogSoftmax(axis=0, dim=0), ("axis=0", "dim=0")),
]


@pytest.mark.parametrize("call, names", BOTH_SPELLINGS, ids=[" ".join(names) for _, names in BOTH_SPELLINGS])
def test_both_spellings_at_once_is_a_type_error_naming_both(call, names):
    with pytest.raises(TypeError) as error:
        call(leaf())
    assert all(name in str(error.value) for name in names), str(error.value)


# --------------------------------------------------------------------------- var and std: ddof, one body


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_1_is_pytorchs_default(name):
    t, reference = leaf(), torch_leaf()
    out = getattr(t, name)(ddof=1)
    expected = getattr(reference, name)()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    out.backward()
    expected.backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_1_along_an_axis_matches_pytorch_and_finite_differences(name):
    t, reference = leaf(), torch_leaf()
    out = getattr(t, name)(axis=(0, 2), ddof=1)
    expected = getattr(reference, name)(dim=(0, 2))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12)
    weights = np.array([0.5, -1.0, 2.0])
    (out * Tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-10)
    (numeric,) = numeric_gradient(lambda a: (getattr(np, name)(a, axis=(0, 2), ddof=1) * weights).sum(), [A])
    np.testing.assert_allclose(t.grad, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_defaults_to_numpys_0(name):
    np.testing.assert_array_equal(getattr(leaf(), name)(axis=1).data, getattr(A, name)(axis=1))


@pytest.mark.parametrize("name", ["var", "std"])
def test_correction_is_pytorchs_name_for_ddof(name):
    np.testing.assert_array_equal(getattr(leaf(), name)(correction=1).data, getattr(A, name)(ddof=1))


@pytest.mark.parametrize("name", ["var", "std"])
def test_numpy_var_and_std_pass_ddof(name):
    t = leaf()
    out = getattr(np, name)(t, axis=0, ddof=1)
    assert isinstance(out, Tensor) and out.op == name
    np.testing.assert_array_equal(out.data, getattr(A, name)(axis=0, ddof=1))


def test_std_of_equal_elements_with_ddof_1_has_a_zero_gradient():
    t = leaf(np.full((3,), 2.0))
    t.std(ddof=1).backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 0.0])


def test_second_derivatives_of_std_with_ddof_1_match_pytorch():
    a = RNG.standard_normal(5)
    t, reference = leaf(a), torch_leaf(a)
    from autograd.core.engine import gradients

    (first,) = gradients(t.std(ddof=1), [t], Tensor(np.ones(())), create_graph=True)
    (first * Tensor(np.arange(5.0))).sum().backward()
    (first_reference,) = torch.autograd.grad(reference.std(), reference, create_graph=True)
    (first_reference * torch.arange(5.0, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(t.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_that_leaves_no_degrees_of_freedom_is_a_value_error(name):
    with pytest.raises(ValueError, match=rf"{name}: ddof=3 leaves no degrees of freedom: 3 element"):
        getattr(leaf(), name)(axis=1, ddof=3)


@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof_that_is_not_a_number_is_a_type_error(name):
    with pytest.raises(TypeError, match=rf"{name}: ddof must be a number"):
        getattr(leaf(), name)(ddof="1")


def test_var_and_std_are_one_body():
    """Both methods are made from one function: the same instructions, from the same line of the same file."""
    var, std = Tensor.var.__code__, Tensor.std.__code__
    assert (var.co_filename, var.co_firstlineno, var.co_code) == (std.co_filename, std.co_firstlineno, std.co_code)


# --------------------------------------------------------------------------- view, numel, clone, retain_grad


def test_view_with_a_shape_that_does_not_fit_names_view():
    with pytest.raises(ValueError, match=r"view: cannot reshape a tensor of shape \(2, 3, 4\) .* into shape \(5, 5\)"):
        leaf().view(5, 5)


def test_numel_is_the_number_of_elements():
    assert leaf().numel() == 24 == torch_leaf().numel()
    assert Tensor(3.0).numel() == 1


def test_clone_is_a_recorded_copy_the_gradient_flows_through():
    t = leaf()
    copy = t.clone()
    assert copy.op == "clone" and copy.parents == (t,)
    np.testing.assert_array_equal(copy.data, A)
    assert not np.shares_memory(copy.data, t.data)
    (copy * 3).sum().backward()
    np.testing.assert_array_equal(t.grad, np.full(A.shape, 3.0))


def test_a_clone_has_data_of_its_own():
    t = leaf()
    copy = t.clone()
    copy.data += 1
    np.testing.assert_array_equal(t.data, A)


def test_clone_of_a_constant_or_under_no_grad_is_a_constant():
    assert not Tensor(A).clone().requires_grad
    with no_grad():
        assert leaf().clone().parents == ()


def test_retain_grad_does_nothing_because_every_node_keeps_its_grad():
    t = leaf()
    hidden = t * 2
    assert hidden.retain_grad() is None
    hidden.sum().backward()
    np.testing.assert_array_equal(hidden.grad, np.ones(A.shape))
    assert "every node keeps its" in Tensor.retain_grad.__doc__

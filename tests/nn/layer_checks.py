"""Shared checks of the layer tests: our layer against its PyTorch twin, and a model through onnxruntime."""

import numpy as np

import nn
from autograd import Tensor


def forward_backward(model, x, weights):
    """Our output and the gradients of Σ(weights · output) w.r.t. the input (if float) and each parameter."""
    inputs = Tensor(x, requires_grad=True) if np.asarray(x).dtype.kind == "f" else x
    out = model(inputs)
    (out * Tensor(weights)).sum().backward()
    grads = {name: parameter.grad for name, parameter in model.named_parameters()}
    if isinstance(inputs, Tensor):
        grads["input"] = inputs.grad
    return out.data, grads


def torch_forward_backward(torch, module, x, weights, transposed=()):
    """The same figures from the torch module (gradients of the names in ``transposed`` turned to our layout)."""
    inputs = torch.from_numpy(np.array(x))
    if inputs.dtype.is_floating_point:
        inputs.requires_grad_(True)
    out = module(inputs)
    (out * torch.from_numpy(weights)).sum().backward()
    grads = {name: parameter.grad.numpy() for name, parameter in module.named_parameters()}
    grads = {name: grad.T if name in transposed else grad for name, grad in grads.items()}
    if inputs.requires_grad:
        grads["input"] = inputs.grad.numpy()
    return out.detach().numpy(), grads


def assert_same_as_torch(torch, model, module, x, seed=0, tolerance=1e-12):
    """Outputs and every gradient of ``model`` and ``module`` agree on ``x``."""
    ours_out, ours_grads = forward_backward(model, x, np.zeros(1))
    weights = np.random.default_rng(seed).standard_normal(ours_out.shape).astype(ours_out.dtype)
    model.zero_grad()
    ours_out, ours_grads = forward_backward(model, x, weights)
    theirs_out, theirs_grads = torch_forward_backward(torch, module, x, weights)
    np.testing.assert_allclose(ours_out, theirs_out, rtol=tolerance, atol=tolerance)
    assert set(ours_grads) == set(theirs_grads)
    for name in ours_grads:
        np.testing.assert_allclose(ours_grads[name], theirs_grads[name], rtol=tolerance, atol=tolerance,
                                   err_msg=name)


def onnx_outputs(model, x, path):
    """What onnxruntime computes with ``nn.export_onnx(model, path, x)``'s file on ``x``."""
    import onnxruntime

    nn.export_onnx(model, path, x)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = np.asarray(x)
    return session.run(None, {"input": x.astype(np.int64) if x.dtype.kind in "iu" else x})[0]

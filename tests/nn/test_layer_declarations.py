"""Every public nn layer declares what the bridges and the monitor need; the bridges refuse forward hooks."""

import numpy as np
import pytest

import nn
from nn.bridge.supported import declared_layers
from nn.declaration import ACTIVATION_ROLES, Declaration, declaration_of

torch = pytest.importorskip("torch")

PUBLIC_MODULES = [getattr(nn, name) for name in nn.__all__
                  if isinstance(getattr(nn, name), type) and issubclass(getattr(nn, name), nn.Module)
                  and getattr(nn, name) is not nn.Module]


@pytest.mark.parametrize("cls", PUBLIC_MODULES, ids=lambda cls: cls.__name__)
def test_every_public_module_of_nn_has_a_declaration(cls):
    declaration = declaration_of(cls)
    assert isinstance(declaration, Declaration), f"nn.{cls.__name__} declares nothing (nn.declaration)"
    if declaration.what:  # not a layer (a loss): says what it is instead
        return
    assert declaration.torch is not None and hasattr(torch.nn, declaration.torch)
    if not declaration.container:
        assert callable(declaration.to_torch) and callable(declaration.from_torch) and callable(declaration.onnx)
    assert declaration.activation in (None, *ACTIVATION_ROLES)


def test_the_declared_layers_are_the_public_ones():
    layers = {cls for cls in declared_layers() if not declaration_of(cls).what}
    public = {cls for cls in PUBLIC_MODULES if not declaration_of(cls).what}
    assert layers == public


def test_a_subclass_does_not_inherit_a_layers_declaration_but_a_loss_family_shares_one():
    class MyLinear(nn.Linear):
        pass

    class MyLoss(nn.MSELoss):
        pass

    assert declaration_of(MyLinear) is None
    assert declaration_of(MyLoss) is declaration_of(nn.MSELoss)


def test_a_loss_is_refused_by_the_bridges_as_a_loss():
    with pytest.raises(TypeError, match=r"nn.to_torch: the model is a MSELoss \(a loss"):
        nn.to_torch(nn.MSELoss())


def test_a_declaration_refuses_an_unknown_monitor_role():
    with pytest.raises(ValueError, match="activation must be one of"):
        Declaration(activation="swish")


def hooked_model():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Sequential(nn.ReLU(), nn.Linear(4, 2, rng=1)))
    handle = model[1][0].register_forward_hook(lambda module, inputs, output: output * 2)
    return model, handle


def test_to_torch_refuses_a_model_with_forward_hooks_naming_the_module():
    model, handle = hooked_model()
    with pytest.raises(ValueError, match=r"nn.to_torch: layer '1.0' \(ReLU\) has 1 forward hook\(s\)"):
        nn.to_torch(model)
    handle.remove()
    assert isinstance(nn.to_torch(model), torch.nn.Sequential)


def test_export_onnx_refuses_a_model_with_forward_hooks_naming_the_module(tmp_path):
    pytest.importorskip("onnx")
    model, handle = hooked_model()
    model.register_forward_hook(lambda module, inputs, output: None)
    with pytest.raises(ValueError, match=r"nn.export_onnx: the model \(Sequential\) has 1 forward hook"):
        nn.export_onnx(model, tmp_path / "m.onnx", np.zeros((1, 3)))
    assert not (tmp_path / "m.onnx").exists()


def test_from_torch_refuses_a_torch_module_with_forward_hooks_naming_it():
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    handle = module[1].register_forward_hook(lambda layer, inputs, output: output * 2)
    with pytest.raises(ValueError, match=r"nn.from_torch: layer '1' \(ReLU\) has 1 forward hook"):
        nn.from_torch(module)
    handle.remove()
    assert isinstance(nn.from_torch(module)[1], nn.ReLU)

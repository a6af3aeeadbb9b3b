"""``export_onnx``: a model as an ONNX inference graph, written with the ``onnx`` package's helper API.

Linear is MatMul (+ Add): our weight is already the (in, out) matrix ONNX's MatMul
wants, and MatMul broadcasts over leading axes as our ``X @ W`` does. Activations
map to the ONNX operators of the same name (a float64 LeakyReLU whose slope float32
cannot hold exactly becomes PRelu with a float64 slope, since LeakyRelu's ``alpha`` is a
float32 attribute); Dropout is the identity (the graph is
for inference, as the model is in eval mode). Every axis but the last (features)
is dynamic, so the file takes any batch size.
"""

import numbers
import os
from pathlib import Path

import numpy as np

from autograd import Tensor, Value

from ..layers import Dropout, Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from ..module import Module
from ..optional import require
from .supported import CONTAINERS, FLOAT_DTYPES, model_dtype, walk

OPSET = 17  # ONNX operator set of the graph; onnxruntime has run it since 1.11
IR_VERSION = 8  # the file format version that goes with opset 17
WHO = "nn.export_onnx"


def export_onnx(model, path, example_input=None):
    """Write ``model`` as an ONNX file at ``path`` that onnxruntime runs with ``model(x)``'s outputs; returns the Path.

    ``example_input`` is a batch like those the model is called on (a Tensor, ndarray or
    list): it fixes the number of features and the rank, and the model is run on it once
    to check that it works. The graph computes in the model's dtype (float32 or float64;
    a model without Linear layers takes the example's) and its leading axes are dynamic.
    The model is exported in eval mode (Dropout off); its training mode is restored after.
    Needs the ``onnx`` package (``pip install "chainrule[onnx]"``).
    """
    if not isinstance(model, Module):
        raise TypeError(f"{WHO}: expected an nn.Module, got {type(model).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{WHO}: path must be a str or a pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    example = _example_array(example_input)
    modules = walk(model, WHO, "ONNX")
    dtype = model_dtype(modules, WHO) or (example.dtype if example.dtype in FLOAT_DTYPES else np.dtype(np.float64))
    onnx = require("onnx", "onnx", WHO)
    output_shape = _output_shape(model, example.astype(dtype))
    graph_model = _build(onnx, model, modules, dtype, example.shape, output_shape)
    onnx.checker.check_model(graph_model, full_check=True)
    partial = path.with_name(path.name + ".partial")
    try:
        onnx.save_model(graph_model, str(partial))
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path


def _example_array(example_input):
    """The example input as a real ndarray of rank >= 1, or a TypeError / ValueError saying what is accepted."""
    if example_input is None:
        raise TypeError(
            f"{WHO}: needs an example_input, a batch like those the model is called on (e.g. X[:1]): "
            "it fixes the number of input features; call nn.export_onnx(model, path, example_input)"
        )
    if isinstance(example_input, Value):
        raise TypeError(f"{WHO}: example_input must be a Tensor, an ndarray or a list of numbers, got a Value")
    if isinstance(example_input, Tensor):
        array = example_input.data
    elif isinstance(example_input, (np.ndarray, list, tuple, numbers.Real)) and not isinstance(example_input, bool):
        array = np.asarray(example_input)
    else:
        raise TypeError(
            f"{WHO}: example_input must be a Tensor, an ndarray or a list of numbers, got {type(example_input).__name__}"
        )
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{WHO}: example_input must hold real numbers, got dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"{WHO}: example_input must have a features axis (rank 1 or more), got a 0-d value")
    return array


def _output_shape(model, example):
    """The shape of ``model(example)`` in eval mode; every module's training flag is put back afterwards."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        return model(Tensor(example)).data.shape
    except ValueError as error:
        raise ValueError(f"{WHO}: the model cannot run on example_input of shape {example.shape}: {error}") from None
    finally:
        for module, training in modes:
            module.training = training


def _axes(shape):
    """ONNX dims: named (dynamic) for every axis but the last, the number of features for the last."""
    names = ["batch"] + [f"axis_{index}" for index in range(1, len(shape) - 1)]
    return names[: len(shape) - 1] + [int(shape[-1])]


def _build(onnx, model, modules, dtype, input_shape, output_shape):
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    element = helper.np_dtype_to_tensor_dtype(dtype)
    names = {id(parameter): name for name, parameter in model.named_parameters()}
    nodes, initializers = [], {}
    current = "input"

    def weight(parameter):
        name = names[id(parameter)]
        if name not in initializers:
            initializers[name] = numpy_helper.from_array(np.ascontiguousarray(parameter.data), name)
        return name

    def emit(op, inputs, position, **attributes):
        output = f"{position or 'model'}/{op}"  # one op of each kind per layer: unique
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    for position, module in modules:
        kind = type(module)
        if kind in CONTAINERS:
            continue
        if kind is Linear:
            current = emit("MatMul", [current, weight(module.weight)], position)
            if module.bias is not None:
                current = emit("Add", [current, weight(module.bias)], position)
        elif kind is LeakyReLU:
            slope = module.negative_slope
            if float(np.float32(slope)) == slope or dtype == np.float32:
                current = emit("LeakyRelu", [current], position, alpha=slope)
            else:  # LeakyRelu's alpha is a float32 attribute: a float64 slope goes in as PRelu's tensor input
                name = f"{position or 'model'}.negative_slope"
                initializers[name] = numpy_helper.from_array(np.array(slope, dtype=dtype), name)
                current = emit("PRelu", [current, name], position)
        elif kind in (Softmax, LogSoftmax):
            current = emit(kind.__name__, [current], position, axis=module.axis)
        else:
            op = {ReLU: "Relu", Sigmoid: "Sigmoid", Tanh: "Tanh", Identity: "Identity", Dropout: "Identity"}[kind]
            current = emit(op, [current], position)
    if nodes:
        nodes[-1].output[0] = "output"
    else:
        nodes.append(helper.make_node("Identity", ["input"], ["output"], name="model/Identity"))
    graph = helper.make_graph(
        nodes,
        type(model).__name__,
        [helper.make_tensor_value_info("input", element, _axes(input_shape))],
        [helper.make_tensor_value_info("output", element, _axes(output_shape))],
        initializer=list(initializers.values()),
        doc_string=f"exported by chainrule's nn.export_onnx from\n{model!r}",
    )
    return helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="chainrule",
        ir_version=IR_VERSION,
    )

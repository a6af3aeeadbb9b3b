"""``export_onnx``: a model as an ONNX inference graph, written with the ``onnx`` package's helper API.

Each layer's class declares its lowering (``nn.declaration``): the feature layers' are in
``onnx_layers``, the image layers' in ``onnx_images``. Dropout is the identity (the graph
is for inference, as the model is in eval mode). Every axis but the last (features) is
dynamic, so the file takes any batch size; a model with Conv2d or pooling layers takes
(N, C, H, W) images with the batch, height and width dynamic; a model that starts with an
Embedding takes int64 indices, every axis dynamic.
"""

import numpy as np

from autograd import Tensor

from ..arrays import read_array
from ..files import as_path, write_atomically
from ..module import Module
from ..optional import require
from .onnx_graph import GraphBuilder
from .supported import FLOAT_DTYPES, model_dtype, walk

OPSET = 17  # ONNX operator set of the graph; onnxruntime has run it since 1.11
IR_VERSION = 8  # the file format version that goes with opset 17
WHO = "nn.export_onnx"


def export_onnx(model, path, example_input=None):
    """Write ``model`` as an ONNX file at ``path`` that onnxruntime runs with ``model(x)``'s outputs; returns the Path.

    ``example_input`` is a batch like those the model is called on (a Tensor, ndarray or
    list): it fixes the number of features (or channels) and the rank, and the model is
    run on it once to check that it works. The graph computes in the model's dtype
    (float32 or float64; a model without Linear or Conv2d layers takes the example's).
    Its leading axes are dynamic; for images (N, C, H, W) into a model with Conv2d or
    pooling layers, the batch, height and width are. onnxruntime has no float64 Conv
    or AveragePool, so in float64 those two are written as strided Slices and a MatMul
    (or a Sum), which it runs.
    The model is exported in eval mode (Dropout off, BatchNorm1d on its running statistics);
    its training mode is restored after. A module with forward hooks is refused (ValueError).
    Needs the ``onnx`` package (``pip install "chainrule[onnx]"``).
    """
    if not isinstance(model, Module):
        raise TypeError(f"{WHO}: expected an nn.Module, got {type(model).__name__}")
    path = as_path(path, WHO)
    example = _example_array(example_input)
    modules = walk(model, WHO, "ONNX")
    dtype = model_dtype(modules, WHO) or (example.dtype if example.dtype in FLOAT_DTYPES else np.dtype(np.float64))
    onnx = require("onnx", "onnx", WHO)
    reads = _first_reads(modules)
    input_dtype = np.dtype(np.int64) if reads == "indices" else dtype
    if reads == "indices" and example.dtype.kind not in "iu":
        raise TypeError(f"{WHO}: the model starts with an Embedding: example_input must hold integer indices, "
                        f"got dtype {example.dtype}")
    output_shape = _output_shape(model, example.astype(input_dtype))
    graph_model = _build(onnx, model, modules, dtype, input_dtype, example.shape, output_shape)
    onnx.checker.check_model(graph_model, full_check=True)
    write_atomically(path, lambda file: file.write(graph_model.SerializeToString()), WHO)
    return path


def _example_array(example_input):
    """The example input as a real ndarray of rank >= 1, or a TypeError / ValueError saying what is accepted."""
    if example_input is None:
        raise TypeError(
            f"{WHO}: needs an example_input, a batch like those the model is called on (e.g. X[:1]): "
            "it fixes the number of input features; call nn.export_onnx(model, path, example_input)"
        )
    array = read_array(example_input, WHO, "example_input")
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


def _declaration(module):
    return vars(type(module))["declaration"]


def _first_reads(modules):
    """What the model's first layer reads ("features", "images" or "indices"), by its declaration."""
    for _, module in modules:
        if not _declaration(module).container:
            return _declaration(module).reads
    return "features"


def _input_axes(shape, modules):
    """ONNX dims of the input: a batch of images (N, C, H, W) for a model with Conv2d or pooling layers has
    its channels fixed and batch, height and width named (dynamic); indices have every axis named; any other
    input has every axis but the last (features) named."""
    if len(shape) == 4 and any(_declaration(module).reads == "images" for _, module in modules):
        return ["batch", int(shape[1]), "height", "width"]
    names = ["batch"] + [f"axis_{index}" for index in range(1, len(shape))]
    if _first_reads(modules) == "indices":
        return names[: len(shape)]
    return names[: len(shape) - 1] + [int(shape[-1])]


def _output_axes(onnx, graph_model, rank):
    """ONNX dims of the output as shape inference finds them from the input's: sizes where they are fixed,
    names where they follow the input's dynamic axes."""
    inferred = onnx.shape_inference.infer_shapes(graph_model, strict_mode=True).graph.output[0]
    dims = inferred.type.tensor_type.shape.dim
    axes = []
    for index in range(rank):
        dim = dims[index] if index < len(dims) else None
        if dim is not None and dim.HasField("dim_value"):
            axes.append(int(dim.dim_value))
        elif dim is not None and dim.dim_param and not dim.dim_param.startswith("unk__"):
            axes.append(dim.dim_param)
        else:
            axes.append(f"output_axis_{index}")
    return axes


def _build(onnx, model, modules, dtype, input_dtype, input_shape, output_shape):
    """The checked-to-be ONNX model: the layers' nodes between "input" and "output", the weights as initializers."""
    helper = onnx.helper
    element = helper.np_dtype_to_tensor_dtype(dtype)
    graph = GraphBuilder(onnx, model, dtype, len(input_shape))
    current = "input"
    for position, module in modules:
        if not _declaration(module).container:
            current = _declaration(module).onnx(graph, module, current, position)
    nodes = graph.nodes
    if current == "input":
        nodes.append(helper.make_node("Identity", ["input"], ["output"], name="model/Identity"))
    else:  # the last layer's result is the graph's output
        next(node for node in reversed(nodes) if current in node.output).output[0] = "output"

    def assemble(output_axes):
        graph_proto = helper.make_graph(
            nodes,
            type(model).__name__,
            [helper.make_tensor_value_info("input", helper.np_dtype_to_tensor_dtype(input_dtype),
                                           _input_axes(input_shape, modules))],
            [helper.make_tensor_value_info("output", element, output_axes)],
            initializer=list(graph.initializers.values()),
            doc_string=f"exported by chainrule's nn.export_onnx from\n{model!r}",
        )
        return helper.make_model(
            graph_proto,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="chainrule",
            ir_version=IR_VERSION,
        )

    return assemble(_output_axes(onnx, assemble([None] * len(output_shape)), len(output_shape)))

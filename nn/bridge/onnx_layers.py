"""ONNX lowerings of the layers on features: each ``(graph, layer, current, position) -> output``, named by a
layer's declaration.

Linear is MatMul (+ Add): our weight is already the (in, out) matrix ONNX's MatMul
wants, and MatMul broadcasts over leading axes as our ``X @ W`` does. Activations map
to the ONNX operators of the same name (a float64 LeakyReLU whose slope float32 cannot
hold exactly becomes PRelu with a float64 slope, since LeakyRelu's ``alpha`` is a
float32 attribute). Opset 17 has no Gelu and onnxruntime no float64 Erf: GELU is
written out, its erf computed in float32 for a float64 graph.
"""

import math

import numpy as np


def elementwise(op):
    """The lowering of a layer that is one ONNX operator without settings (ReLU is ``Relu``)."""

    def lower(graph, layer, current, position):
        return graph.emit(op, [current], position)

    lower.__doc__ = f"ONNX {op} of the input."
    return lower


def linear(graph, layer, current, position):
    """MatMul with the (in, out) weight, then Add the bias."""
    current = graph.emit("MatMul", [current, graph.weight(layer.weight)], position)
    if layer.bias is not None:
        current = graph.emit("Add", [current, graph.weight(layer.bias)], position)
    return current


def leaky_relu(graph, layer, current, position):
    """LeakyRelu, or PRelu with a float64 slope that float32 (LeakyRelu's alpha) cannot hold exactly."""
    slope = layer.negative_slope
    if float(np.float32(slope)) == slope or graph.dtype == np.float32:
        return graph.emit("LeakyRelu", [current], position, alpha=slope)
    name = graph.initializer(np.array(slope, dtype=graph.dtype), f"{position or 'model'}.negative_slope")
    return graph.emit("PRelu", [current, name], position)


def softmax(graph, layer, current, position):
    """Softmax or LogSoftmax (the layer's class name) along its axis."""
    return graph.emit(type(layer).__name__, [current], position, axis=layer.axis)


def embedding(graph, layer, current, position):
    """Gather the weight's rows at the (int64) indices."""
    return graph.emit("Gather", [graph.weight(layer.weight), current], position, axis=0)


def batch_norm(graph, layer, current, position):
    """(x − running_mean) / √(running_var + eps) · weight + bias, channels on axis 1 (eval mode)."""
    channels = (layer.num_features,) + (1,) * (graph.rank - 2)  # (C,) or (C, 1): broadcast over axis 1
    shape = graph.constant(np.array(channels, dtype=np.int64), position, "channel_shape")

    def per_channel(array):
        return graph.emit("Reshape", [graph.weight(array), shape], position, tag=f"Reshape_{graph.name_of(array)}")

    centred = graph.emit("Sub", [current, per_channel(layer.running_mean)], position)
    eps = graph.constant(np.array(layer.eps, dtype=graph.dtype), position, "eps")
    variance = graph.emit("Add", [per_channel(layer.running_var), eps], position, tag="Add_eps")
    spread = graph.emit("Sqrt", [variance], position)
    current = graph.emit("Div", [centred, spread], position)
    if layer.weight is not None:
        current = graph.emit("Mul", [current, per_channel(layer.weight)], position)
        current = graph.emit("Add", [current, per_channel(layer.bias)], position)
    return current


def layer_norm(graph, layer, current, position):
    """Over the last len(normalized_shape) axes: (x − mean) / √(biased var + eps) · weight + bias."""
    axes = list(range(-len(layer.normalized_shape), 0))  # opset 17's ReduceMean takes them as an attribute
    mean = graph.emit("ReduceMean", [current], position, tag="ReduceMean_x", axes=axes, keepdims=1)
    centred = graph.emit("Sub", [current, mean], position)
    square = graph.emit("Mul", [centred, centred], position, tag="Mul_square")
    variance = graph.emit("ReduceMean", [square], position, tag="ReduceMean_square", axes=axes, keepdims=1)
    eps = graph.constant(np.array(layer.eps, dtype=graph.dtype), position, "eps")
    spread = graph.emit("Sqrt", [graph.emit("Add", [variance, eps], position, tag="Add_eps")], position)
    current = graph.emit("Div", [centred, spread], position)
    if layer.weight is not None:
        current = graph.emit("Mul", [current, graph.weight(layer.weight)], position)
        current = graph.emit("Add", [current, graph.weight(layer.bias)], position)
    return current


def gelu(graph, layer, current, position):
    """x·Φ(x) = ½x(1 + erf(x/√2)), or with approximate="tanh" ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    def number(value, tag):
        return graph.constant(np.array(value, dtype=graph.dtype), position, tag)

    if layer.approximate == "tanh":
        cube = graph.emit("Mul", [current, graph.emit("Mul", [current, current], position, tag="Mul_square")],
                          position, tag="Mul_cube")
        inner = graph.emit("Add", [current, graph.emit("Mul", [cube, number(0.044715, "cubic")], position,
                                                       tag="Mul_cubic")], position, tag="Add_inner")
        scaled = graph.emit("Mul", [inner, number(math.sqrt(2 / math.pi), "scale")], position, tag="Mul_scale")
        curve = graph.emit("Tanh", [scaled], position)
    else:
        scaled = graph.emit("Mul", [current, number(1 / math.sqrt(2), "scale")], position, tag="Mul_scale")
        if graph.dtype == np.float32:
            curve = graph.emit("Erf", [scaled], position)
        else:  # onnxruntime runs Erf in float32 only
            single = graph.emit("Cast", [scaled], position, tag="Cast_float32", to=graph.element_of(np.float32))
            curve = graph.emit("Cast", [graph.emit("Erf", [single], position)], position, tag="Cast_back",
                               to=graph.element_of(graph.dtype))
    one = graph.emit("Add", [curve, number(1.0, "one")], position, tag="Add_one")
    half = graph.emit("Mul", [current, number(0.5, "half")], position, tag="Mul_half")
    return graph.emit("Mul", [half, one], position, tag="Mul_out")

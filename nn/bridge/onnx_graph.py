"""``GraphBuilder``: the nodes and initializers of an ONNX graph as ``nn.export_onnx`` writes it, layer by layer.

The weights are the graph's initializers, under their ``state_dict()`` names; every other
constant (shapes, paddings, slice bounds) is a Constant node, so the initializers are
exactly the model's parameters. Node names start with the layer's position.
"""

import numpy as np


class GraphBuilder:
    """Collects nodes and initializers; each node's name and output are ``"<position>/<tag>"``, unique in the graph."""

    def __init__(self, onnx, model, dtype):
        self.helper, self.numpy_helper = onnx.helper, onnx.numpy_helper
        self.dtype = np.dtype(dtype)
        self.nodes, self.initializers = [], {}
        self._names = {id(parameter): name for name, parameter in model.named_parameters()}

    def weight(self, parameter):
        """The initializer holding ``parameter`` (added once, however often the layer is used)."""
        name = self._names[id(parameter)]
        if name not in self.initializers:
            self.initializers[name] = self.numpy_helper.from_array(np.ascontiguousarray(parameter.data), name)
        return name

    def initializer(self, array, name):
        """An initializer that is not a parameter (e.g. a float64 slope kept exactly), under ``name``."""
        self.initializers[name] = self.numpy_helper.from_array(np.asarray(array), name)
        return name

    def constant(self, array, position, tag):
        """A Constant node holding ``array`` (int64 for shapes and indices, the graph's dtype for numbers)."""
        name = f"{position or 'model'}/{tag}"
        value = self.numpy_helper.from_array(np.asarray(array), name)
        self.nodes.append(self.helper.make_node("Constant", [], [name], name=name, value=value))
        return name

    def emit(self, op, inputs, position, tag=None, **attributes):
        """Append an ``op`` node reading ``inputs``; returns its output's name (``tag`` defaults to ``op``)."""
        output = f"{position or 'model'}/{tag or op}"
        self.nodes.append(self.helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

"""``GraphBuilder``: the nodes and initializers of an ONNX graph as ``nn.export_onnx`` writes it, layer by layer.

The weights are the graph's initializers, under their ``state_dict()`` names; every other
constant (shapes, paddings, slice bounds) is a Constant node, so the initializers are
exactly the model's state (its parameters and buffers). Node names start with the layer's position.
"""

import numpy as np

from autograd import Tensor


class GraphBuilder:
    """Collects nodes and initializers; each node's name and output are ``"<position>/<tag>"``, unique in the graph."""

    def __init__(self, onnx, model, dtype, rank):
        self.helper, self.numpy_helper = onnx.helper, onnx.numpy_helper
        self.dtype = np.dtype(dtype)
        self.rank = rank  # of the current layer's input; a lowering that changes it (Flatten) updates it
        self.nodes, self.initializers = [], {}
        state = list(model.named_parameters()) + list(getattr(model, "named_buffers", list)())
        self._names = {id(array): name for name, array in state}

    def name_of(self, array):
        """The ``state_dict()`` name of a parameter or buffer of the model."""
        return self._names[id(array)]

    def weight(self, array):
        """The initializer holding a parameter or buffer (added once, however often the layer is used)."""
        name = self._names[id(array)]
        if name not in self.initializers:
            data = np.ascontiguousarray(array.data if isinstance(array, Tensor) else array, dtype=self.dtype)
            self.initializers[name] = self.numpy_helper.from_array(data, name)
        return name

    def element_of(self, dtype):
        """ONNX's element type for a numpy dtype (Cast's ``to``)."""
        return self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

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

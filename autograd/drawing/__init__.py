"""Drawing: draw_graph (Graphviz: layout, styles, gradient shading, boxes per module call) and the step-through backprop viewer."""

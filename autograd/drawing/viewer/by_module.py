"""Stepping module by module: the collapsed graph of ``draw_graph(collapse=True)``, one step per module call.

A module's step gathers the rules of every node its call computed: the
gradient arriving at its output, what its parameters receive, and what it
sends on to the boxes that feed it. Each box shows the gradient at its output
as it arrives, complete once every user of that output has sent its part.
"""

from ..module_calls import group_by_module_call
from ..draw import breadth_first_order, draw_graph
from ..collapsed import box_order
from .grad_trail import grad_text
from .naming import model_names
from .notation import summary


def module_steps(steps, names, max_nodes):
    """``(graph, entries, initial, slot texts)`` of the module-by-module viewer of ``steps`` (which has a model)."""
    root, model = steps.root, steps.model
    order = breadth_first_order([root])
    groups, box_of = group_by_module_call(order, {id(root)}, model, model_names(model))
    ranked = box_order(groups, box_of, order)
    drawn = ranked if max_nodes is None else ranked[:max_nodes]
    name_of = {index: f"b{place}" for place, index in enumerate(drawn)}
    # a box shows the gradient at its output; a parameter's own box, the parameter's
    output_box = {id(groups[index].outputs[0]): index for index in drawn}

    runs = []  # [group index, [(step, totals), ...]] in the order the first rule of each call runs
    position = {}
    for step, totals in zip(steps, steps._totals):
        index = box_of[id(step.node)]
        if index not in name_of:
            continue
        if index not in position:
            position[index] = len(runs)
            runs.append([index, []])
        runs[position[index]][1].append((step, totals))

    uses = {}
    for index, taken in runs:
        for step, _ in taken:
            for parent, _, contribution in step.contributions:
                if contribution is not None and output_box.get(id(parent), index) != index:
                    uses[id(parent)] = uses.get(id(parent), 0) + 1
    state, received, texts, initial = {}, {}, {}, []
    if id(root) in output_box and runs:
        seed = grad_text(runs[0][1][0][0].upstream)
        initial.append([name_of[output_box[id(root)]], seed, True])
        texts[name_of[output_box[id(root)]]] = [seed]

    entries = []
    for number, (index, taken) in enumerate(runs):
        group, box = groups[index], name_of[index]
        changes, lines, senders = [], [], []
        output = group.outputs[0]
        arriving = next((step.upstream for step, _ in taken if step.node is output), taken[0][0].upstream)
        lines.append(f"∂J/∂{names.derivative_of(output)} = {summary(arriving)} (at the output of {group.title}, complete)")
        rules = " then ".join(f"{step.node.op}" for step, _ in taken)
        lines.append(f"its rules run backward: {rules}")
        for step, totals in taken:
            for parent, _, contribution in step.contributions:
                if contribution is None:
                    continue
                target = output_box.get(id(parent))
                if target is None or target == index:
                    if any(parent is p for p in group.parameters):
                        lines.append(f"∂J/∂{names.derivative_of(parent)} = {summary(totals[id(parent)])} "
                                     f"(its parameter {names.name(parent)})")
                    continue
                received[id(parent)] = received.get(id(parent), 0) + 1
                text, complete = grad_text(totals[id(parent)]), received[id(parent)] == uses[id(parent)]
                before = state.get(id(parent), ("", False))
                changes.append([name_of[target], text, complete, before[0], before[1]])
                state[id(parent)] = (text, complete)
                texts.setdefault(name_of[target], []).append(text)
                senders.append(name_of[target])
                lines.append(f"sent to {groups[target].title}: ∂J/∂{names.derivative_of(parent)} "
                             f"= {summary(contribution)}")
        title = (f"Step {number + 1} of {len(runs)}: {group.title}"
                 f"{f' (module {group.subtitle})' if group.kind == 'module' else ''}, its rules backward")
        entries.append({"box": box, "op": box, "edges": [f"{sender}->{box}" for sender in senders],
                        "receivers": senders, "title": title, "lines": lines, "grads": changes})
    graph = draw_graph(root, model=model, collapse=True, max_nodes=max_nodes)
    return graph, entries, initial, texts

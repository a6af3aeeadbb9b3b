"""Grouping a computation graph by module call, for ``draw_graph(collapse=True)``.

A model's modules each remember their latest call, ``module.last_call()`` →
``(args, output)`` (nn.Module keeps that pointer; nothing is recorded per node).
A module call owns the nodes between its output and its arguments: walking back
from the output, stopping at an argument or at another call's output. Only the
innermost calls become boxes: a module none of whose submodules was called (a
model that calls its layers' methods, not the layers, is one box). What no module
owns is grouped too: connected runs of ops form one box each (the run that
ends at the root is the loss), and each remaining leaf is a box of its own,
except constants used by a single run of ops, which join it.
"""

from collections import namedtuple

Group = namedtuple("Group", ["kind", "title", "subtitle", "members", "outputs", "parameters"])
"""One box: ``kind`` is "module", "ops" or "leaf"; ``members`` its nodes; ``outputs`` the nodes it hands on."""


def group_by_module_call(nodes, root_ids, model, names_by_id):
    """The boxes of a collapsed graph: a list of ``Group`` (every node in exactly one), and ``{id(node): box}``."""
    present = {id(node): node for node in nodes}
    recorded = []
    for name, module in model.named_modules():
        record = module.last_call() if hasattr(module, "last_call") else None
        if record is None:
            continue
        args, output = record
        outputs = [node for node in _flatten(output) if id(node) in present]
        if outputs:
            recorded.append((name, module, [id(node) for node in _flatten(args)], outputs))
    with_calls = {id(module) for _, module, _, _ in recorded}
    # the innermost calls: a module none of whose submodules was called in this graph
    calls = [call for call in recorded
             if not any(id(inner) in with_calls for inner in call[1].modules() if inner is not call[1])]
    call_outputs = {id(node) for _, _, _, outputs in calls for node in outputs}

    box_of = {}
    groups = []
    for name, module, arguments, outputs in calls:
        stop = set(arguments) | (call_outputs - {id(node) for node in outputs})
        members = _walk_back(outputs, stop, box_of)
        if not members:
            continue
        index = len(groups)
        for node in members:
            box_of[id(node)] = index
        member_ids = {id(node) for node in members}
        parameters = [p for p in module.parameters() if id(p) in member_ids]  # in registration order
        groups.append(Group("module", _module_title(module), name, members, outputs, parameters))

    free_ops = [node for node in nodes if id(node) not in box_of and node.parents]
    for run in _connected_runs(free_ops):
        index = len(groups)
        for node in run:
            box_of[id(node)] = index
        is_loss = any(id(node) in root_ids for node in run)
        ops = []
        for node in reversed(run):
            op = str(node.op) if node.op else "op"
            if op not in ops:
                ops.append(op)
        title = "loss" if is_loss else " ".join(ops[:4]) + (" …" if len(ops) > 4 else "")
        outputs = [node for node in run if id(node) in root_ids] or [run[0]]
        groups.append(Group("ops", title, " ".join(ops[:6]) if is_loss else "", run, outputs, []))

    users_of = {}
    for user in nodes:
        for parent in user.parents:
            users_of.setdefault(id(parent), set()).add(box_of.get(id(user)))
    for node in nodes:
        if id(node) in box_of:
            continue
        users = users_of.get(id(node), set())
        if (not node.requires_grad and len(users) == 1 and None not in users
                and groups[next(iter(users))].kind == "ops"):
            joined = next(iter(users))
            groups[joined].members.append(node)
            box_of[id(node)] = joined
            continue
        title = node.label or names_by_id.get(id(node)) or ("parameter" if node.requires_grad else "input")
        box_of[id(node)] = len(groups)
        groups.append(Group("leaf", title, "", [node], [node], [node] if node.requires_grad else []))
    return groups, box_of


def _flatten(obj, depth=0):
    if hasattr(obj, "parents") and hasattr(obj, "data"):
        yield obj
    elif isinstance(obj, (list, tuple)) and depth < 3:
        for item in obj:
            yield from _flatten(item, depth + 1)


def _walk_back(outputs, stop, taken):
    members, seen = [], set()
    starts = {id(node) for node in outputs}
    stack = list(outputs)
    while stack:
        node = stack.pop()
        key = id(node)
        if key in seen or key in taken or (key in stop and key not in starts):
            continue
        seen.add(key)
        members.append(node)
        stack.extend(node.parents)
    return members


def _connected_runs(ops):
    """The ops grouped into runs joined by parent links among themselves, each run in the given order."""
    index = {id(node): position for position, node in enumerate(ops)}
    owner = list(range(len(ops)))

    def find(i):
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for position, node in enumerate(ops):
        for parent in node.parents:
            other = index.get(id(parent))
            if other is not None:
                owner[find(position)] = find(other)
    runs = {}
    for position, node in enumerate(ops):
        runs.setdefault(find(position), []).append(node)
    return list(runs.values())


def _module_title(module):
    name = type(module).__name__
    fan_in, fan_out = getattr(module, "in_features", None), getattr(module, "out_features", None)
    if isinstance(fan_in, int) and isinstance(fan_out, int):
        return f"{name}({fan_in}→{fan_out})"
    return name

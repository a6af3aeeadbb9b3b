"""The house has no import circle: autograd's and nn's modules import one another in one direction only.

Every ``import`` and ``from ... import`` statement counts, at module level or inside a
function, so a circle cannot hide behind a deferred import.
"""

import ast
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")


def module_name(path):
    parts = list(path.relative_to(REPOSITORY).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module, is_package, node, modules):
    """The modules one import statement of ``module`` loads: ``from p import m`` loads p.m where that is a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in modules else prefix for alias in node.names]


def import_graph():
    """module -> the set of our modules it imports (a name imported from a package counts as the package)."""
    paths = [path for package in PACKAGES for path in (REPOSITORY / package).rglob("*.py")]
    modules = {module_name(path): path for path in paths}
    graph = {}
    for module, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in resolve(module, path.name == "__init__.py", node, modules):
                    if name in modules and name != module:
                        imported.add(name)
        graph[module] = imported
    return graph


def find_cycle(graph):
    """One import circle as a list of modules (first repeated at the end), or None."""
    state = {}
    for start in sorted(graph):
        if start in state:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = "open"
        while stack:
            module, pending = stack[-1]
            for child in pending:
                if state.get(child) == "open":
                    return path[path.index(child):] + [child]
                if child not in state:
                    state[child] = "open"
                    path.append(child)
                    stack.append((child, iter(sorted(graph[child]))))
                    break
            else:
                state[module] = "done"
                path.pop()
                stack.pop()
    return None


def test_find_cycle_reports_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_autograd_and_nn_have_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_nn_imports_only_what_autograd_exports():
    graph = import_graph()
    reaching_in = {
        module: sorted(name for name in imported if name.startswith("autograd.") and name != "autograd.testing")
        for module, imported in graph.items()
        if module.startswith("nn")
    }
    assert {module: names for module, names in reaching_in.items() if names} == {}


def test_autograd_never_imports_nn():
    graph = import_graph()
    assert {module for module, imported in graph.items() if module.startswith("autograd") and
            any(name == "nn" or name.startswith("nn.") for name in imported)} == set()


CORE = "autograd.core"
OBSERVED_FROM_OUTSIDE = ("autograd.drawing", "autograd.instruments")
"""The rooms the core must not reach: drawing and instruments build on the core, never the other way round."""


def within(module, package):
    return module == package or module.startswith(package + ".")


def path_out_of_core(graph, start, forbidden):
    """The chain of imports from ``start`` to a module of ``forbidden`` packages, or None (breadth-first: shortest)."""
    came_from = {start: None}
    queue = [start]
    while queue:
        module = queue.pop(0)
        if any(within(module, package) for package in forbidden):
            chain = []
            while module is not None:
                chain.append(module)
                module = came_from[module]
            return chain[::-1]
        for child in sorted(graph.get(module, ())):
            if child not in came_from:
                came_from[child] = module
                queue.append(child)
    return None


def test_path_out_of_core_finds_an_indirect_import():
    graph = {"autograd.core.a": {"autograd.core.b"}, "autograd.core.b": {"autograd.drawing.x"}, "autograd.drawing.x": set()}
    assert path_out_of_core(graph, "autograd.core.a", OBSERVED_FROM_OUTSIDE) == [
        "autograd.core.a", "autograd.core.b", "autograd.drawing.x"]
    assert path_out_of_core({"autograd.core.a": set()}, "autograd.core.a", OBSERVED_FROM_OUTSIDE) is None


def test_the_core_imports_neither_drawing_nor_the_instruments():
    """Every import counts, deferred ones inside functions too, and so does an import through another module."""
    graph = import_graph()
    core = sorted(module for module in graph if within(module, CORE))
    assert core, "no autograd.core package: the folder move has not happened"
    chains = [" -> ".join(chain) for module in core
              if (chain := path_out_of_core(graph, module, OBSERVED_FROM_OUTSIDE)) is not None]
    assert chains == []

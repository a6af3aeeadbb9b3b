"""layered_positions: the linear-time layout draw_graph uses for graphs too big for dot."""

from itertools import pairwise

import pytest

from autograd.drawing.layout import layered_positions

UNIT = (20.0, 10.0)


def chain(*names):
    return list(pairwise(names))


def test_each_edge_points_right_in_lr():
    nodes = ["a", "b", "c", "d"]
    positions = layered_positions(nodes, chain(*nodes), dict.fromkeys(nodes, UNIT))
    xs = [positions[node][0] for node in nodes]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert len({positions[node][1] for node in nodes}) == 1


@pytest.mark.parametrize(
    ("rankdir", "axis", "sign"), [("LR", 0, 1), ("RL", 0, -1), ("TB", 1, -1), ("BT", 1, 1)]
)
def test_rankdir_sets_the_direction_of_the_edges(rankdir, axis, sign):
    # Graphviz's y axis points up: "TB" puts the head below the tail, at a smaller y.
    positions = layered_positions(["a", "b"], [("a", "b")], dict.fromkeys("ab", UNIT), rankdir)
    assert sign * (positions["b"][axis] - positions["a"][axis]) > 0
    assert positions["b"][1 - axis] == positions["a"][1 - axis]


def test_ranks_are_spaced_by_the_widest_node_and_the_gap():
    sizes = {"a": (100.0, 10.0), "b": (20.0, 10.0)}
    positions = layered_positions(["a", "b"], [("a", "b")], sizes, rank_gap=30.0)
    assert positions["b"][0] - positions["a"][0] == 50.0 + 30.0 + 10.0


def test_an_input_sits_just_before_its_first_use():
    # x feeds the last step of a long chain: it is drawn beside that step, not at the far left
    nodes = ["a", "b", "c", "d", "x"]
    positions = layered_positions(nodes, chain("a", "b", "c", "d") + [("x", "d")], dict.fromkeys(nodes, UNIT))
    assert positions["x"][0] == positions["c"][0]


def test_nodes_of_one_rank_do_not_overlap():
    nodes = ["p", "q", "r", "out"]
    sizes = {"p": (20.0, 30.0), "q": (20.0, 12.0), "r": (20.0, 50.0), "out": UNIT}
    positions = layered_positions(nodes, [("p", "out"), ("q", "out"), ("r", "out")], sizes, node_gap=5.0)
    spans = sorted((positions[n][1] - sizes[n][1] / 2, positions[n][1] + sizes[n][1] / 2) for n in "pqr")
    for (_, top_of_lower), (bottom_of_upper, _) in pairwise(spans):
        assert bottom_of_upper - top_of_lower == pytest.approx(5.0)


def test_inputs_of_one_node_keep_their_order_from_top_to_bottom():
    nodes = ["out", "first", "second", "third"]
    edges = [("first", "out"), ("second", "out"), ("third", "out")]
    positions = layered_positions(nodes, edges, dict.fromkeys(nodes, UNIT))
    assert positions["first"][1] > positions["second"][1] > positions["third"][1]


def test_a_node_lines_up_with_the_nodes_it_feeds():
    # two independent chains: each input stays on the side of its own output
    nodes = ["top_out", "bottom_out", "top_in", "bottom_in"]
    edges = [("bottom_in", "bottom_out"), ("top_in", "top_out")]
    positions = layered_positions(nodes, edges, dict.fromkeys(nodes, UNIT))
    assert positions["top_in"][1] > positions["bottom_in"][1]
    assert positions["top_out"][1] > positions["bottom_out"][1]


def test_a_hundred_thousand_deep_chain_is_laid_out_without_recursion():
    nodes = list(range(100_000))
    positions = layered_positions(nodes, chain(*nodes), dict.fromkeys(nodes, UNIT))
    assert positions[99_999][0] > positions[0][0]

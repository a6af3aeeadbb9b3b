"""A layered layout in linear time, for graphs too big for Graphviz's ``dot`` to lay out in seconds.

``dot`` minimises crossings and balances positions with network simplex, which
grows much faster than the graph: a thousand boxes take seconds, forty thousand
take hours. Here each node gets a rank (the longest path from the inputs, with
each input pulled up next to its first consumer), each rank is ordered by one
sweep of barycentres from the output backwards, and ranks are stacked side by
side. ``neato -n2`` then draws the nodes where they are put, with straight edges.
"""

from collections import deque


def layered_positions(nodes, edges, sizes, rankdir="LR", rank_gap=36.0, node_gap=10.0):
    """Centre ``(x, y)`` in points of each node of a directed acyclic graph.

    ``nodes`` is a list of names (the order breaks ties), ``edges`` a list of
    ``(tail, head)`` pairs, ``sizes`` maps each name to ``(width, height)`` in
    points. Edges point along ``rankdir``: "LR", "RL", "TB" or "BT".
    """
    successors = {node: [] for node in nodes}
    predecessors = {node: [] for node in nodes}
    for tail, head in edges:
        successors[tail].append(head)
        predecessors[head].append(tail)

    rank = _longest_path_ranks(nodes, successors, predecessors)
    ranks = _ordered_ranks(nodes, rank, successors)

    horizontal = rankdir in ("LR", "RL")
    along = 0 if horizontal else 1  # which of (width, height) lies along the rank axis
    across = 1 - along

    positions = {}
    rank_coordinate = 0.0
    previous_extent = None
    for members in ranks:
        extent = max(sizes[node][along] for node in members)
        if previous_extent is not None:
            rank_coordinate += previous_extent / 2 + rank_gap + extent / 2
        previous_extent = extent
        total = sum(sizes[node][across] for node in members) + node_gap * (len(members) - 1)
        offset = total / 2
        for node in members:
            size = sizes[node][across]
            positions[node] = (rank_coordinate, offset - size / 2)
            offset -= size + node_gap

    if rankdir == "LR":
        return {node: (r, c) for node, (r, c) in positions.items()}
    if rankdir == "RL":
        return {node: (-r, c) for node, (r, c) in positions.items()}
    if rankdir == "TB":
        return {node: (-c, -r) for node, (r, c) in positions.items()}
    return {node: (-c, r) for node, (r, c) in positions.items()}


def _longest_path_ranks(nodes, successors, predecessors):
    """Rank 0 for the first inputs, every other node one past its latest predecessor; inputs next to their use."""
    waiting = {node: len(predecessors[node]) for node in nodes}
    ready = deque(node for node in nodes if not waiting[node])
    rank = {}
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        rank[node] = max((rank[tail] + 1 for tail in predecessors[node]), default=0)
        for head in successors[node]:
            waiting[head] -= 1
            if not waiting[head]:
                ready.append(head)
    for node in nodes:  # nodes on a cycle, which a computation graph never has
        rank.setdefault(node, 0)
    for node in order:
        if not predecessors[node] and successors[node]:
            rank[node] = min(rank[head] for head in successors[node]) - 1
    return rank


def _ordered_ranks(nodes, rank, successors):
    """Nodes grouped by rank; within a rank ordered by the mean place of their successors (outputs first)."""
    lowest = min(rank.values())
    groups = [[] for _ in range(max(rank.values()) - lowest + 1)]
    for node in nodes:
        groups[rank[node] - lowest].append(node)
    place = {}
    for members in reversed(groups):
        keyed = []
        count = len(members)
        for index, node in enumerate(members):
            placed = [place[head] for head in successors[node] if head in place]
            keyed.append((sum(placed) / len(placed) if placed else (index + 0.5) / count, index, node))
        keyed.sort()
        members[:] = [node for _, _, node in keyed]
        for position, node in enumerate(members):
            place[node] = (position + 0.5) / count
    return [members for members in groups if members]

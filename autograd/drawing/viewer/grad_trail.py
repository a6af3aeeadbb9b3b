"""The gradient each box of the viewer shows after each step: partial sums, completion, and room in the box for them.

A node's grad appears at the step whose rule first sends it a part, grows
with each later part, and is complete when every use has sent its part (the
root holds its seed from the start). Each step's updates carry the value they
replace, so the page steps back by undoing them, never by replaying.
"""

import numbers
import re

import numpy as np

from ..styles import DIM, label_text
from .notation import number

_TINY = 3  # a Tensor gradient with at most this many elements shows its values
_TABLE_END = re.compile(r"</TABLE>>(?=[^<]*$)")


def grad_text(grad):
    """A gradient in a few characters: a Value's number; a Tensor's shape and its values (tiny) or norm."""
    if isinstance(grad, numbers.Number) or np.ndim(grad) == 0:
        return number(float(grad))
    array = np.asarray(grad, dtype=np.float64)
    shape = str(tuple(array.shape))
    if array.size <= _TINY:
        return f"{shape} [{', '.join(number(x) for x in array.ravel())}]"
    return f"{shape} norm {number(float(np.linalg.norm(array.ravel())))}"


class GradTrail:
    """``initial`` (the root's seed) and ``updates[k]``: ``[box, text, complete, previous text, previous complete]``."""

    def __init__(self, root, drawn, box, shown):
        drawn_ids = {id(node) for node in drawn}
        uses = {}
        for step, _ in shown:
            for parent, _, contribution in step.contributions:
                if contribution is not None and id(parent) in drawn_ids:
                    uses[id(parent)] = uses.get(id(parent), 0) + 1
        state = {}
        self.texts = {}  # box -> every text it shows, to size its slot
        self.initial = []
        if id(root) in box and shown:
            seed = grad_text(shown[0][0].upstream)
            state[id(root)] = (seed, True)
            self.initial.append([box[id(root)], seed, True])
            self.texts[box[id(root)]] = [seed]
        received = {}
        self.updates = []
        for step, totals in shown:
            changes, sent = [], {}
            for parent, _, contribution in step.contributions:  # x * x sends x two parts in one step
                key = id(parent)
                if contribution is not None and key in drawn_ids and key in totals:
                    sent.setdefault(key, [parent, 0])[1] += 1
            for key, (parent, parts) in sent.items():
                received[key] = received.get(key, 0) + parts
                text, complete = grad_text(totals[key]), received[key] == uses[key]
                before = state.get(key, ("", False))
                changes.append([box[key], text, complete, before[0], before[1]])
                state[key] = (text, complete)
                self.texts.setdefault(box[key], []).append(text)
            self.updates.append(changes)

    def add_slots(self, graph):
        """Give each box that will show a gradient a last row for it (see ``add_slots``)."""
        add_slots(graph, self.texts)


def add_slots(graph, texts):
    """Give each box named in ``texts`` ({box: the texts it will show}) a last row: ``grad`` and room for the longest."""
    slots = {name: max(shown, key=len) + " ✓" for name, shown in texts.items()}
    for position, line in enumerate(graph.body):
        name = line.strip().split(" ", 1)[0]
        if name in slots and "<TABLE" in line:
            row = (f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{DIM}">grad</FONT> '
                   f"{label_text(slots[name])}</TD></TR>")
            graph.body[position] = _TABLE_END.sub(lambda _: f"{row}</TABLE>>", line, count=1)

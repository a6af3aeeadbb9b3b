"""Regenerate the README's pictures: the graph of J = 3(a + bc), the backprop viewer mid-way through it, and an MLP.

    python docs/make_pictures.py

The viewer picture is a screenshot by headless Chromium (Debian's ``chromium``
and ``chromium-driver``, through selenium) of the page ``backward_steps(J).save()``
writes; the MLP picture is Graphviz's PNG of ``draw_graph(..., collapse=True,
color_by="grad")``; the graph of J is ``draw_graph(J)``'s PNG. All are written
beside this script.
"""

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPOSITORY = DOCS.parent
sys.path.insert(0, str(REPOSITORY))

import numpy as np

import nn
from autograd import Tensor, Value, backward_steps, draw_graph
from tests.headless_chromium import start_chromium


def viewer_picture(path):
    """The viewer on the course notes' J = 3(a + bc), mid-way: step 2 of 3, the rule of a + bc."""
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    J = 3 * (a + b * c)
    with tempfile.TemporaryDirectory() as folder:
        page = backward_steps(J).save(Path(folder) / "backprop.html")
        driver = start_chromium(width=760, height=600, scale=2)
        try:
            driver.get(page.as_uri())
            viewer = driver.find_element("css selector", ".cr-viewer")
            driver.find_element("css selector", ".cr-next").click()
            driver.execute_script("document.activeElement.blur()")
            path.write_bytes(viewer.screenshot_as_png)
        finally:
            driver.quit()


def mlp_picture(path):
    """A 2-16-16-16-1 sigmoid MLP's loss graph: one box per module call, shaded by mean |grad|."""
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 16, rng=rng), nn.Sigmoid(), nn.Linear(16, 16, rng=rng), nn.Sigmoid(),
                          nn.Linear(16, 16, rng=rng), nn.Sigmoid(), nn.Linear(16, 1, rng=rng))
    X = Tensor(rng.normal(size=(32, 2)), label="X")
    y = Tensor(rng.normal(size=(32, 1)))
    loss = nn.MSELoss()(model(X), y)
    loss.backward()
    graph = draw_graph(loss, model=model, collapse=True, color_by="grad")
    path.write_bytes(graph.pipe(format="png"))


def chain_rule_picture(path):
    """draw_graph of J = 3(a + bc) after backward: data and grad in every box."""
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    J = 3 * (a + b * c)
    J.backward()
    path.write_bytes(draw_graph(J).pipe(format="png"))


def main():
    pictures = {"backprop_viewer.png": viewer_picture, "mlp_collapsed_grad.png": mlp_picture,
                "chain_rule_graph.png": chain_rule_picture}
    for name, make in pictures.items():
        make(DOCS / name)
        print(f"wrote {DOCS / name}")


if __name__ == "__main__":
    main()

"""Regenerate the README's pictures: the graph of J = 3(a + bc), the backprop viewer and its quiz on it, and an MLP.

    python docs/make_pictures.py                        # every picture
    python docs/make_pictures.py backprop_quiz.png      # the pictures named

The viewer pictures are screenshots by headless Chromium (Debian's ``chromium``
and ``chromium-driver``, through selenium) of the pages ``backward_steps(J).save()``
writes: mid-way, with the gradients on the boxes; the quiz after a wrong answer;
an MLP stepped module by module (``by_module=True``). The MLP picture is Graphviz's PNG of ``draw_graph(..., collapse=True,
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


def screenshot(page, path, width=760, height=600, act=None):
    """A 2x screenshot of the viewer on ``page`` after ``act(driver)``, focus removed."""
    driver = start_chromium(width=width, height=height, scale=2)
    try:
        driver.get(page.as_uri())
        viewer = driver.find_element("css selector", ".cr-viewer")
        if act is not None:
            act(driver)
        driver.execute_script("document.activeElement.blur()")
        path.write_bytes(viewer.screenshot_as_png)
    finally:
        driver.quit()


def notes_example():
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    return 3 * (a + b * c)


def viewer_picture(path):
    """The viewer on the course notes' J = 3(a + bc), mid-way: step 2 of 3, the gradients on the boxes so far."""
    with tempfile.TemporaryDirectory() as folder:
        page = backward_steps(notes_example()).save(Path(folder) / "backprop.html")
        screenshot(page, path, act=lambda driver: driver.find_element("css selector", ".cr-next").click())


def quiz_picture(path):
    """The quiz on J = 3(a + bc) at its first step, after a wrong local derivative: marked, with the op's rule."""

    def answer_wrong(driver):
        fields = driver.find_elements("css selector", ".cr-question input")
        fields[0].send_keys("1")
        fields[1].send_keys("1")
        driver.find_element("css selector", ".cr-check").click()

    with tempfile.TemporaryDirectory() as folder:
        page = backward_steps(notes_example()).save(Path(folder) / "quiz.html", quiz=True)
        screenshot(page, path, act=answer_wrong)


def by_module_picture(path):
    """nn.MLP([3, 5, 4, 2])'s MSE loss stepped module by module, at the second Linear."""
    rng = np.random.default_rng(0)
    model = nn.MLP([3, 5, 4, 2])
    loss = nn.MSELoss()(model(Tensor(rng.normal(size=(4, 3)), label="X")), Tensor(rng.normal(size=(4, 2))))

    def step_to_the_middle(driver):
        for _ in range(3):
            driver.find_element("css selector", ".cr-next").click()

    with tempfile.TemporaryDirectory() as folder:
        page = backward_steps(loss, model=model).save(Path(folder) / "by_module.html", by_module=True)
        screenshot(page, path, width=1100, height=600, act=step_to_the_middle)


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
    pictures = {"backprop_viewer.png": viewer_picture, "backprop_quiz.png": quiz_picture,
                "backprop_by_module.png": by_module_picture, "mlp_collapsed_grad.png": mlp_picture,
                "chain_rule_graph.png": chain_rule_picture}
    only = sys.argv[1:]
    pictures = {name: make for name, make in pictures.items() if not only or name in only}
    for name, make in pictures.items():
        make(DOCS / name)
        print(f"wrote {DOCS / name}")


if __name__ == "__main__":
    main()

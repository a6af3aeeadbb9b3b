"""The backprop viewer in a real browser: headless Chromium (Debian's) driven by Selenium.

Skipped, with the reason shown, only where no Chromium is installed; under CI
(the CI environment variable set) a missing browser fails instead.
"""

import os
import re

import pytest

from autograd import Value, backward_steps
from tests.headless_chromium import find_browser, start_chromium

if find_browser() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install chromium and chromium-driver (see .ci/run)")
    pytest.skip("no Chromium and chromedriver installed: apt-get install chromium chromium-driver",
                allow_module_level=True)
try:
    import selenium  # noqa: F401
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip('the browser tests need selenium: pip install "chainrule[test]"', allow_module_level=True)

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture()
def page(browser, tmp_path):
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    path = backward_steps(3 * (a + b * c)).save(tmp_path / "backprop.html")
    browser.get_log("browser")  # start from a clean console
    browser.get(path.as_uri())
    return browser


def panel(driver):
    return driver.find_element(By.CSS_SELECTOR, ".cr-title").text, [
        item.text for item in driver.find_elements(By.CSS_SELECTOR, ".cr-lines li")]


def marked(driver, cls):
    return sorted(driver.execute_script(
        "return Array.from(document.querySelectorAll('g.' + arguments[0]), g => g.querySelector('title').textContent)",
        cls))


def button(driver, word):
    return driver.find_element(By.XPATH, f"//button[contains(@title, '{word}') or contains(text(), '{word}')]")


def test_the_viewer_draws_the_graph_and_opens_on_the_first_step(page):
    assert len(page.find_elements(By.CSS_SELECTOR, ".cr-graph svg g.node")) == 10  # 7 boxes (a, b, c, 3, bc, a + bc, J) and 3 ops
    title, lines = panel(page)
    assert title == "Step 1 of 3: the rule of J (op *)"
    assert lines[-1] == "∂J/∂(a + bc) = ∂J/∂J · ∂(3·(a + bc))/∂(a + bc) = 1 · 3 = 3"
    assert page.find_element(By.CSS_SELECTOR, ".cr-counter").text == "step 1 of 3"


def test_buttons_step_forward_and_back_and_mark_the_graph(page):
    button(page, "next").click()
    button(page, "next").click()
    title, lines = panel(page)
    assert title == "Step 3 of 3: the rule of bc (op *)"
    assert lines[1:] == ["∂J/∂b = ∂J/∂(bc) · ∂(bc)/∂b = 3 · 2 = 6", "∂J/∂c = ∂J/∂(bc) · ∂(bc)/∂c = 3 · 3 = 9"]
    box = page.execute_script("return document.querySelector('g.cr-current title').textContent")
    flows = marked(page, "cr-flow")
    assert len(marked(page, "cr-current")) == 2 and len(flows) == 3  # b -> *, c -> *, * -> bc
    assert all("->" in edge for edge in flows)
    assert len(marked(page, "cr-done")) == 4  # the two rules that ran: their boxes and ops
    assert box in {name for name in marked(page, "cr-current")}
    button(page, "prev").click()
    assert panel(page)[0] == "Step 2 of 3: the rule of a + bc (op +)"
    assert len(marked(page, "cr-done")) == 2


def test_arrow_keys_step(page):
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert panel(page)[0].startswith("Step 2 of 3")
    body.send_keys(Keys.ARROW_RIGHT)
    body.send_keys(Keys.ARROW_RIGHT)  # past the end: stays on the last step
    assert panel(page)[0].startswith("Step 3 of 3")
    body.send_keys(Keys.ARROW_LEFT)
    assert panel(page)[0].startswith("Step 2 of 3")


def test_the_slider_and_play_reach_every_step(page):
    page.execute_script(
        "var s = document.querySelector('.cr-slider'); s.value = '2'; s.dispatchEvent(new Event('input'));")
    assert panel(page)[0].startswith("Step 3 of 3")
    page.execute_script(  # note every title the panel shows from now on
        "window.seen = []; var title = document.querySelector('.cr-title');"
        "new MutationObserver(function () { window.seen.push(title.textContent); })"
        ".observe(title, {childList: true, characterData: true, subtree: true});")
    button(page, "play").click()  # from the end, play starts over and runs to the end, then stops
    WebDriverWait(page, 20).until(lambda driver: "play" in button(driver, "play").text)
    seen = page.execute_script("return window.seen")
    assert [title[:11] for title in seen] == ["Step 1 of 3", "Step 2 of 3", "Step 3 of 3"]


def test_the_console_has_no_errors(page):
    button(page, "next").click()
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    assert [entry for entry in page.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


def test_two_viewers_on_one_page_step_on_their_own(browser, tmp_path):
    x = Value(2.0, "x")
    first = backward_steps(x * x + 3 * x).html()
    second = backward_steps((Value(1.0, "y") * 2).tanh() * 3).html()
    path = tmp_path / "two.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{first}{second}</body></html>",
                    encoding="utf-8")
    browser.get_log("browser")
    browser.get(path.as_uri())
    viewers = browser.find_elements(By.CSS_SELECTOR, ".cr-viewer")
    viewers[1].find_element(By.CSS_SELECTOR, ".cr-next").click()
    viewers[1].send_keys(Keys.ARROW_RIGHT)
    counters = [viewer.find_element(By.CSS_SELECTOR, ".cr-counter").text for viewer in viewers]
    assert counters[0] == "step 1 of 3" and counters[1] == "step 3 of 3"
    assert browser.get_log("browser") == []


def test_a_hostile_label_is_displayed_not_run(browser, tmp_path):
    x = Value(1.5, "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>")
    path = backward_steps((x * 2).tanh()).save(tmp_path / "hostile.html")
    browser.get(path.as_uri())
    assert browser.title == "Backprop, step by step"
    browser.find_element(By.CSS_SELECTOR, ".cr-next").click()
    assert "<script>document.title='pwned'</script>" in browser.find_element(By.CSS_SELECTOR, ".cr-lines").text
    assert browser.find_elements(By.CSS_SELECTOR, ".cr-viewer img") == []


def test_the_stepping_benchmark_runs():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "benchmarks" / "viewer_stepping.py"
    completed = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300,
                               check=False)
    assert completed.returncode == 0, completed.stderr
    assert "| viewer (graph drawn once)" in completed.stdout and "| redraw the SVG each step" in completed.stdout


def grads_on_boxes(driver):
    """{box name: (gradient text, complete?)} for every box that shows a gradient now."""
    return {name: (text, complete) for name, text, complete in driver.execute_script(
        "return Array.from(document.querySelectorAll('g.node'), g => [g, g.querySelector('text.cr-grad-value.cr-shown')])"
        ".filter(([g, shown]) => shown && shown.textContent !== '' && getComputedStyle(shown).visibility === 'visible')"
        ".map(([g, shown]) => [g.querySelector('text').textContent, shown.textContent.trim(),"
        " g.classList.contains('cr-complete')])")}


def test_gradients_appear_on_the_boxes_at_the_step_that_sends_them_and_go_going_back(page):
    assert grads_on_boxes(page) == {"J": ("1 ✓", True), "a + bc": ("3 ✓", True)}
    button(page, "next").click()
    assert grads_on_boxes(page) == {"J": ("1 ✓", True), "a + bc": ("3 ✓", True), "a": ("3 ✓", True),
                                    "bc": ("3 ✓", True)}
    button(page, "next").click()
    shown = grads_on_boxes(page)
    assert (shown["a"], shown["b"], shown["c"]) == (("3 ✓", True), ("6 ✓", True), ("9 ✓", True))
    button(page, "prev").click()
    button(page, "prev").click()
    assert grads_on_boxes(page) == {"J": ("1 ✓", True), "a + bc": ("3 ✓", True)}
    visible = page.execute_script(  # a box not reached yet shows no gradient at all: no number, no "grad"
        "var g = Array.from(document.querySelectorAll('g.node')).find(g => g.querySelector('text').textContent === 'b');"
        "return Array.from(g.querySelectorAll('text')).filter(t => getComputedStyle(t).visibility === 'visible'"
        " && t.textContent.trim() !== '').map(t => t.textContent.trim())")
    assert visible == ["b", "data", "3"]


def test_a_node_on_two_paths_shows_a_partial_sum_then_a_complete_one(browser, tmp_path):
    x = Value(2.0, "x")
    browser.get(backward_steps(x * x + 3 * x).save(tmp_path / "two_paths.html").as_uri())
    assert "x" not in grads_on_boxes(browser)
    button(browser, "next").click()  # the rule of 3x sends 3
    assert grads_on_boxes(browser)["x"] == ("3", False)
    assert browser.execute_script("return document.querySelectorAll('g.cr-partial').length") == 1
    button(browser, "next").click()  # the rule of xx sends 2 + 2: 7, every use has sent its part
    assert grads_on_boxes(browser)["x"] == ("7 ✓", True)
    button(browser, "prev").click()
    assert grads_on_boxes(browser)["x"] == ("3", False)
    assert [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


@pytest.fixture()
def mlp_page(browser, tmp_path):
    import numpy as np

    import nn
    from autograd import Tensor

    rng = np.random.default_rng(0)
    model = nn.MLP([3, 5, 4, 2])
    X, y = Tensor(rng.normal(size=(4, 3))), Tensor(rng.normal(size=(4, 2)))
    path = backward_steps(nn.MSELoss()(model(X), y), model=model).save(tmp_path / "mlp.html")
    browser.set_window_size(1280, 900)
    browser.get_log("browser")
    browser.get(path.as_uri())
    yield browser, model
    browser.set_window_size(1100, 800)


def test_an_mlp_graph_fits_the_window_with_model_names_and_no_counters(mlp_page):
    driver, model = mlp_page
    width = driver.execute_script("return window.innerWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width  # no sideways scrolling
    outside = driver.execute_script(
        "return Array.from(document.querySelectorAll('g.node')).filter(g => { var r = g.getBoundingClientRect();"
        " return r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight; }).length")
    assert outside == 0
    texts = driver.execute_script("return Array.from(document.querySelectorAll('g.node text'), t => t.textContent)")
    for name, _ in model.named_parameters():
        assert name in texts
    assert not [text for text in texts if re.search(r"^x\d+$|#\d", text.strip())]
    gap = driver.execute_script(  # the graph starts right below the key: no empty band above it
        "var g = document.querySelector('.cr-graph'), box = g.querySelector('g.graph').getBoundingClientRect();"
        "return box.top - g.getBoundingClientRect().top")
    assert 0 <= gap < 20
    button(driver, "next").click()
    assert "∂J/∂" in panel(driver)[1][1]
    driver.set_window_size(640, 900)  # long chain rules wrap between their parts, never inside a name or a value
    wrapped = driver.execute_script(
        "var items = Array.from(document.querySelectorAll('.cr-lines li'));"
        "return [items.filter(li => li.getClientRects()[0].height > 30).length,"
        " Array.from(document.querySelectorAll('.cr-chunk')).filter(c => c.getClientRects().length > 1).length]")
    assert wrapped[0] >= 1 and wrapped[1] == 0


def test_zoom_buttons_the_wheel_and_fit_change_the_view(mlp_page):
    driver, _ = mlp_page

    def view():
        return [float(x) for x in driver.execute_script(
            "return document.querySelector('.cr-graph svg').getAttribute('viewBox')").split()]

    whole = view()
    button(driver, "zoom in").click()
    assert view()[2] < whole[2] / 1.3
    button(driver, "zoom out").click()
    assert view()[2] == pytest.approx(whole[2])
    driver.execute_script(
        "var svg = document.querySelector('.cr-graph svg'), r = svg.getBoundingClientRect();"
        "svg.dispatchEvent(new WheelEvent('wheel', {deltaY: -500, clientX: r.left + 50, clientY: r.top + 20,"
        " bubbles: true, cancelable: true}));")
    assert view()[2] < whole[2] / 1.5
    for _ in range(10):  # step to the end: the current box is brought into view each time
        button(driver, "next").click()
        inside = driver.execute_script(
            "var box = document.querySelector('g.node.cr-current').getBoundingClientRect(),"
            " pane = document.querySelector('.cr-graph svg').getBoundingClientRect();"
            "return box.left >= pane.left - 1 && box.right <= pane.right + 1 && box.top >= pane.top - 1"
            " && box.bottom <= pane.bottom + 1")
        assert inside
    button(driver, "fit").click()
    assert view() == pytest.approx(whole)
    assert [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


def test_dragging_pans_the_view(mlp_page):
    from selenium.webdriver.common.action_chains import ActionChains

    driver, _ = mlp_page
    button(driver, "zoom in").click()
    before = driver.execute_script("return document.querySelector('.cr-graph svg').getAttribute('viewBox')")
    svg = driver.find_element(By.CSS_SELECTOR, ".cr-graph svg")
    ActionChains(driver).move_to_element(svg).click_and_hold().move_by_offset(-120, 0).release().perform()
    after = driver.execute_script("return document.querySelector('.cr-graph svg').getAttribute('viewBox')")
    assert float(after.split()[0]) > float(before.split()[0])  # dragged left: the view moved right
    assert after.split()[2:] == before.split()[2:]


@pytest.fixture()
def quiz_page(browser, tmp_path):
    a, b, c = Value(5.0, "a"), Value(3.0, "b"), Value(2.0, "c")
    path = backward_steps(3 * (a + b * c)).save(tmp_path / "quiz.html", quiz=True)
    browser.get_log("browser")
    browser.get(path.as_uri())
    return browser


def answer(driver, *values):
    inputs = driver.find_elements(By.CSS_SELECTOR, ".cr-question input")
    assert len(inputs) == len(values)
    for field, value in zip(inputs, values):
        field.clear()
        field.send_keys(value)


def test_the_quiz_refuses_a_wrong_answer_with_a_hint_and_accepts_the_right_one(quiz_page):
    driver = quiz_page
    assert panel(driver)[1] == ["∂J/∂J = 1 (the seed: backward starts here)"]  # the numbers wait for the answer
    labels = [label.text for label in driver.find_elements(By.CSS_SELECTOR, ".cr-question label")]
    assert labels == ["∂(3·(a + bc))/∂(a + bc) =", "∂J/∂(a + bc) from this rule ="]
    assert not button(driver, "next").is_enabled()
    answer(driver, "1", "1")
    button(driver, "check").click()
    inputs = driver.find_elements(By.CSS_SELECTOR, ".cr-question input")
    assert all("cr-wrong" in field.get_attribute("class") for field in inputs)
    assert [field.get_attribute("value") for field in inputs] == ["1", "1"]  # marked, not revealed
    assert driver.find_element(By.CSS_SELECTOR, ".cr-hints").text == (
        "Hint for a + bc: d(a·b)/db = a (here a = 3, b = a + bc)")
    assert "3" not in grads_on_boxes(driver).get("a + bc", ("",))[0]  # the graph keeps the answer too
    answer(driver, "3", "3.0004")  # within 1e-3 relative
    driver.find_elements(By.CSS_SELECTOR, ".cr-question input")[1].send_keys(Keys.ENTER)
    assert driver.find_element(By.CSS_SELECTOR, ".cr-verdict").text == "right"
    assert panel(driver)[1][-1] == "∂J/∂(a + bc) = ∂J/∂J · ∂(3·(a + bc))/∂(a + bc) = 1 · 3 = 3"
    assert grads_on_boxes(driver)["a + bc"] == ("3 ✓", True)
    assert button(driver, "next").is_enabled()
    assert driver.find_element(By.CSS_SELECTOR, ".cr-counter").text == "step 1 of 3"


def test_the_quiz_reveals_on_show_and_scores_at_the_end(quiz_page):
    driver = quiz_page
    answer(driver, "3", "3")
    button(driver, "check").click()
    button(driver, "next").click()
    assert driver.find_element(By.CSS_SELECTOR, ".cr-counter").text == "step 2 of 3"
    assert len(driver.find_elements(By.CSS_SELECTOR, ".cr-question input")) == 4  # a and bc, two fields each
    button(driver, "show").click()
    inputs = driver.find_elements(By.CSS_SELECTOR, ".cr-question input")
    assert [field.get_attribute("value") for field in inputs] == ["1", "3", "1", "3"]
    assert driver.find_element(By.CSS_SELECTOR, ".cr-score").text == ""  # not the end yet
    button(driver, "next").click()
    answer(driver, "2", "6", "3", "9")
    button(driver, "check").click()
    assert driver.find_element(By.CSS_SELECTOR, ".cr-counter").text == "step 3 of 3"
    assert driver.find_element(By.CSS_SELECTOR, ".cr-score").text.startswith("Score: 2 of 3 steps right")
    button(driver, "prev").click()  # answered steps stay answered
    assert driver.find_element(By.CSS_SELECTOR, ".cr-verdict").text == "shown (not counted)"
    assert [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


def test_stepping_module_by_module_puts_each_modules_output_gradient_on_its_box(browser, tmp_path):
    import numpy as np

    import nn
    from autograd import Tensor

    rng = np.random.default_rng(0)
    model = nn.MLP([3, 5, 4, 2])
    loss = nn.MSELoss()(model(Tensor(rng.normal(size=(4, 3)))), Tensor(rng.normal(size=(4, 2))))
    path = backward_steps(loss, model=model).save(tmp_path / "by_module.html", by_module=True)
    browser.get_log("browser")
    browser.get(path.as_uri())
    assert browser.find_element(By.CSS_SELECTOR, ".cr-counter").text == "step 1 of 6"
    assert set(grads_on_boxes(browser)) == {"loss", "Linear(4→2)"}
    button(browser, "next").click()
    assert grads_on_boxes(browser)["ReLU"][0].startswith("(4, 4) norm ")
    button(browser, "prev").click()
    assert "ReLU" not in grads_on_boxes(browser)
    assert [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []

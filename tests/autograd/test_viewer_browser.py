"""The backprop viewer in a real browser: headless Chromium (Debian's) driven by Selenium.

Skipped, with the reason shown, only where no Chromium is installed; under CI
(the CI environment variable set) a missing browser fails instead.
"""

import os

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

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "viewer_stepping.py"
    completed = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300,
                               check=False)
    assert completed.returncode == 0, completed.stderr
    assert "| viewer (graph drawn once)" in completed.stdout and "| redraw the SVG each step" in completed.stdout

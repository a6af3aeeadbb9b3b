"""Headless Chromium through Selenium, pointed at the system's browser and driver (no browser downloads).

Used by the browser tests, ``benchmarks/viewer_stepping.py`` and ``docs/make_pictures.py``.
"""

import os
import shutil

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DRIVER_NAMES = ("chromedriver",)


def find_browser():
    """``(browser, driver)`` paths of an installed Chromium and its chromedriver, or None where either is missing."""
    browser = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    driver = os.environ.get("CHROMEDRIVER") or next(filter(None, map(shutil.which, DRIVER_NAMES)), None)
    if not browser or not driver:
        return None
    return browser, driver


def start_chromium(width=1100, height=800, scale=1):
    """A headless Chromium WebDriver that keeps the console log; RuntimeError naming what is missing."""
    found = find_browser()
    if found is None:
        raise RuntimeError(
            "no Chromium and chromedriver on PATH: install them (Debian: apt-get install chromium chromium-driver) "
            "or set CHROMIUM and CHROMEDRIVER to their paths"
        )
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise ImportError('driving Chromium needs selenium: pip install "chainrule[test]"') from None
    browser, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--hide-scrollbars", f"--force-device-scale-factor={scale}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(driver), options=options)
    except WebDriverException:  # a browser slow to start on a busy machine: one more try
        return webdriver.Chrome(service=Service(driver), options=options)

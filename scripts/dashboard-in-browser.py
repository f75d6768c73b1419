#!/usr/bin/python3
"""The dashboard in a real browser: Debian's Chromium, driven by Selenium through chromedriver.

Trains a small run, starts `vae serve` on a free port of 127.0.0.1, and checks, as a person
would see them: that the explorer's image follows a slider, that a click on the map decodes
an image there, that a run page's curve gains a point within a second of a training's
epoch ending, and that the server stops at once with that page still open. `--screenshot FILE` also keeps a picture of the explorer.

Usage: scripts/dashboard-in-browser.py BUILD_FOLDER [--screenshot FILE]
Exits 0 when every check passed, 1 when one failed; where Selenium or chromedriver is missing
it says SKIPPED and exits 0, except on a CI machine (CI set), where that is a failure.
Runs /usr/bin/python3, Debian's, for whom python3-selenium is installed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

DATA = "/usr/share/datasets/fashion-mnist"


def skip(reason):
    if os.environ.get("CI"):
        sys.exit(f"dashboard in a browser: FAILED: {reason}")
    print(f"dashboard in a browser: SKIPPED: {reason}")
    sys.exit(0)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    skip("no Selenium for /usr/bin/python3 (Debian's python3-selenium)")


def wait(driver, condition, what, seconds=30):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.05).until(lambda d: condition(d))
    except Exception:
        raise AssertionError(f"waited {seconds} s for {what}")


def main():
    build = os.path.abspath(sys.argv[1])
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    vae = os.path.join(build, "vae")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        skip("no chromedriver (Debian's chromium-driver)")
    if not os.path.isdir(DATA):
        skip(f"no Fashion-MNIST in {DATA}")
    root = tempfile.mkdtemp(prefix="vae-dashboard-")
    runs = os.path.join(root, "runs")
    os.makedirs(runs)
    subprocess.run([vae, "train", "--data", DATA, "--limit", "3000", "--validation", "1000", "--epochs", "3",
                    "--seed", "1", "--out", os.path.join(runs, "book")], check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([vae, "serve", "--runs", runs, "--port", "0"], stdout=subprocess.PIPE, text=True)
    training = None
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1500", "--hide-scrollbars",
                 f"--user-data-dir={os.path.join(root, 'profile')}"]:
        options.add_argument(flag)
    driver = None
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"vae serve printed {line!r}"
        base = f"http://127.0.0.1:{match.group(1)}"
        driver = webdriver.Chrome(service=Service(driver_path), options=options)

        # The explorer: the image follows a slider.
        driver.get(f"{base}/explore?run=book")
        image = wait(driver, lambda d: d.find_element(By.ID, "decoded") if d.find_element(By.ID, "decoded").get_attribute("data-checksum") else None,
                     "the first decoded image")
        first = image.get_attribute("data-checksum")
        slider = driver.find_element(By.CSS_SELECTOR, "#sliders input[type=range]")
        ActionChains(driver).drag_and_drop_by_offset(slider, 90, 0).perform()
        wait(driver, lambda d: image.get_attribute("data-checksum") != first, "the image to change after the slider moved")
        assert driver.execute_script("return arguments[0].naturalWidth", image) > 0
        print(f"  a slider moved ({slider.get_attribute('id')} to {float(slider.get_attribute('value')):.2f}): the decoded image changed")

        # A click on the map decodes that point.
        before = image.get_attribute("data-checksum")
        version = int(image.get_attribute("data-version"))
        canvas = driver.find_element(By.ID, "map")
        ActionChains(driver).move_to_element_with_offset(canvas, -150, 120).click().perform()
        wait(driver, lambda d: canvas.get_attribute("data-clicks") == "1", "the map to take the click")
        wait(driver, lambda d: int(image.get_attribute("data-version")) > version and image.get_attribute("data-checksum") != before,
             "an image for the clicked point")
        assert driver.execute_script("return arguments[0].naturalWidth", image) > 0
        print("  a click on the map: an image of that point appeared")
        wait(driver, lambda d: d.find_element(By.ID, "samples").get_attribute("data-checksum"), "the samples")
        wait(driver, lambda d: d.find_element(By.ID, "interpolation").get_attribute("data-checksum"), "the interpolation")
        if screenshot:
            driver.save_screenshot(screenshot)
            print(f"  the explorer's picture: {screenshot}")

        # A run page's curve gains a point as a training ends an epoch.
        driver.get(f"{base}/run?name=live")
        time.sleep(0.5)
        training = subprocess.Popen([vae, "train", "--data", DATA, "--epochs", "4", "--seed", "2",
                                     "--out", os.path.join(runs, "live")], stdout=subprocess.DEVNULL)
        points = lambda d: int(d.execute_script("const s = document.querySelector('#curve-total svg'); return s ? Number(s.dataset.points) : 0"))
        history = os.path.join(runs, "live", "history.csv")
        seen = 0
        lags = []
        while seen < 3:
            wait(driver, lambda d: points(d) > seen, f"the curve's point {seen + 1}", seconds=120)
            shown_at = time.time()
            seen = points(driver)
            lags.append(shown_at - os.stat(history).st_mtime)
        print("  the live curve gained a point per epoch, shown " + ", ".join(f"{lag:.2f}" for lag in lags)
              + " s after history.csv was written")
        assert max(lags) < 1.0, f"a point took {max(lags):.2f} s to show"
        training.wait(timeout=300)

        # Stopped while a live page is still open, the server ends at once.
        stopping = time.time()
        server.terminate()
        server.wait(timeout=30)
        print(f"  stopped with a live page open: the server ended {time.time() - stopping:.2f} s after SIGTERM")
        assert time.time() - stopping < 5
        print("dashboard in a browser: passed")
    finally:
        if driver:
            driver.quit()
        for process in [server, training]:
            if process and process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        sys.exit(f"dashboard in a browser: FAILED: {failure}")

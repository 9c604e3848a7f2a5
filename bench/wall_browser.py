"""Headless Debian chromium through selenium (dash[testing] pins 4.2), a fresh profile per browser. `close()` quits
it and then kills chromedriver and every browser process it started, so no headless tab outlives the benchmark and
keeps reconnecting to a port a later run reuses."""

from __future__ import annotations

import json
import os
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import psutil
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.remote_connection import RemoteConnection

from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", *CHROMIUM_FLAGS)
COMMAND_TIMEOUT_S = 300  # a command to a page whose main thread never frees up fails instead of hanging the run
QUIT_TIMEOUT_S = 10


class Browser:
    def __init__(self, profile: Path, *, network_log: bool = False, screen: tuple[int, int] | None = None) -> None:
        """`network_log`: keep chromedriver's performance log (CDP Network events), read with `network_events()`.
        `screen`: the page's own size (the viewport), e.g. a wall screen's 1920×1080 or 3840×2160."""
        options = Options()
        options.binary_location = CHROMIUM
        flags = [flag for flag in FLAGS if not (screen and flag.startswith("--window-size="))]
        for flag in (*flags, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        if screen:
            options.add_argument(f"--window-size={screen[0]},{screen[1]}")
        if network_log:
            options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
            options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        RemoteConnection.set_timeout(COMMAND_TIMEOUT_S)  # read when the driver's connection is made
        self.service = Service(CHROMEDRIVER, log_path=os.devnull)
        self.driver = webdriver.Chrome(service=self.service, options=options)
        self.driver.set_script_timeout(60)
        self.pids = self.process_ids()
        if screen:
            self.fit_viewport(*screen)

    def fit_viewport(self, width: int, height: int) -> None:
        """The window such that the page itself is width × height (a headless window has no frame, usually)."""
        inner = self.js("return [innerWidth, innerHeight]")
        if inner != [width, height]:
            self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])

    def process_ids(self) -> set[int]:
        process = self.service.process
        if process is None:
            return set()
        try:
            return {process.pid, *(child.pid for child in psutil.Process(process.pid).children(recursive=True))}
        except psutil.NoSuchProcess:
            return set()

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def cdp(self, command: str, params: dict[str, Any] | None = None) -> Any:
        return self.driver.execute_cdp_cmd(command, params or {})

    def on_new_document(self, source: str) -> None:
        """Run `source` in every page before the page's own scripts."""
        self.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def network_events(self) -> list[dict[str, Any]]:
        """CDP Network events since the last call (`network_log=True` only)."""
        return [json.loads(entry["message"])["message"] for entry in self.driver.get_log("performance")]

    def metrics(self, *, collect_garbage: bool = False) -> dict[str, float]:
        """CDP Performance.getMetrics of the tab (JSHeapUsedSize, Nodes, JSEventListeners, ...)."""
        if collect_garbage:
            self.cdp("HeapProfiler.collectGarbage")
        self.cdp("Performance.enable")
        return {metric["name"]: metric["value"] for metric in self.cdp("Performance.getMetrics")["metrics"]}

    def quit(self) -> None:
        with suppress(Exception):
            self.driver.quit()

    def renderer_rss(self) -> int:
        """Resident memory of the largest renderer process (the wall's tab); psutil, so it never waits on the page."""
        sizes = [0]
        for pid in self.process_ids():
            with suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                if "--type=renderer" in process.cmdline():
                    sizes.append(process.memory_info().rss)
        return max(sizes)

    def close(self) -> None:
        self.pids |= self.process_ids()  # the renderer processes of pages opened since the start
        quitting = threading.Thread(target=self.quit, daemon=True)
        quitting.start()
        quitting.join(QUIT_TIMEOUT_S)  # quit waits behind a command the page never answered: kill it then
        for pid in self.pids:
            with suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()

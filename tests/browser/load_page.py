#!/usr/bin/env python3
"""Load a local HTML page in headless Chromium and report what the browser saw, as JSON.

Speaks the DevTools protocol over --remote-debugging-pipe (standard library only, no driver
to download). Every frame is watched, sandboxed srcdoc previews included (auto-attach), so:
  requests  every URL any frame asked the network stack for (file:, data: and about: included;
            the caller decides what is allowed)
  console   console errors and warnings, uncaught exceptions, and browser log entries of level
            warning or error (CSP violations and blocked scripts are reported there)
  counts    the text of every `#summary [data-count]` element as rendered (innerText), with
            whether it is visible
  frames    how many iframes the page has, and how many are sandboxed with no permission
  title     document.title after loading
Usage: load_page.py PAGE.html SCREENSHOT.png [WIDTH HEIGHT]
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

EXPRESSION = r"""
(() => {
  const counts = {};
  for (const e of document.querySelectorAll('#summary [data-count]')) {
    const r = e.getBoundingClientRect();
    counts[e.dataset.count] = {text: e.innerText.trim(), visible: r.width > 0 && r.height > 0};
  }
  const frames = [...document.querySelectorAll('iframe')];
  return JSON.stringify({
    counts,
    frames: frames.length,
    sandboxed: frames.filter(f => f.getAttribute('sandbox') === '' ).length,
    title: document.title,
    scripts: document.querySelectorAll('script').length,
  });
})()
"""


class Browser:
    def __init__(self, chromium, width, height):
        # Chromium reads commands from fd 3 and writes replies to fd 4.
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome_r, from_chrome_w)]

        def child():
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.profile = tempfile.mkdtemp(prefix="inboxlint-chromium-")
        args = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions",
            # Nothing may leave the machine even if the page tried: the test proves it did not try.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
            f"--window-size={width},{height}", "about:blank",
        ]
        self.proc = subprocess.Popen(args, preexec_fn=child, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_chrome_r, from_chrome_w, *high):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout):
        """One message, or None after `timeout` seconds of silence."""
        import select
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_chrome], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None, timeout=60):
        want = self.send(method, params, session)
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.read(deadline - time.time())
            if msg is None:
                break
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
        raise RuntimeError(f"{method}: no answer in {timeout}s")

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def watch(browser, session):
    for domain in ("Network.enable", "Runtime.enable", "Log.enable"):
        browser.call(domain, session=session)
    browser.call("Target.setAutoAttach",
                 {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True}, session)


def main():
    page, shot = os.path.abspath(sys.argv[1]), sys.argv[2]
    width = int(sys.argv[3]) if len(sys.argv) > 3 else 1280
    height = int(sys.argv[4]) if len(sys.argv) > 4 else 1600
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print(json.dumps({"skipped": "chromium not found"}))
        return
    b = Browser(chromium, width, height)
    result = {"requests": [], "console": []}
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        b.call("Page.enable", session=session)
        watch(b, session)
        b.call("Page.navigate", {"url": "file://" + page}, session)
        loaded = False
        # Previews are lazy: once the page has loaded, make every frame load now.
        idle_after = None
        deadline = time.time() + 90
        while time.time() < deadline:
            msg = b.events.pop(0) if b.events else b.read(1.5)
            if msg is None:
                if loaded and idle_after is not None:
                    break
                if loaded:
                    b.call("Runtime.evaluate", {"expression":
                        "document.querySelectorAll('iframe').forEach(f => f.loading = 'eager')"}, session)
                    idle_after = time.time()
                continue
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Page.loadEventFired":
                loaded = True
            elif method == "Target.attachedToTarget":
                child = params["sessionId"]
                watch(b, child)
                b.call("Runtime.runIfWaitingForDebugger", session=child)
            elif method == "Network.requestWillBeSent":
                result["requests"].append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                args = [a.get("value", a.get("description", "")) for a in params.get("args", [])]
                result["console"].append("console." + params["type"] + ": " + " ".join(map(str, args)))
            elif method == "Runtime.exceptionThrown":
                result["console"].append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                e = params["entry"]
                result["console"].append(f"log {e['level']} ({e.get('source')}): {e.get('text')} {e.get('url', '')}")
        if not loaded:
            raise RuntimeError("the page did not finish loading")
        value = b.call("Runtime.evaluate", {"expression": EXPRESSION, "returnByValue": True}, session)
        result.update(json.loads(value["result"]["value"]))
        png = b.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png))
    finally:
        b.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

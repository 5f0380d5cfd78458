#!/usr/bin/env python3
"""Checks tools/runtime-emulator.py against a small fake Lambda runtime (this file, run with --fake):
echo, error answers, an init error, a child that exits early, chunked and 600 KB bodies, Connection:
close, the timeout, and the CPU and memory figures. Takes a few seconds; standard library only.

    python3 tools/test-runtime-emulator.py

Prints one line per case and "N passed, N failed"; exits 1 if any case failed.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMULATOR = Path(__file__).resolve().parent / "runtime-emulator.py"


def fake_runtime():
    """A tiny runtime client. FAKE_MODE: echo (default), error (every second event through /error),
    init-error, exit=N (exit 3 after N events), chunked, big (~600 KB answer), close (Connection: close),
    spin (burn 30 ms of CPU per event)."""
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    mode = os.environ.get("FAKE_MODE", "echo")
    base = "/2018-06-01/runtime"
    conn = http.client.HTTPConnection(host, int(port))
    close = {"Connection": "close"} if mode == "close" else {}

    def post(path, body, headers=None):
        nonlocal conn
        headers = {**(headers or {}), **close}
        if mode == "chunked":
            conn.request("POST", path, body=iter([body[:7], body[7:]]), headers=headers, encode_chunked=True)
        else:
            conn.request("POST", path, body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        if close:
            conn.close()
        assert r.status == 202, r.status

    if mode == "init-error":
        post(base + "/init/error", b'{"errorMessage":"boom","errorType":"Runtime.Init"}',
             {"Lambda-Runtime-Function-Error-Type": "Runtime.Init"})
        sys.exit(1)
    n = 0
    while True:
        conn.request("GET", base + "/invocation/next", headers=close)
        r = conn.getresponse()
        event = json.loads(r.read())
        if close:
            conn.close()
        rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
        assert r.getheader("Lambda-Runtime-Deadline-Ms").isdigit()
        n += 1
        if mode == "spin":
            end = time.process_time() + 0.03  # the process's CPU clock, in nanoseconds
            while time.process_time() < end:
                pass
        if mode == "error" and n % 2 == 0:
            post(f"{base}/invocation/{rid}/error", b'{"errorMessage":"nope","errorType":"Handled"}',
                 {"Lambda-Runtime-Function-Error-Type": "Handled"})
        else:
            body = {"echo": event, "n": n}
            if mode == "big":
                body["pad"] = "x" * 600_000
            post(f"{base}/invocation/{rid}/response", json.dumps(body).encode())
        if mode.startswith("exit=") and n >= int(mode[5:]):
            sys.exit(3)


def run(mode, *opts, events=2, command=None):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(events):
            paths.append(Path(tmp) / f"e{i}.json")
            paths[-1].write_text(json.dumps({"i": i}))
        cmd = [sys.executable, str(EMULATOR), "--env", f"FAKE_MODE={mode}", *opts, *map(str, paths),
               "--", *(command or [sys.executable, str(Path(__file__).resolve()), "--fake"])]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None


def statuses(r):
    return [i["status"] for i in r["invocations"]]


def echo_ok(rc, r):
    return (rc == 0 and r["answered"] == r["expected"] == 4
            and [i["body"]["echo"]["i"] for i in r["invocations"]] == [0, 1, 0, 1]
            and len({i["request_id"] for i in r["invocations"]}) == 4 and r["init_ms"] > 0
            and r["cpu_ms"] >= r["cpu_ms_after_init"] > 0 and r["peak_rss_kb"] > 0
            and r["first_answer_ms"] > r["init_ms"] and r["first_answer_cpu_ms"] >= r["cpu_ms_after_init"])


def spin_ok(rc, r):
    # Three events of 30 ms CPU each: the per-answer CPU figures (schedstat, ns) must see each of them.
    cpu = [i["cpu_ms"] for i in r["invocations"]]
    return (rc == 0 and r["answered"] == 3 and all(b - a >= 29 for a, b in zip([r["cpu_ms_after_init"]] + cpu, cpu))
            and r["cpu_ms"] >= cpu[-1])


# name, run() arguments, check(exit code, report)
CASES = [
    ("echo, repeated, bodies and ids", (("echo", "--repeat", "2"), {}), echo_ok),
    ("CPU per answer", (("spin",), {"events": 3}), spin_ok),
    ("error responses", (("error",), {}), lambda rc, r: rc == 1 and statuses(r) == ["response", "error"]
        and r["invocations"][1]["error_type"] == "Handled"),
    ("init error", (("init-error",), {}), lambda rc, r: rc == 1 and r["exit_code"] == 1
        and r["init_error"]["error_type"] == "Runtime.Init" and r["invocations"] == []),
    ("child exits early", (("exit=1",), {}), lambda rc, r: rc == 1 and r["exit_code"] == 3
        and r["answered"] == 1 and r["stopped_because"] == "child_exited"),
    ("chunked bodies", (("chunked",), {}), lambda rc, r: rc == 0 and r["answered"] == 2),
    ("Connection: close", (("close",), {}), lambda rc, r: rc == 0 and r["answered"] == 2),
    ("600 KB body, --no-bodies", (("big", "--no-bodies"), {"events": 1}),
        lambda rc, r: rc == 0 and "body" not in r["invocations"][0]),
    ("timeout", (("echo", "--timeout", "0.5"), {"events": 1, "command": ["sleep", "5"]}),
        lambda rc, r: rc == 1 and r["stopped_because"] == "timeout" and r["signal"] == 15),
]


def main():
    passed = failed = 0
    for name, (args, kwargs), check in CASES:
        try:
            ok = bool(check(*run(*args, **kwargs)))
        except Exception as e:  # noqa: BLE001 - report any crash as a failure
            ok, name = False, f"{name} ({e!r})"
        print(("ok   " if ok else "FAIL ") + name, flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--fake"]:
        fake_runtime()
    else:
        sys.exit(main())

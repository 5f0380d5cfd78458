#!/usr/bin/env python3
"""Checks tools/runtime-emulator.py against bench/tools/fake-runtime.py (a few seconds)."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "tools" / "runtime-emulator.py"
FAKE = ROOT / "bench" / "tools" / "fake-runtime.py"


def run(mode, *opts, events=2, command=None):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(events):
            paths.append(Path(tmp) / f"e{i}.json")
            paths[-1].write_text(json.dumps({"i": i}))
        cmd = [sys.executable, str(EMULATOR), "--env", f"FAKE_MODE={mode}", *opts, *map(str, paths),
               "--", *(command or [sys.executable, str(FAKE)])]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None


def statuses(r):
    return [i["status"] for i in r["invocations"]]


def echo_ok(rc, r):
    return (rc == 0 and r["answered"] == r["expected"] == 4
            and [i["body"]["echo"]["i"] for i in r["invocations"]] == [0, 1, 0, 1]
            and len({i["request_id"] for i in r["invocations"]}) == 4 and r["init_ms"] > 0
            and r["cpu_ms"] >= r["cpu_ms_after_init"] > 0 and r["peak_rss_kb"] > 0)


# name, run() arguments, check(exit code, report)
CASES = [
    ("echo, repeated, bodies and ids", (("echo", "--repeat", "2"), {}), echo_ok),
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

passed = failed = 0
for name, (args, kwargs), check in CASES:
    try:
        ok = bool(check(*run(*args, **kwargs)))
    except Exception as e:  # noqa: BLE001 - report any crash as a failure
        ok, name = False, f"{name} ({e!r})"
    print(("ok   " if ok else "FAIL ") + name)
    passed, failed = passed + ok, failed + (not ok)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

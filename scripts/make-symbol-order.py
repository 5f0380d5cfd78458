#!/usr/bin/env python3
"""Writes one symbol ordering file per Lambda executable (lld's --symbol-ordering-file), OUT_DIR/<name>.txt:
the functions that executable runs at start-up first, then those its invocations run, so that its code sits
together in a few pages instead of being spread over a 6 to 12 MB .text. One file per executable, not one for
all four: in a shared file define's start-up code lay among create's (OpenSSL's among it), 2 MB apart.

    scripts/make-symbol-order.py BIN_DIR OUT_DIR

BIN_DIR holds the unstripped release executables define-auth-challenge, create-auth-challenge,
verify-auth-challenge and pre-sign-up (build.sh's first link). Each runs under valgrind's callgrind, which lists
every function it executes:
  - start-up: against a Runtime API that accepts and never answers, stopped at its first GET /next
    (define, verify, verify marking with AWS, pre-sign-up, create with console delivery, create with AWS
    delivery);
  - invocations: under local-lambda ($LOCAL_LAMBDA, else .build/release/local-lambda) with the events/ of its trigger; create also with
    AWS delivery, sending an SMS and an email to bench/tools/https-endpoint.py over HTTPS (its own
    certificate, canned answers), and a retry.
Names the executables do not define (glibc's) are left out. Why it matters: the kernel maps a file's
pages 64 KB around each page a process touches, so scattered code costs resident memory and page
faults on every cold start; see bench/README.md. Needs valgrind, python3 and openssl.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
LOCAL_LAMBDA = Path(os.environ.get("LOCAL_LAMBDA") or ROOT / ".build" / "release" / "local-lambda")
ENDPOINT = ROOT / "bench" / "tools" / "https-endpoint.py"
FN = re.compile(r"^c?fn=\(\d+\) (.+)$")


def callgrind(out):
    return ["valgrind", "--tool=callgrind", "--quiet", "--demangle=no", "--dump-instr=no",
            f"--callgrind-out-file={out}"]


def functions(path):
    """Function names in a callgrind output file, in the order callgrind first names them."""
    names = []
    for line in open(path, errors="replace"):
        m = FN.match(line.rstrip("\n"))
        if m and not m.group(1).startswith("0x") and "'" not in m.group(1):
            names.append(m.group(1))
    return names


def start_up(exe, env, out):
    """Runs exe under callgrind until its first GET /next, then stops it (callgrind writes its file)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    env = {**os.environ, **env, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % listener.getsockname()[1]}
    proc = subprocess.Popen(callgrind(out) + [str(exe)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    listener.settimeout(120)
    conn, _ = listener.accept()
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += conn.recv(4096)
    proc.send_signal(signal.SIGTERM)
    proc.wait(120)
    conn.close()
    listener.close()


def invocations(exe, env, events, out):
    cmd = [str(LOCAL_LAMBDA), "--no-bodies", "--timeout", "300"]
    for k, v in env.items():
        cmd += ["--env", f"{k}={v}"]
    cmd += [str(e) for e in events] + ["--", *callgrind(out), str(exe)]
    report = json.loads(subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout)
    if report["answered"] != report["expected"]:
        raise SystemExit(f"make-symbol-order: {exe.name} answered {report['answered']} of {report['expected']} events")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    bin_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        endpoint = subprocess.Popen([sys.executable, str(ENDPOINT), "--dir", tmp], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        try:
            info = json.loads(endpoint.stdout.readline())
            aws = {"OTP_DELIVERY": "aws", "AWS_ENDPOINT_URL": f"https://127.0.0.1:{info['port']}",
                   "SSL_CERT_FILE": info["certificate"], "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                   "AWS_SECRET_ACCESS_KEY": "example", "EMAIL_FROM": "no-reply@example.com",
                   "HASH_KEY": "symbol order key, not secret"}
            console = {"OTP_DELIVERY": "console", "HASH_KEY": "symbol order key, not secret"}
            # The same paths on every run, so the same build gives the same zip: Swift seeds its hashing
            # per process otherwise, and the code a dictionary runs depends on the seed.
            os.environ["SWIFT_DETERMINISTIC_HASHING"] = "1"
            runs = [  # (executable, environment, events)
                ("define-auth-challenge", {}, sorted(EVENTS.glob("define-*.json"))),
                ("verify-auth-challenge", {}, sorted(EVENTS.glob("verify-*.json"))),
                ("verify-auth-challenge", {**aws, "OTP_REQUIRE_VERIFIED": "first-sign-in"},
                 [EVENTS / "verify-first-sign-in.json"]),
                ("pre-sign-up", {}, sorted(EVENTS.glob("pre-sign-up-*.json"))),
                ("create-auth-challenge", console, sorted(EVENTS.glob("create-*.json"))),
                ("create-auth-challenge", aws, [EVENTS / n for n in ("create-sms-first-round.json",
                                                                     "create-retry-after-wrong-code.json",
                                                                     "create-email-first-round.json")]),
            ]
            runs_of = {}  # executable -> (functions run at start-up, functions run by invocations)
            for i, (name, env, events) in enumerate(runs):
                exe = bin_dir / name
                first, then = runs_of.setdefault(name, ([], []))
                start_up(exe, env, f"{tmp}/start-{i}.out")
                first += functions(f"{tmp}/start-{i}.out")
                invocations(exe, env, events, f"{tmp}/run-{i}.out")
                then += functions(f"{tmp}/run-{i}.out")
        finally:
            endpoint.stdin.close()
            endpoint.wait(10)
    out.mkdir(parents=True, exist_ok=True)
    for name, (first, then) in runs_of.items():
        nm = subprocess.run(["nm", "--defined-only", str(bin_dir / name)], capture_output=True, text=True).stdout
        defined = {line.split()[2] for line in nm.splitlines() if len(line.split()) == 3}
        # Each group sorted by name: callgrind's own order varies from run to run, the sets do not.
        start = sorted(set(first) & defined)
        order = start + sorted((set(then) & defined) - set(start))
        (out / f"{name}.txt").write_text("".join(f"{symbol}\n" for symbol in order))
        print(f"{name}: {len(order)} functions ({len(start)} run at start-up) -> {out / name}.txt")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A tiny Lambda runtime for LocalLambda's tests. FAKE_MODE: echo (default), error (every second event through /error),
init-error, exit=N (exit 3 after N events), chunked (bodies posted chunked), big (~600 KB answer), close (Connection:
close), spin (burn 30 ms of CPU per event), sleep (never answers), drop-next (hangs up its first GET /next, then polls
as usual). Standard library only."""
import http.client
import json
import os
import socket
import sys
import time

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
mode = os.environ.get("FAKE_MODE", "echo")
base = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(host, int(port))
close = {"Connection": "close"} if mode == "close" else {}


def post(path, body, headers=None):
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
if mode == "drop-next":
    dropped = socket.create_connection((host, int(port)))
    dropped.sendall(f"GET {base}/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    dropped.close()
    time.sleep(0.6)
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
    if mode == "sleep":
        time.sleep(60)
    if mode == "spin":
        end = time.process_time() + 0.03
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

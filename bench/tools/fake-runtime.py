#!/usr/bin/env python3
"""A tiny Lambda runtime client used to exercise tools/runtime-emulator.py.

FAKE_MODE (environment) picks the behaviour:
  echo        answer every event with {"echo": event}            (default)
  error       answer every second event through /error
  init-error  post /init/error and exit 1
  exit=N      exit 3 after answering N events
  chunked     send responses with Transfer-Encoding: chunked
  big         send a ~600 KB response body
  close       send "Connection: close" on every request (new connection each time)
"""
import http.client
import json
import os
import sys

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
mode = os.environ.get("FAKE_MODE", "echo")
base = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(host, int(port))
close = {"Connection": "close"} if mode == "close" else {}


def post(path, body, headers=None):
    global conn
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

print("fake runtime ready", flush=True)   # goes to the emulator's stderr
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

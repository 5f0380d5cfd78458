#!/usr/bin/env python3
"""A trigger that fails in each way a Lambda function can, one way per invocation, counting invocations in the file
named by its argument (so the count survives a new process):
1. reports an error; 2. answers after 6 s, past Cognito's 5 s; 3. exits with status 3; 4 and later: answers at once
with the event unchanged. Standard library only."""

import json
import os
import sys
import time
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
COUNTER = sys.argv[1]


def post(path, body):
    urllib.request.urlopen(urllib.request.Request(API + path, data=json.dumps(body).encode(), method="POST")).read()


while True:
    with urllib.request.urlopen(API + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    count = int(open(COUNTER).read() or 0) + 1 if os.path.exists(COUNTER) else 1
    open(COUNTER, "w").write(str(count))
    if count == 1:
        post(request_id + "/error", {"errorType": "Boom", "errorMessage": "boom"})
        continue
    if count == 2:
        time.sleep(6)
    if count == 3:
        sys.exit(3)
    post(request_id + "/response", event)

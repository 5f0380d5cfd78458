#!/usr/bin/env python3
"""A trigger that fails as Lambda functions fail: its first invocation reports an error, its second answers after
6 s (past Cognito's 5 s), and later ones answer at once with the event unchanged. Standard library only."""

import json
import os
import time
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"


def post(path, body):
    request = urllib.request.Request(API + path, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(request).read()


count = 0
while True:
    with urllib.request.urlopen(API + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    count += 1
    if count == 1:
        post(request_id + "/error", {"errorType": "Boom", "errorMessage": "boom"})
        continue
    if count == 2:
        time.sleep(6)
    post(request_id + "/response", event)

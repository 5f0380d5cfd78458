"""Whole warm sign-ins through passwordless-endpoint with boto3, and what each part costs.

    endpoint-signin.py --endpoint BIN --functions DIR --work DIR [--sign-ins N] [--warm-up N]

Starts the endpoint (port 0, state and outbox under --work) in front of the functions in DIR, makes one account per
sign-in (AdminCreateUser, a verified phone number: each sign-in is a different user, as in production, so no
per-user limit is reached), signs --warm-up of them in, then measures --sign-ins more: InitiateAuth (CUSTOM_AUTH),
the code from the outbox, RespondToAuthChallenge. Then --at-once sign-ins start together from as many clients. CPU comes from /proc/<pid>/task/*/schedstat (the scheduler's
nanoseconds on CPU, every thread): the endpoint's own process, and separately its trigger processes. Prints one
JSON object. Needs boto3: run it with the bench venv's python.
"""
import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import threading
import time

import boto3

POOL, CLIENT = "us-east-1_LocalPool", "passwordlesslocalclient"


def cpu_ns(pid):
    """Nanoseconds on CPU of every thread of pid (0 once it is gone)."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            total += int(open(path).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def stat_cpu_ns(pid):
    """utime + stime of /proc/<pid>/stat in ns: only clock-tick wide, but it keeps the CPU of threads that ended,
    which the schedstat sum loses; and the kernel's part of it."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    tick = 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) * tick, int(fields[12]) * tick


def thread_ids(pid):
    return set(os.listdir(f"/proc/{pid}/task"))


def children(pid):
    found = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        found += [int(p) for p in open(path).read().split()]
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--functions", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--sign-ins", type=int, default=200)
    ap.add_argument("--warm-up", type=int, default=20)
    ap.add_argument("--at-once", type=int, default=50)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    outbox = os.path.join(args.work, "outbox.jsonl")
    env = {"PATH": "/usr/bin:/bin", "HOME": args.work}
    log = open(os.path.join(args.work, "endpoint.log"), "w")
    endpoint = subprocess.Popen([args.endpoint, "--port", "0", "--state", os.path.join(args.work, "state"),
                                 "--outbox", outbox, "--functions", args.functions],
                                env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        match = re.search(r"on (http://\S+)", endpoint.stdout.readline())
        if not match:
            raise SystemExit("the endpoint did not start; see endpoint.log")
        idp = boto3.client("cognito-idp", endpoint_url=match.group(1), region_name="us-east-1",
                           aws_access_key_id="bench", aws_secret_access_key="bench")
        users = [f"+1555557{i:04d}" for i in range(args.warm_up + args.sign_ins + args.at_once)]
        for user in users:
            idp.admin_create_user(UserPoolId=POOL, Username=user, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}])
            # As an administrator must (docs/deploy.md): out of FORCE_CHANGE_PASSWORD, or the sign-in ends in
            # NEW_PASSWORD_REQUIRED instead of tokens.
            idp.admin_set_user_password(UserPoolId=POOL, Username=user, Password="Bench-" + os.urandom(8).hex() + "!1",
                                        Permanent=True)
        read_at = [0]

        lock = threading.Lock()
        sent = {}

        def code_for(user):
            # The endpoint answers once the message is in the outbox; read only what is new.
            with lock:
                with open(outbox) as f:
                    f.seek(read_at[0])
                    text = f.read()
                    read_at[0] = f.tell()
                for line in text.splitlines():
                    message = json.loads(line)
                    sent[message["destination"]] = re.search(r"\d{6}", message["message"]).group(0)
                if user not in sent:
                    raise SystemExit(f"no code for {user}")
                return sent[user]

        def sign_in(user, initiate, respond, client=idp):
            began = time.perf_counter()
            first = client.initiate_auth(ClientId=CLIENT, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": user})
            initiate.append(time.perf_counter() - began)
            code = code_for(user)
            began = time.perf_counter()
            result = client.respond_to_auth_challenge(
                ClientId=CLIENT, ChallengeName="CUSTOM_CHALLENGE", Session=first["Session"],
                ChallengeResponses={"USERNAME": first["ChallengeParameters"]["USERNAME"], "ANSWER": code})
            respond.append(time.perf_counter() - began)
            if "AuthenticationResult" not in result:
                raise SystemExit(f"{user} got no tokens")

        for user in users[:args.warm_up]:
            sign_in(user, [], [])
        triggers = children(endpoint.pid)
        endpoint_before, triggers_before = cpu_ns(endpoint.pid), {pid: cpu_ns(pid) for pid in triggers}
        stat_before, threads_before = stat_cpu_ns(endpoint.pid), thread_ids(endpoint.pid)
        client_before, wall_before = time.process_time(), time.perf_counter()
        initiate, respond = [], []
        for user in users[args.warm_up:args.warm_up + args.sign_ins]:
            sign_in(user, initiate, respond)
        wall = time.perf_counter() - wall_before
        client = time.process_time() - client_before
        endpoint_ns = cpu_ns(endpoint.pid) - endpoint_before
        stat_after = stat_cpu_ns(endpoint.pid)
        threads_ended = len(threads_before - thread_ids(endpoint.pid))
        triggers_ns = sum(cpu_ns(pid) - before for pid, before in triggers_before.items())
        if sorted(children(endpoint.pid)) != sorted(triggers):
            raise SystemExit("a trigger process was replaced during the run: its CPU would be missed")
        together, failures = [], []
        clients = [boto3.client("cognito-idp", endpoint_url=match.group(1), region_name="us-east-1",
                                aws_access_key_id="bench", aws_secret_access_key="bench") for _ in range(args.at_once)]

        def one(index):
            began = time.perf_counter()
            try:
                sign_in(users[args.warm_up + args.sign_ins + index], [], [], clients[index])
                together.append(time.perf_counter() - began)
            except BaseException as error:  # reported below
                failures.append(repr(error))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.at_once)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        at_once_wall = time.perf_counter() - began
        if failures:
            raise SystemExit(f"{len(failures)} of {args.at_once} sign-ins at once failed: {failures[0]}")
        calls = 2 * args.sign_ins
        p = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1] * 1e3
        print(json.dumps({
            "sign_ins": args.sign_ins, "calls": calls, "trigger_processes": len(triggers),
            "endpoint_cpu_us_per_call": endpoint_ns / calls / 1e3,
            "triggers_cpu_us_per_call": triggers_ns / calls / 1e3,
            # The cross-check: the same CPU from /proc/<pid>/stat, ± one tick per reading.
            "endpoint_stat_us_per_call": (stat_after[0] - stat_before[0]) / calls / 1e3,
            "endpoint_stat_tick_us_per_call": 2 * 1e6 / os.sysconf("SC_CLK_TCK") / calls,
            "endpoint_kernel_share": (stat_after[1] - stat_before[1]) / max(1, stat_after[0] - stat_before[0]),
            "endpoint_threads_ended": threads_ended,
            "client_cpu_us_per_call": client / calls * 1e6,
            "wall_ms_per_sign_in": wall / args.sign_ins * 1e3,
            "initiate_ms": {"p50": p(initiate, 50), "p90": p(initiate, 90), "p99": p(initiate, 99)},
            "respond_ms": {"p50": p(respond, 50), "p90": p(respond, 90), "p99": p(respond, 99)},
            "at_once": args.at_once, "at_once_wall_ms": at_once_wall * 1e3,
            "at_once_sign_in_ms": {"p50": statistics.median(together) * 1e3 if together else 0,
                                   "max": max(together, default=0) * 1e3},
        }))
    finally:
        endpoint.terminate()
        try:
            endpoint.wait(10)
        except subprocess.TimeoutExpired:
            endpoint.kill()


if __name__ == "__main__":
    main()

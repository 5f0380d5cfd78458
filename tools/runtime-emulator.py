#!/usr/bin/env python3
"""A local emulator of the AWS Lambda Runtime API (version 2018-06-01).

    runtime-emulator.py [--repeat N] [--deadline-ms MS] [--timeout S]
                        [--bodies|--no-bodies] [--env K=V ...]
                        EVENT.json [EVENT.json ...] -- COMMAND [ARGS...]

Starts COMMAND with AWS_LAMBDA_RUNTIME_API pointing at a server on 127.0.0.1,
serves the events in order (the whole list --repeat times), records every
/response, /error and /init/error, then stops COMMAND (SIGTERM, then SIGKILL) once
all events are answered, after an init error, when it exits, or after --timeout.
The child's stdout and stderr go to our stderr; stdout gets one JSON document:

  init_ms            exec to the first GET /next (null if it never came)
  init_error         {"error_type", "body"} posted to /init/error, or null
  invocations        [{"request_id", "event", "status": "response"|"error"|null,
                       "error_type", "duration_ms", "cpu_ms" (CPU of the process when the
                       answer arrived), "body" (unless --no-bodies)}]
  cpu_ms             user+system CPU of the process (all threads) just before stopping it
  cpu_ms_after_init  the same at the first GET /next; rss_kb_after_init: VmRSS then
  first_answer_ms    exec to the first /response or /error (init plus the first invocation)
  first_answer_cpu_ms  CPU of the process then
  peak_rss_kb        VmHWM just before stopping it
  exit_code, signal  how it ended; stopped_because: all_answered, init_error,
                     child_exited or timeout
  answered, expected

Exit status: 0 when every event got a /response and there was no init error,
1 otherwise, 2 on a usage error.

CPU time is the sum over the child's threads of /proc/<pid>/task/*/schedstat (the
scheduler's nanoseconds on a CPU), not clock ticks, which are 10 ms wide; once the
child has been reaped, its rusage (microseconds, all threads).

Standard library only; one thread, one selector loop; the child is watched
through a pidfd, so its CPU and memory can still be read when it exits.
"""

import argparse
import json
import os
import selectors
import signal
import socket
import sys
import time
import uuid

API = "/2018-06-01/runtime"
NEXT = API + "/invocation/next"
INVOCATION = API + "/invocation/"
INIT_ERROR = API + "/init/error"
ERROR_TYPE = "lambda-runtime-function-error-type"
MAX_HEAD = 64 * 1024
REASONS = {100: "Continue", 200: "OK", 202: "Accepted", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large"}


def now_ns():
    return time.perf_counter_ns()


class Child:
    """COMMAND, spawned in its own session; CPU from the kernel's process clock."""

    def __init__(self, argv, env):
        devnull = os.open(os.devnull, os.O_RDONLY)
        self.started_ns = now_ns()
        try:
            self.pid = os.posix_spawnp(argv[0], argv, env, setsid=True, file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, 2, 1)])
        finally:
            os.close(devnull)
        # Linux encoding of clock_getcpuclockid(pid): CPUCLOCK_SCHED of the whole
        # thread group, nanosecond precision; the fallback when /proc is not readable.
        self.clock = ((~self.pid) << 3) | 2
        self.task_dir = f"/proc/{self.pid}/task"
        self.pidfd = os.pidfd_open(self.pid) if hasattr(os, "pidfd_open") else None
        self.status = None      # raw wait status once reaped
        self.rusage = None

    def cpu_ms(self):
        if self.rusage is not None:
            return (self.rusage.ru_utime + self.rusage.ru_stime) * 1000.0
        try:  # nanoseconds on a CPU, per thread (the first field of schedstat)
            total = 0
            for task in os.listdir(self.task_dir):
                try:
                    with open(f"{self.task_dir}/{task}/schedstat") as f:
                        total += int(f.read().split()[0])
                except (FileNotFoundError, ProcessLookupError):
                    pass  # a thread that just ended
            if total:
                return total / 1e6
        except (OSError, ValueError, IndexError):
            pass
        try:
            return time.clock_gettime_ns(self.clock) / 1e6
        except OSError:
            try:  # fall back to /proc, in clock ticks
                with open(f"/proc/{self.pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                return None

    def proc_status_kb(self, key):
        if self.rusage is not None:
            return self.rusage.ru_maxrss if key == "VmHWM" else None
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return None

    def poll(self):
        if self.status is None:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = status, rusage
        return self.status is not None

    def exited(self):
        """True once the child has ended (zombie or reaped), without reaping it."""
        if self.status is not None:
            return True
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def stop(self, grace=1.0):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.poll():
                break
            for target in (-self.pid, self.pid):  # its process group, then itself
                try:
                    os.kill(target, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            end = time.monotonic() + grace
            while time.monotonic() < end and not self.poll():
                time.sleep(0.005)
        if self.status is None:
            pid, self.status, self.rusage = os.wait4(self.pid, 0)
        if self.pidfd is not None:
            os.close(self.pidfd)

    def exit_code(self):
        if self.status is not None and os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        return None

    def signal(self):
        if self.status is not None and os.WIFSIGNALED(self.status):
            return os.WTERMSIG(self.status)
        return None


class Conn:
    __slots__ = ("sock", "buf", "head", "parked", "close_after")

    def __init__(self, sock):
        self.sock, self.buf, self.head, self.parked, self.close_after = sock, bytearray(), None, False, False


class Request:
    __slots__ = ("method", "path", "headers", "body", "keep_alive")


def parse_head(conn):
    """Parse the request line and headers if complete; returns False if more bytes are needed."""
    end = conn.buf.find(b"\r\n\r\n")
    if end < 0:
        if len(conn.buf) > MAX_HEAD:
            raise ValueError("request head too large")
        return False
    lines = bytes(conn.buf[:end]).decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    del conn.buf[:end + 4]
    req = Request()
    req.method, req.path, req.headers, req.body = method, target.split("?", 1)[0], headers, None
    conn_hdr = headers.get("connection", "").lower()
    req.keep_alive = "close" not in conn_hdr if version == "HTTP/1.1" else "keep-alive" in conn_hdr
    if headers.get("expect", "").lower() == "100-continue":
        conn.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    conn.head = req
    return True


def take_chunked(buf):
    """Decode a complete chunked body from the start of buf: (body, consumed) or None."""
    body, pos = bytearray(), 0
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";", 1)[0].strip() or b"0", 16)
        pos = eol + 2
        if size == 0:  # trailers end with an empty line
            while True:
                eol = buf.find(b"\r\n", pos)
                if eol < 0:
                    return None
                pos, empty = eol + 2, eol == pos
                if empty:
                    return bytes(body), pos
        if len(buf) < pos + size + 2:
            return None
        body += buf[pos:pos + size]
        pos += size + 2


def take_request(conn):
    """The next complete request buffered on conn, or None."""
    if conn.head is None and not parse_head(conn):
        return None
    req = conn.head
    if "chunked" in req.headers.get("transfer-encoding", "").lower():
        got = take_chunked(conn.buf)
        if got is None:
            return None
        req.body, used = got
    else:
        used = int(req.headers.get("content-length") or 0)
        if len(conn.buf) < used:
            return None
        req.body = bytes(conn.buf[:used])
    del conn.buf[:used]
    conn.head = None
    return req


class Emulator:
    def __init__(self, args, events):
        self.args = args
        self.queue = events          # list of (name, bytes), served in order
        self.next_index = 0
        self.invocations = []        # in order served
        self.by_id = {}
        self.answered = 0
        self.init_error = None
        self.init_ns = None
        self.first_answer_ns = None
        self.first_answer_cpu = None
        self.cpu_after_init = None
        self.rss_after_init = None
        self.waiting = []            # connections parked on /next
        self.done_reason = None

    # -- HTTP -------------------------------------------------------------------------
    def send(self, conn, status, body=b"", headers=()):
        head = [f"HTTP/1.1 {status} {REASONS.get(status, '')}",
                "Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers]
        if conn.close_after:
            head.append("Connection: close")
        conn.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def send_error(self, conn, status, error_type, message):
        self.send(conn, status, json.dumps({"errorMessage": message, "errorType": error_type}).encode())

    # -- Runtime API ----------------------------------------------------------------
    def handle(self, conn, req):
        conn.close_after = not req.keep_alive
        path = req.path
        if path == NEXT:
            if req.method != "GET":
                return self.send_error(conn, 405, "MethodNotAllowed", "use GET")
            return self.next_invocation(conn)
        if path == INIT_ERROR:
            if req.method != "POST":
                return self.send_error(conn, 405, "MethodNotAllowed", "use POST")
            self.init_error = {"error_type": req.headers.get(ERROR_TYPE), "body": self.decode(req.body)}
            self.note_answer()
            self.send(conn, 202, b'{"status":"OK"}')
            self.done_reason = self.done_reason or "init_error"
            return None
        if path.startswith(INVOCATION):
            request_id, _, kind = path[len(INVOCATION):].partition("/")
            if kind in ("response", "error"):
                if req.method != "POST":
                    return self.send_error(conn, 405, "MethodNotAllowed", "use POST")
                return self.record(conn, req, request_id, kind)
        return self.send_error(conn, 404, "NotFound", f"no route for {req.method} {path}")

    def next_invocation(self, conn):
        if self.init_ns is None:
            self.init_ns = now_ns()
            self.cpu_after_init = self.child.cpu_ms()
            self.rss_after_init = self.child.proc_status_kb("VmRSS")
        if self.next_index >= len(self.queue):
            conn.parked = True       # nothing left: hold the request, as Lambda would
            self.waiting.append(conn)
            return
        name, event = self.queue[self.next_index]
        self.next_index += 1
        request_id = str(uuid.uuid4())
        deadline = int(time.time() * 1000) + self.args.deadline_ms
        inv = {"request_id": request_id, "event": name, "status": None, "error_type": None,
               "duration_ms": None, "cpu_ms": None, "_sent": now_ns(), "_body": None}
        self.invocations.append(inv)
        self.by_id[request_id] = inv
        trace = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"
        self.send(conn, 200, event, (
            ("Lambda-Runtime-Aws-Request-Id", request_id),
            ("Lambda-Runtime-Deadline-Ms", deadline),
            ("Lambda-Runtime-Invoked-Function-Arn", self.arn),
            ("Lambda-Runtime-Trace-Id", trace)))

    def record(self, conn, req, request_id, kind):
        inv = self.by_id.get(request_id)
        if inv is None:
            return self.send_error(conn, 400, "InvalidRequestID", f"unknown request id {request_id}")
        if inv["status"] is not None:
            return self.send_error(conn, 400, "InvalidStateTransition", f"{request_id} already answered")
        inv["duration_ms"] = (now_ns() - inv["_sent"]) / 1e6
        inv["cpu_ms"] = self.note_answer()
        inv["status"] = kind
        inv["error_type"] = req.headers.get(ERROR_TYPE)
        inv["_body"] = req.body
        self.answered += 1
        self.send(conn, 202, b'{"status":"OK"}')
        if self.answered == len(self.queue):
            self.done_reason = self.done_reason or "all_answered"

    def note_answer(self):
        """The child's CPU now; the first call also marks the end of the cold path."""
        cpu = self.child.cpu_ms()
        if self.first_answer_ns is None:
            self.first_answer_ns, self.first_answer_cpu = now_ns(), cpu
        return cpu

    @staticmethod
    def decode(body):
        text = body.decode("utf-8", "replace")
        try:
            return json.loads(text)
        except ValueError:
            return text

    # -- main loop ------------------------------------------------------------------
    def run(self, argv, env):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        name = env.get("AWS_LAMBDA_FUNCTION_NAME") or os.path.basename(argv[0])
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        defaults = {
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
            "LAMBDA_TASK_ROOT": os.getcwd(), "TZ": ":UTC",
        }
        env = {**defaults, **env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}"}
        self.arn = f"arn:aws:lambda:{region}:123456789012:function:{env['AWS_LAMBDA_FUNCTION_NAME']}"

        sel = selectors.DefaultSelector()
        sel.register(listener, selectors.EVENT_READ, None)
        self.child = child = Child(argv, env)
        if child.pidfd is not None:
            sel.register(child.pidfd, selectors.EVENT_READ, "child")
        deadline = time.monotonic() + self.args.timeout
        idle_grace_end = None    # after the last answer, wait briefly for the next GET /next
        child_gone = False
        try:
            while True:
                if self.done_reason:
                    if self.done_reason != "all_answered" or self.waiting or child_gone:
                        break
                    if idle_grace_end is None:
                        idle_grace_end = time.monotonic() + 0.25
                    elif time.monotonic() >= idle_grace_end:
                        break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.done_reason = "timeout"
                    break
                wait = min(remaining, 0.05 if (child.pidfd is None or idle_grace_end) else 1.0)
                for key, _ in sel.select(wait):
                    if key.data is None:
                        self.accept(sel, listener)
                    elif key.data == "child":
                        sel.unregister(child.pidfd)
                        child_gone = True
                        self.done_reason = self.done_reason or "child_exited"
                    else:
                        self.serve(sel, key.data)
                if child.pidfd is None and not child_gone and child.exited():
                    child_gone = True
                    self.done_reason = self.done_reason or "child_exited"
                if self.done_reason == "init_error":
                    # the runtime is expected to exit after reporting: give it a moment
                    end = time.monotonic() + 0.5
                    while time.monotonic() < end and not child.exited():
                        time.sleep(0.005)
            cpu_total = child.cpu_ms()
            peak = child.proc_status_kb("VmHWM")
        finally:
            child.stop()
            for key in list(sel.get_map().values()):
                if isinstance(key.data, Conn):
                    key.data.sock.close()
            sel.close()
            listener.close()
        if child.rusage is not None and peak is None:
            peak = child.rusage.ru_maxrss
        return self.report(cpu_total, peak)

    def accept(self, sel, listener):
        try:
            sock, _ = listener.accept()
        except BlockingIOError:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(10)
        sel.register(sock, selectors.EVENT_READ, Conn(sock))

    def serve(self, sel, conn):
        try:
            data = conn.sock.recv(262144)
        except (ConnectionError, socket.timeout, OSError):
            data = b""
        if not data:
            return self.drop(sel, conn)
        conn.buf += data
        try:
            while not conn.parked:
                req = take_request(conn)
                if req is None:
                    break
                self.handle(conn, req)
                if conn.close_after and not conn.parked:
                    return self.drop(sel, conn)
        except (ValueError, IndexError) as e:
            conn.close_after = True
            self.send_error(conn, 400, "BadRequest", str(e))
            self.drop(sel, conn)
        except (ConnectionError, socket.timeout, OSError):
            self.drop(sel, conn)

    def drop(self, sel, conn):
        if conn in self.waiting:
            self.waiting.remove(conn)
        sel.unregister(conn.sock)
        conn.sock.close()

    def report(self, cpu_total, peak):
        child = self.child
        invocations = []
        for inv in self.invocations:
            body = inv.pop("_body")
            inv.pop("_sent")
            if self.args.bodies and body is not None:
                inv["body"] = self.decode(body)
            invocations.append(inv)
        ok = (self.init_error is None and len(self.queue) > 0
              and sum(1 for i in invocations if i["status"] == "response") == len(self.queue))
        return ok, {
            "init_ms": None if self.init_ns is None else (self.init_ns - child.started_ns) / 1e6,
            "init_error": self.init_error,
            "invocations": invocations,
            "cpu_ms": cpu_total,
            "cpu_ms_after_init": self.cpu_after_init,
            "rss_kb_after_init": self.rss_after_init,
            "first_answer_ms": None if self.first_answer_ns is None else (self.first_answer_ns - child.started_ns) / 1e6,
            "first_answer_cpu_ms": self.first_answer_cpu,
            "peak_rss_kb": peak,
            "exit_code": child.exit_code(),
            "signal": child.signal(),
            "stopped_because": self.done_reason,
            "answered": self.answered,
            "expected": len(self.queue),
        }


def main(argv):
    split = argv.index("--") if "--" in argv else len(argv)
    command = argv[split + 1:]
    p = argparse.ArgumentParser(prog="runtime-emulator.py",
                                usage="%(prog)s [options] EVENT.json [EVENT.json ...] -- COMMAND [ARGS...]",
                                description="Serve events to a Lambda runtime over the Runtime API 2018-06-01.")
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="serve the whole event list N times")
    p.add_argument("--deadline-ms", type=int, default=5000, metavar="MS", help="Lambda-Runtime-Deadline-Ms = now + MS")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="give up after S seconds")
    p.add_argument("--bodies", action=argparse.BooleanOptionalAction, default=True,
                   help="include each response body in the report")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="extra environment for COMMAND")
    p.add_argument("events", nargs="+", metavar="EVENT.json")
    args = p.parse_args(argv[:split])
    if not command:
        p.error("COMMAND missing: put it after --")
    extra = {}
    for pair in args.env:
        k, sep, v = pair.partition("=")
        if not sep or not k:
            p.error(f"--env wants K=V, got {pair!r}")
        extra[k] = v
    events = []
    for path in args.events:
        try:
            with open(path, "rb") as f:
                events.append((os.path.basename(path), f.read()))
        except OSError as e:
            p.error(f"cannot read {path}: {e.strerror}")
    emulator = Emulator(args, events * max(args.repeat, 0))
    try:
        ok, report = emulator.run(command, {**os.environ, **extra})
    except FileNotFoundError as e:
        print(f"runtime-emulator: cannot start {command[0]}: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""An HTTPS endpoint on 127.0.0.1 for the cold-path benchmark: its own certificate, and every request
relayed to an upstream HTTP server (moto) unchanged, or answered with a canned SNS Publish or SES v2
SendEmail success when there is no upstream.

    https-endpoint.py [--upstream PORT] [--dir DIR]

Writes a new self-signed RSA-2048 certificate for IP 127.0.0.1 (made with the openssl command) to
DIR/cert.pem, then prints one JSON line: {"port": N, "certificate": "DIR/cert.pem"}. That certificate
is the only one a client needs to trust (SSL_CERT_FILE, AWS_CA_BUNDLE). It serves until stdin closes.
GET /__count answers the number of requests relayed so far. Standard library only.
"""
import argparse
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUBLISH_OK = ('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
              '<MessageId>{id}</MessageId></PublishResult><ResponseMetadata><RequestId>{id}</RequestId>'
              '</ResponseMetadata></PublishResponse>')


def make_certificate(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def handler(upstream, counter):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the status line and headers, then the body: no 40 ms delayed-ACK wait

        def log_message(self, *args):
            pass

        def reply(self, status, body, headers):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/__count":
                return self.reply(200, str(counter["n"]).encode(), [("Content-Type", "text/plain")])
            with counter["lock"]:
                counter["n"] += 1
            if upstream:
                # Headers go on unchanged (Host included), so the upstream sees what the client signed.
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=10)
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    conn.putheader(name, value)
                conn.endheaders(body)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                return self.reply(answer.status, data, [(k, v) for k, v in answer.getheaders() if k.lower() not in (
                    "content-length", "connection", "transfer-encoding")])
            if self.path.startswith("/v2/"):
                return self.reply(200, json.dumps({"MessageId": str(uuid.uuid4())}).encode(),
                                  [("Content-Type", "application/json")])
            return self.reply(200, PUBLISH_OK.format(id=uuid.uuid4()).encode(), [("Content-Type", "text/xml")])

        do_GET = do_POST = handle_any

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", type=int, help="relay to http://127.0.0.1:PORT (moto) instead of canned answers")
    ap.add_argument("--dir", help="where to write cert.pem and key.pem (default: a new temporary folder)")
    args = ap.parse_args()
    directory = args.dir or tempfile.mkdtemp(prefix="bench-https-")
    os.makedirs(directory, exist_ok=True)
    cert, key = make_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(args.upstream, {"n": 0, "lock": threading.Lock()}))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_address[1], "certificate": cert}), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()

"""Loopback HTTP(S) peer for the Curl and KubeClient tests.

Usage: httpserver.py [--cert CERT --key KEY [--client-ca CA]]
Prints "ready <port>" once listening on 127.0.0.1:<ephemeral>, then serves until stdin closes.

Endpoints:
  /echo            JSON {method, path, headers: [[name, value]...], body, peer_cn, client_port}
  /status/<code>   that status, body = the request body (or "status <code>"), header Retry-After if ?retry-after=N
  /stream/<n>      chunked: n JSON lines {"i": k}, the first sent at once, the rest after /release
  /hold            headers and nothing else until /release; then ends
  /release         sets the release event
  /big/<n>         n bytes of "x"
  /count           how many requests this server has seen (including this one)
  /flaky/<key>/<n>/<code>  the first n requests per key answer <code> (Retry-After: 0, a Status body), then 200
  /auth/<token>    200 when "Authorization: Bearer <token>" was sent, else 401 with a Status body
"""
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

release = threading.Event()
lock = threading.Lock()
seen = [0]
flaky = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, code, payload, ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        with lock:
            seen[0] += 1
        body = self.body()
        target = self.path
        if target.startswith("http://"):
            # Absolute form: the request came through us as a proxy.
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        path, _, query = target.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if path == "/echo":
            peer = None
            if isinstance(self.connection, ssl.SSLSocket):
                cert = self.connection.getpeercert()
                if cert:
                    peer = dict(x[0] for x in cert["subject"]).get("commonName")
            payload = json.dumps({
                "method": self.command, "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"), "peer_cn": peer,
                "client_port": self.client_address[1],
            }).encode()
            self.send(200, payload)
        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            extra = [("Retry-After", params["retry-after"])] if "retry-after" in params else []
            self.send(code, body or ("status %d" % code).encode(), extra=extra)
        elif path.startswith("/stream/"):
            n = int(path.split("/")[2])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            for i in range(n):
                if i == 1:
                    release.wait(30)
                self.chunk(b'{"i": %d}\n' % i)
            self.chunk(b"")
        elif path == "/hold":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            release.wait(30)
            self.chunk(b"")
        elif path == "/release":
            release.set()
            self.send(200, b"released")
        elif path.startswith("/big/"):
            self.send(200, b"x" * int(path.split("/")[2]), ctype="text/plain")
        elif path.startswith("/flaky/"):
            _, _, key, n, code = path.split("/")
            with lock:
                flaky[key] = flaky.get(key, 0) + 1
                count = flaky[key]
            if count <= int(n):
                status = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                     "message": "try again", "reason": "", "code": int(code)}).encode()
                self.send(int(code), status, extra=[("Retry-After", "0")])
            else:
                self.send(200, json.dumps({"attempts": count}).encode())
        elif path.startswith("/auth/"):
            if self.headers.get("Authorization") == "Bearer " + path.split("/")[2]:
                self.send(200, b'{"ok": true}')
            else:
                self.send(401, b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}')
        elif path == "/count":
            self.send(200, str(seen[0]).encode(), ctype="text/plain")
        else:
            self.send(404, b'{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def main():
    args = sys.argv[1:]
    opts = dict(zip(args[::2], args[1::2]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if "--cert" in opts:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(opts["--cert"], opts["--key"])
        if "--client-ca" in opts:
            context.load_verify_locations(opts["--client-ca"])
            context.verify_mode = ssl.CERT_OPTIONAL
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


main()

"""An HTTP/2 peer over TLS (ALPN h2) for the libcurl transport tests: hypercorn serving a tiny ASGI app.

Answers every request with "<http_version> <method> <path> <body length>". Prints `ready <port>` once it
listens on an ephemeral loopback port; exits when standard input closes.
"""
import argparse
import asyncio
import socket
import sys

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = f'{scope["http_version"]} {scope["method"]} {scope["path"]} {size}'.encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = Config()
    config.bind = [f"fd://{sock.fileno()}"]
    config.certfile = args.cert
    config.keyfile = args.key
    config.alpn_protocols = ["h2", "http/1.1"]
    # Idle connections stay open: a loaded test machine can pause longer than hypercorn's 5 s default
    # between two requests, and a server closing a connection the client is about to reuse is a race
    # this test is not about.
    config.keep_alive_timeout = 300
    config.accesslog = None
    config.errorlog = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(1) else None)
    print(f"ready {sock.getsockname()[1]}", flush=True)
    await serve(app, config, shutdown_trigger=stop.wait)


asyncio.run(main())

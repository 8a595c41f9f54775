#!/usr/bin/env python3
"""Tiny benchmark server for yap: an OpenAI-compatible /chat/completions stub.

Usage: python3 sse_server.py N [PORT]

  N     number of content chunks in the SSE stream (each delta is "tok ")
  PORT  port to bind on 127.0.0.1 (default 0 = pick a free one)

On startup it prints "PORT <port> BYTES <sse body length>" on one line and flushes.

Any POST (any path) is answered with:
  * a JSON chat.completion (Content-Type: application/json) when the request body's
    "stream" field is false (or the body contains "stream":false);
  * otherwise the pre-built SSE stream (Content-Type: text/event-stream),
    close-delimited: no Content-Length, Connection: close.

Both bodies are built once at startup and sent with sendall, so the server is never
the bottleneck. Threaded, so concurrent clients do not block each other.
Standard library only (Python 3.11).
"""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def build_sse(n: int) -> bytes:
    role = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
            b'"choices":[{"index":0,"delta":{"role":"assistant","content":""},'
            b'"finish_reason":null}]}\n\n')
    tok = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
           b'"choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}\n\n')
    stop = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
            b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
    done = b"data: [DONE]\n\n"
    return b"".join((role, tok * n, stop, done))


JSON_BODY = (b'{"id":"c","object":"chat.completion","created":1,"model":"m",'
             b'"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},'
             b'"finish_reason":"stop"}]}')

SSE_HEAD = (b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: text/event-stream\r\n"
            b"Cache-Control: no-cache\r\n"
            b"Connection: close\r\n\r\n")
JSON_HEAD = (b"HTTP/1.1 200 OK\r\n"
             b"Content-Type: application/json\r\n"
             b"Content-Length: " + str(len(JSON_BODY)).encode() + b"\r\n"
             b"Connection: close\r\n\r\n")

SSE_BODY = b""


def wants_json(body: bytes) -> bool:
    try:
        doc = json.loads(body)
        if isinstance(doc, dict) and doc.get("stream") is False:
            return True
    except ValueError:
        pass
    return b'"stream":false' in body.replace(b" ", b"")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        self.close_connection = True
        try:
            if wants_json(body):
                self.wfile.write(JSON_HEAD + JSON_BODY)
            else:
                # Headers and body in separate sendall calls; the body is shared bytes.
                self.connection.sendall(SSE_HEAD)
                self.connection.sendall(SSE_BODY)
            self.connection.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        self.close_connection = True
        self.send_response(405)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def main():
    global SSE_BODY
    if len(sys.argv) < 2:
        sys.exit("usage: sse_server.py N [PORT]")
    n = int(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    SSE_BODY = build_sse(n)
    srv = Server(("127.0.0.1", port), Handler)
    print(f"PORT {srv.server_address[1]} BYTES {len(SSE_BODY)}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()

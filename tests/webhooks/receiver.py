"""A webhook receiver the test starts on 127.0.0.1: it records every request, answers with
the statuses it is given in turn, may hang, and dedups by `webhook-id` as receivers should."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses=(200,), delay: float = 0.0, redirect_to: str = ""):
        self.statuses = list(statuses)
        self.delay = delay
        self.redirect_to = redirect_to
        self.requests: list[dict] = []
        self.processed: dict[str, bytes] = {}  # by webhook-id: each message handled once
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body,
                     "at": time.monotonic()}
                )  # fmt: skip
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                if 200 <= status < 300:
                    receiver.processed.setdefault(self.headers["webhook-id"], body)
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        # Polled every 20 ms for shutdown, not serve_forever's default half second: each
        # test's shutdown waits out one poll, and twenty tests start a receiver.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

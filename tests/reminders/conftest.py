"""Real parts for the reminder tests: an SMTP server (aiosmtpd), an HTTP
endpoint standing in for ntfy and for a browser's push service, and a
browser's Web Push keys."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it answers
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    body: bytes


@dataclass
class Endpoint:
    url: str
    received: list[Received]
    status: list[int]  # what to answer, one per request; 200 when empty


@pytest.fixture
def http_endpoint():
    received: list[Received] = []
    status: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append(
                Received(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
            )
            code = status.pop(0) if status else 200
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll, so that stopping the server takes no half second a test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield Endpoint(f"http://127.0.0.1:{server.server_port}", received, status)
    server.shutdown()
    server.server_close()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class BrowserKeys:
    """What a browser keeps for a push subscription: its key pair and secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        return b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        )

    def decrypt(self, body: bytes) -> dict:
        import http_ece

        return json.loads(
            http_ece.decrypt(
                body,
                private_key=self.private_key,
                auth_secret=self.auth,
                version="aes128gcm",
            )  # fmt: skip
        )


@pytest.fixture
def browser_keys() -> BrowserKeys:
    return BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

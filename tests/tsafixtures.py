"""A Time-Stamp Authority on loopback, made with openssl: a throwaway CA and TSA certificate, and
a tiny HTTP server that answers each application/timestamp-query with `openssl ts -reply`.

Import what a test module uses: ``from tsafixtures import tsa``; ``tsa.url``, ``tsa.ca`` (the
CA's PEM), ``tsa.other_ca`` (a CA that signed nothing), ``tsa.queries`` (how many were answered).
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TSA_CONFIG = """\
[ tsa ]
default_tsa = test_tsa

[ test_tsa ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_ca(folder: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", "3650", "-subj", f"/CN={name} Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)


def make_tsa_files(folder: Path) -> Path:
    """A CA, a TSA certificate it signed (critical timeStamping EKU, as RFC 3161 asks), an
    unrelated CA, and the `openssl ts` configuration; returns the configuration's path."""
    folder.mkdir(parents=True, exist_ok=True)
    _make_ca(folder, "ca")
    _make_ca(folder, "other")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=Loopback Test TSA", cwd=folder)
    (folder / "tsa.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                    "extendedKeyUsage=critical,timeStamping\n")
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.pem", "-days", "3650", "-extfile", "tsa.ext", cwd=folder)
    (folder / "serial").write_text("01\n")
    config = folder / "tsa.cnf"
    config.write_text(TSA_CONFIG.format(dir=folder))
    return config


class _TSAHandler(BaseHTTPRequestHandler):
    server: TSAServer

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Type") != "application/timestamp-query" or self.server.refuse:
            self._send(400 if not self.server.refuse else 503, b"no", "text/plain")
            return
        with self.server.lock:  # openssl ts keeps its serial number in a file
            self.server.queries += 1
            folder = self.server.folder
            (folder / "query.tsq").write_bytes(query)
            done = subprocess.run(["openssl", "ts", "-reply", "-config", str(self.server.config),
                                   "-queryfile", "query.tsq", "-out", "reply.tsr"],
                                  cwd=folder, capture_output=True, timeout=60, check=False)
            reply = (folder / "reply.tsr").read_bytes() if done.returncode == 0 else b""
        if not reply:
            self._send(500, done.stderr, "text/plain")
        else:
            self._send(200, reply, "application/timestamp-reply")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TSAServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, folder: Path, config: Path) -> None:
        super().__init__(("127.0.0.1", 0), _TSAHandler)
        self.folder, self.config = folder, config
        self.lock = threading.Lock()
        self.queries = 0
        self.refuse = False


@dataclass
class LocalTSA:
    server: TSAServer
    folder: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsa"

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def other_ca(self) -> Path:
        return self.folder / "other.pem"

    @property
    def queries(self) -> int:
        return self.server.queries


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    folder = tmp_path_factory.mktemp("tsa")
    server = TSAServer(folder, make_tsa_files(folder))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield LocalTSA(server, folder)
    server.shutdown()
    server.server_close()

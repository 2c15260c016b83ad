"""Requests past the web server's own limits (CI stop 16: schemathesis met a 414).

Gunicorn answers an over-long request line with 414 and an over-long header with 431, as an
HTML page, before Django sees the request. Every operation of the schema documents both, so a
client (and schemathesis) knows they exist and that their body is not the API's JSON.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.security.test_schema_truth import _operations

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_url(tmp_path_factory):
    """The README's gunicorn, production settings; these requests never reach the database."""
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "server-limits-test-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('gunicorn')}/unused.sqlite3",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _status_and_type(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type()


def test_long_request_line_and_header_get_the_documented_answers(gunicorn_url):
    from drf_spectacular.generators import SchemaGenerator

    long_query = f"{gunicorn_url}/api/v1/regions/?q={quote('я' * 700)}"  # 700 × 6 bytes encoded
    assert _status_and_type(long_query) == (414, "text/html")
    long_header = urllib.request.Request(
        f"{gunicorn_url}/api/v1/regions/", headers={"X-Long": "x" * 9000}
    )
    assert _status_and_type(long_header) == (431, "text/html")

    seen = 0
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, method, operation in _operations(schema):
        seen += 1
        for code in ("414", "431"):
            content = operation["responses"][code]["content"]
            assert list(content) == ["text/html"], (method, path, code)
    assert seen > 40

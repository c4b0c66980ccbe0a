"""The nginx configuration `./run cluster` runs (deploy/nginx.conf.template), checked as text and by nginx.

Rendered the way ``./run cluster`` renders it, then: ``nginx -t`` accepts it (nginx missing
is a failure under CI=true, a skip elsewhere); every security header is sent on every
response; the Content-Security-Policy hashes are those of the inline scripts the app really
runs; the access log cannot contain a query string (``?a=`` and ``?c=`` carry health data);
WebSockets, sticky sessions and fail-over are configured.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest
import streamlit

ROOT = Path(__file__).resolve().parents[1]
RENDERER = ROOT / "deploy" / "render_nginx.py"
REPLICAS = ["127.0.0.1:8601", "127.0.0.1:8602"]


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_nginx", RENDERER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _renderer().render


# ----------------------------------------------------------------- a small nginx parser


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None
    line: int = 0

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def one(self, name: str) -> Directive:
        found = self.find(name)
        assert len(found) == 1, f"expected one {name!r} in {self.name} {self.args}, found {len(found)}"
        return found[0]

    def walk(self) -> list[Directive]:
        out: list[Directive] = []
        for d in self.block or []:
            out.append(d)
            out.extend(d.walk())
        return out


_TOKEN = re.compile(r'#[^\n]*|"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([{};])|([^\s{};"\'#]+)|(\n)')


@dataclass
class _Tokens:
    items: list[tuple[str, bool, int]] = field(default_factory=list)  # (text, is_punctuation, line)
    pos: int = 0


def _tokenize(text: str) -> _Tokens:
    tokens = _Tokens()
    line = 1
    for m in _TOKEN.finditer(text):
        dq, sq, punct, word, newline = m.groups()
        if m.group(0).startswith("#"):
            continue  # a comment, up to the end of the line
        if newline:
            line += 1
        elif punct:
            tokens.items.append((punct, True, line))
        else:
            tokens.items.append((dq if dq is not None else sq if sq is not None else word, False, line))
    return tokens


def _parse_block(tokens: _Tokens, closing: bool) -> list[Directive]:
    out: list[Directive] = []
    words: list[str] = []
    start = 0
    while tokens.pos < len(tokens.items):
        text, punct, line = tokens.items[tokens.pos]
        tokens.pos += 1
        if not punct:
            if not words:
                start = line
            words.append(text)
        elif text == ";":
            out.append(Directive(words[0], words[1:], line=start))
            words = []
        elif text == "{":
            out.append(Directive(words[0], words[1:], _parse_block(tokens, closing=True), line=start))
            words = []
        else:  # "}"
            assert closing and not words, f"unbalanced braces near line {line}"
            return out
    assert not closing and not words, "unterminated block or directive"
    return out


def parse(text: str) -> Directive:
    return Directive("main", [], _parse_block(_tokenize(text), closing=False))


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def conf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(render(8501, tmp_path_factory.mktemp("nginx-run"), REPLICAS))


@pytest.fixture(scope="module")
def conf(conf_text: str) -> Directive:
    return parse(conf_text)


@pytest.fixture(scope="module")
def server(conf: Directive) -> Directive:
    return conf.one("http").one("server")


def _headers(server: Directive) -> dict[str, list[str]]:
    """add_header name -> its arguments after the name (value, then `always`)."""
    return {d.args[0].lower(): d.args[1:] for d in server.find("add_header")}


def _csp(server: Directive) -> dict[str, list[str]]:
    value = _headers(server)["content-security-policy"][0]
    policy: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            assert words[0] not in policy, f"CSP repeats {words[0]}"
            policy[words[0]] = words[1:]
    return policy


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def _inline_scripts_the_app_runs() -> dict[str, str]:
    """Hash source -> where it comes from: Streamlit's index.html (the app runs no inline script of its own)."""
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    found = {
        _sha256(m.group(1)): "inline <script> in Streamlit's index.html"
        for m in re.finditer(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index, re.S)
    }
    return found


# ----------------------------------------------------------------- nginx itself


def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:  # a failure, like a missing browser: ./run test installs Debian's nginx
        pytest.fail("nginx is not installed (./run test installs Debian's nginx)")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    os.chmod(run_dir, 0o711)  # as ./run cluster does: workers (nobody, under root) reach their temp dirs
    conf = run_dir / "nginx.conf"
    conf.write_text(render(18501, run_dir, REPLICAS), encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(conf)],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr, result.stderr


# ----------------------------------------------------------------- rendering


def test_every_placeholder_is_filled_and_paths_stay_in_the_run_dir(tmp_path: Path) -> None:
    text = render(9000, tmp_path, ["127.0.0.1:9001"])
    assert "{{" not in text and "}}" not in text
    tree = parse(text)
    assert tree.one("pid").args == [f"{tmp_path}/nginx.pid"]
    http = tree.one("http")
    for name in ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"):
        assert http.one(name).args[0].startswith(f"{tmp_path}/"), name
    logs = [d for d in tree.walk() if d.name in ("access_log", "error_log")]
    assert logs and all(d.args[0].startswith(f"{tmp_path}/") for d in logs)
    assert http.one("server").one("listen").args == ["9000"]


@pytest.mark.parametrize(
    ("port", "run_dir", "replicas"),
    [(8501, "relative/dir", REPLICAS), (8501, "/tmp/x", []), (0, "/tmp/x", REPLICAS), (8501, "/tmp/x", ["host; evil"]),
     (8501, "/tmp/a b", REPLICAS), (8501, "/tmp/x", ["127.0.0.1"])],
)
def test_bad_inputs_are_refused(port: int, run_dir: str, replicas: list[str]) -> None:
    with pytest.raises(ValueError):
        render(port, run_dir, replicas)


def test_unknown_placeholders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PLACEHOLDER"):
        render(8501, tmp_path, REPLICAS, template="listen {{PORT}}; {{PLACEHOLDER}}")


# ----------------------------------------------------------------- headers


def test_security_headers_are_sent_on_every_response(server: Directive, conf: Directive) -> None:
    headers = _headers(server)
    for name in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                 "permissions-policy", "strict-transport-security", "set-cookie"):
        assert name in headers, f"{name} missing"
        assert headers[name][-1] == "always", f"{name} is not sent on error responses (no `always`)"
    assert headers["x-frame-options"][0] == "DENY"
    assert headers["x-content-type-options"][0] == "nosniff"
    assert headers["referrer-policy"][0] == "no-referrer"
    permissions = {p.strip() for p in headers["permissions-policy"][0].split(",")}
    assert {"camera=()", "microphone=()", "geolocation=()"} <= permissions
    # An add_header anywhere below the server would silently drop all of these there.
    assert not [d for d in server.walk() if d.name == "add_header" and d not in server.find("add_header")]
    assert not conf.one("http").find("add_header")


def test_hsts_is_sent_only_over_tls(conf: Directive, server: Directive) -> None:
    assert _headers(server)["strict-transport-security"][0] == "$nt_hsts"
    (hsts_map,) = [d for d in conf.one("http").find("map") if d.args == ["$scheme", "$nt_hsts"]]
    values = {d.name: d.args for d in hsts_map.block or []}
    assert values["default"] == [""]
    assert values["https"][0].startswith("max-age=") and int(values["https"][0].split("=")[1].split(";")[0]) >= 15_552_000


def test_csp_is_strict_and_its_hashes_are_the_scripts_the_app_runs(server: Directive) -> None:
    policy = _csp(server)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    script = policy["script-src"]
    assert "'self'" in script
    for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'", "*", "data:", "blob:", "http:", "https:"):
        assert forbidden not in script, f"script-src allows {forbidden}"
    assert "'unsafe-eval'" not in " ".join(v for values in policy.values() for v in values)
    hashes = {s for s in script if s.startswith("'sha256-")}
    wanted = _inline_scripts_the_app_runs()
    missing = {h: where for h, where in wanted.items() if h not in hashes}
    assert not missing, f"script-src lacks the hash of: {missing} (update deploy/nginx.conf.template)"
    assert hashes <= set(wanted), f"script-src has stale hashes: {sorted(hashes - set(wanted))}"
    assert set(script) == {"'self'", "'wasm-unsafe-eval'", *hashes}, "script-src has something unexplained"


# ----------------------------------------------------------------- logs and limits


_QUERY_VARIABLES = re.compile(r"\$(?:\{)?(request|request_uri|args|query_string|arg_\w+|is_args|http_referer)\b(?!_)")


def test_the_access_log_cannot_contain_a_query_string(conf: Directive) -> None:
    http = conf.one("http")
    formats = {d.args[0]: "".join(d.args[1:]) for d in http.find("log_format")}
    assert formats, "no log_format"
    for name, fmt in formats.items():
        assert not _QUERY_VARIABLES.search(fmt), f"log_format {name} logs a query string: {fmt}"
        assert "$uri" in fmt, f"log_format {name} does not log the path"
    logs = [d for d in conf.walk() if d.name == "access_log"]
    assert logs, "no access_log"
    for log in logs:
        # Without a format name nginx uses `combined`, which logs $request (with ?a=...).
        assert log.args == ["off"] or (len(log.args) >= 2 and log.args[1] in formats), f"access_log {log.args}"
    # At `error` and below nginx writes the whole request line when an upstream fails.
    for log in (d for d in conf.walk() if d.name == "error_log"):
        assert log.args[1:] in (["crit"], ["alert"], ["emerg"]), f"error_log {log.args} would log request lines"


def test_the_variable_pattern_catches_what_it_must() -> None:
    for bad in ("$request", '"$request"', "$request_uri", "$args", "$arg_a", "$query_string", "${request}", "$http_referer"):
        assert _QUERY_VARIABLES.search(bad), bad
    for fine in ("$request_method", "$request_time", "$request_length", "$uri", "$upstream_addr"):
        assert not _QUERY_VARIABLES.search(fine), fine


def test_server_tokens_off_and_bodies_big_enough_for_uploads(conf: Directive, server: Directive) -> None:
    http = conf.one("http")
    assert http.one("server_tokens").args == ["off"]
    limit = http.one("client_max_body_size").args[0]
    assert limit == "5m"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert int(config["server"]["maxUploadSize"]) < 5, "Streamlit's upload limit must stay below the proxy's"
    # Uploads and responses stay in memory (no temp files with health data).
    assert http.one("client_body_buffer_size").args == [limit]
    assert http.one("proxy_max_temp_file_size").args == ["0"]


# ----------------------------------------------------------------- routing


def test_websocket_upgrade_with_long_timeouts(server: Directive) -> None:
    (stream,) = [d for d in server.find("location") if d.args == ["=", "/_stcore/stream"]]
    assert server.one("proxy_http_version").args == ["1.1"]
    set_headers = {d.args[0].lower(): d.args[1] for d in stream.find("proxy_set_header")}
    assert set_headers["upgrade"] == "$http_upgrade"
    assert set_headers["connection"] == "upgrade"
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert int(stream.one(name).args[0].rstrip("s")) >= 3600, name
    assert stream.one("proxy_pass").args == ["http://nervetriage"]


def test_every_location_passes_the_host_with_its_port(server: Directive) -> None:
    """The Host header as the browser sent it, port included ($host would drop the port)."""
    for location in server.find("location"):
        set_headers = {d.args[0].lower(): d.args[1] for d in location.find("proxy_set_header")}
        assert set_headers.get("host") == "$http_host", location.args
        assert location.one("proxy_pass").args == ["http://nervetriage"]


def test_sticky_by_a_cookie_nginx_sets_and_failover_to_a_live_replica(conf: Directive, server: Directive) -> None:
    http = conf.one("http")
    upstream = http.one("upstream")
    assert upstream.args == ["nervetriage"]
    assert upstream.one("hash").args == ["$nt_route", "consistent"]
    servers = upstream.find("server")
    assert [s.args[0] for s in servers] == REPLICAS
    for s in servers:
        assert "max_fails=1" in s.args, s.args
    maps = {tuple(d.args): {e.name: e.args for e in d.block or []} for d in http.find("map")}
    route = maps[("$cookie_nt_route", "$nt_route")]
    assert route[""] == ["$request_id"] and route["default"] == ["$cookie_nt_route"]
    cookie = maps[("$cookie_nt_route", "$nt_route_cookie")]
    assert cookie["default"] == [""], "the cookie is set only when the browser does not have it"
    assert cookie[""][0].startswith("nt_route=$request_id;") and "HttpOnly" in cookie[""][0]
    assert _headers(server)["set-cookie"][0] == "$nt_route_cookie"
    assert server.one("proxy_next_upstream").args == ["error", "timeout"]

"""The operator's files (deploy/, docs/OPERATIONS.md) agree with the code, as far as this machine can tell
without root or a public address.

- every setting the environment files and the guide name is a setting of bot/settings.py, and the
  example environment files make valid settings (what each instance would start with);
- the unit starts a console script of this install (`ipbot run`), reads the environment files deploy/env
  provides, and `systemd-analyze verify` finds nothing wrong with it (when systemd's tools are here);
- the reverse proxies' upstream ports are exactly the instances' WEBHOOK_PORTs;
- nginx accepts the site (`nginx -t`), and, run for real on loopback in front of two small stand-in
  instances: POST /telegram reaches an instance with Telegram's secret header untouched, also when one
  instance is down; /workbench is forwarded; /healthz, /readyz and /metrics are not.
  These need nginx (Debian: `apt-get install nginx-light`); without it they skip, saying so.
- the same for the Caddyfile (`caddy validate`, and run on loopback over plain HTTP), when caddy is
  installed (Debian: `apt-get install caddy`).
"""

from __future__ import annotations

import asyncio
import configparser
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import entry_points
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "ipbot@.service"
NGINX = DEPLOY / "nginx" / "ipbot.conf"
CADDY = DEPLOY / "caddy" / "Caddyfile"
GUIDE = ROOT / "docs" / "OPERATIONS.md"
ENV_FILES = sorted((DEPLOY / "env").glob("*.env"))
INSTANCE_FILES = sorted((DEPLOY / "env").glob("instance-*.env"))
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: What a setting's name looks like (bot/settings.py's aliases all have one of these prefixes).
SETTING_NAME = re.compile(r"\b(?:TELEGRAM|DATABASE|REDIS|WEBHOOK|WORKBENCH|HEALTH|ADMIN|IPBOT)_[A-Z0-9_]*[A-Z0-9]\b")
#: A family of settings named with a wildcard in the guide ("IPBOT_RETENTION_*_DAYS").
SETTING_FAMILY = re.compile(r"\b(IPBOT_RETENTION)_\*_DAYS\b")


def settings_names() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def env_values(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile reads these (no quotes used in ours)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}: {line!r} is no KEY=value line"
            values[key.strip()] = value.strip()
    return values


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(UNIT.read_text())
    return parser


def instance_ports() -> set[int]:
    return {int(env_values(path)["WEBHOOK_PORT"]) for path in INSTANCE_FILES}


# --------------------------------------------------------------------------- settings


def test_every_setting_the_env_files_and_the_guide_name_exists():
    known = settings_names()
    assert ENV_FILES and INSTANCE_FILES, "deploy/env holds the shared file and one per instance"
    for path in ENV_FILES:
        assert set(env_values(path)) <= known, (path.name, set(env_values(path)) - known)
    for path in (GUIDE, *ENV_FILES, UNIT, NGINX, CADDY):
        named = set(SETTING_NAME.findall(path.read_text()))
        assert named <= known, (path.name, named - known)
    families = set(SETTING_FAMILY.findall(GUIDE.read_text()))
    assert families and all(any(n.startswith(f + "_") for n in known) for f in families)


def test_each_instance_starts_with_valid_settings_from_the_example_files():
    shared = env_values(DEPLOY / "env" / "ipbot.env")
    for path in INSTANCE_FILES:
        settings = Settings(_env_file=None, **{**shared, **env_values(path)})
        assert settings.webhook_url and settings.webhook_secret  # webhook mode, as the proxy expects
        assert settings.database_url.startswith("postgresql+asyncpg://") and settings.redis_url
        assert settings.webhook_host == "127.0.0.1"  # reachable through the proxy only
    assert len(instance_ports()) == len(INSTANCE_FILES) >= 2  # a port of its own each


# --------------------------------------------------------------------------- the unit


def test_the_unit_runs_the_ipbot_console_script_with_the_env_files_of_deploy_env():
    service = unit()["Service"]
    command = service["ExecStart"].split()
    assert Path(command[0]).name == "ipbot" and command[1:] == ["run"]
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts.get("ipbot") == "bot.cli:main"
    installed = Path(sys.executable).parent / "ipbot"
    assert installed.exists(), "the console script this install provides"
    helped = subprocess.run([str(installed), "run", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0, helped.stderr
    files = [line.split("=", 1)[1] for line in UNIT.read_text().splitlines() if line.startswith("EnvironmentFile=")]
    assert files == ["/etc/ipbot/ipbot.env", "/etc/ipbot/instance-%i.env"]
    for path in INSTANCE_FILES:
        number = path.stem.removeprefix("instance-")
        assert files[1].replace("%i", number).endswith(path.name)
    assert service["KillSignal"] == "SIGTERM" and service["User"] == "ipbot"


NEEDS_SYSTEMD = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="no systemd-analyze on PATH, so the units cannot be verified here "
                                          "(Debian's systemd package)")


@NEEDS_SYSTEMD
def test_systemd_finds_nothing_wrong_with_the_units(tmp_path):
    """Verified as instance 1, with ExecStart pointed at this install's `ipbot` (systemd checks it exists)."""
    installed = Path(sys.executable).parent / "ipbot"
    text = UNIT.read_text().replace("/opt/ipbot/.venv/bin/ipbot", str(installed))
    (tmp_path / "ipbot@1.service").write_text(text)
    shutil.copy(DEPLOY / "systemd" / "ipbot.target", tmp_path / "ipbot.target")
    verified = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "ipbot@1.service"),
                               str(tmp_path / "ipbot.target")], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (verified.stdout + verified.stderr).splitlines()
                  if "ipbot" in line]  # about our files; the host's own units are not ours to judge
    assert verified.returncode == 0 and complaints == [], verified.stdout + verified.stderr


# --------------------------------------------------------------------------- the reverse proxies


def test_the_proxies_forward_to_exactly_the_instances_ports():
    upstream = re.search(r"upstream ipbot \{(.*?)\}", NGINX.read_text(), re.S).group(1)
    assert {int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+)", upstream)} == instance_ports()
    proxied = re.findall(r"reverse_proxy ([^{\n]+)\{", CADDY.read_text())
    assert proxied, "the Caddyfile proxies to the instances"
    for line in proxied:
        assert {int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", line)} == instance_ports()


def test_the_proxies_forward_only_the_webhook_and_the_workbench():
    nginx = NGINX.read_text()
    assert re.findall(r"location ([^{]+)\{", nginx) == ["/.well-known/acme-challenge/ ", "/ ", "= /telegram ",
                                                         "= /workbench ", "/workbench/ ", "/ "]
    assert not re.search(r"healthz|readyz|metrics", re.sub(r"#.*", "", nginx))
    caddy = re.sub(r"#.*", "", CADDY.read_text())
    assert "path /telegram\n" in caddy and "path /workbench /workbench/*\n" in caddy
    assert re.findall(r"health_uri (\S+)", caddy) == ["/healthz"]  # Caddy's own check, on the instances' ports
    assert not re.search(r"healthz|readyz|metrics", re.sub(r"health_uri \S+", "", caddy))


NEEDS_NGINX = pytest.mark.skipif(shutil.which("nginx") is None,
                                 reason="no nginx on PATH, so its configuration cannot be run here "
                                        "(Debian's nginx-light; .ci/packages installs it where it can)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=bot.example.org"], check=True, capture_output=True,
                   timeout=60)
    return cert, key


def _nginx_conf(folder: Path, ports: dict[int, int], http: int, https: int) -> Path:
    """The site as shipped, inside a minimal nginx.conf, with what only this machine differs in:
    the certificate (a self-signed one), the listening ports and the instances' ports (free ones)."""
    cert, key = _certificate(folder)
    site = NGINX.read_text()
    site = site.replace("/etc/letsencrypt/live/bot.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/bot.example.org/privkey.pem", str(key))
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # no IPv6 needed on loopback
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};").replace("listen 443 ssl;",
                                                                          f"listen 127.0.0.1:{https} ssl;")
    for shipped, here in ports.items():
        site = site.replace(f"server 127.0.0.1:{shipped} ", f"server 127.0.0.1:{here} ")
    (folder / "site.conf").write_text(site)
    conf = folder / "nginx.conf"
    conf.write_text(f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  include {folder}/site.conf;\n}}\n")
    return conf


@NEEDS_NGINX
def test_nginx_accepts_the_site(tmp_path):
    ports = {p: _free_port() for p in instance_ports()}
    conf = _nginx_conf(tmp_path, ports, _free_port(), _free_port())
    checked = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True,
                             timeout=60)
    assert checked.returncode == 0, checked.stderr


class StandIn:
    """A stand-in instance: records what reaches it and answers as the bot's routes would."""

    def __init__(self, name: str) -> None:
        self.name, self.seen, self.checks = name, [], 0
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if request.path == "/healthz" and "X-Forwarded-For" not in request.headers:
            self.checks += 1  # the proxy's own health check, on the instance's port (Caddy)
        else:  # anything forwarded from outside
            self.seen.append((request.method, request.path, request.headers.get(SECRET_HEADER), await request.text()))
        return web.json_response({"instance": self.name})

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def _exercise(client: aiohttp.ClientSession, base: str, instances: list[StandIn],
                    retries: bool = True, too_big: tuple[int, ...] = (413,)) -> dict[str, int]:
    """What Telegram, a browser and a stranger see through the proxy at `base`, with the stand-ins
    behind it; returns the statuses of the GETs that must not reach an instance (each proxy
    refuses a GET of /telegram its own way).

    `retries`: the proxy passes a call a dead instance cannot take to the other at once (nginx);
    else it stops sending it calls once its health check noticed (Caddy). `too_big`: the answers
    allowed to a body over 1 MB, which must reach no instance."""
    for _ in range(100):  # the proxy starts in well under a second; 5 s at most
        try:
            async with client.get(f"{base}/healthz"):
                break
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    status = {}
    for path in ("/healthz", "/readyz", "/metrics", "/", "/workbenchx", "/telegram"):
        async with client.get(base + path, allow_redirects=False) as response:
            status[path] = response.status
    assert all(instance.seen == [] for instance in instances)  # nothing above reached an instance

    answered = []
    for n in range(4):
        async with client.post(f"{base}/telegram", data=f'{{"update_id": {n}}}',
                               headers={SECRET_HEADER: "the-Secret_1", "Content-Type": "application/json"}
                               ) as response:
            assert response.status == 200
            answered.append((await response.json())["instance"])
    assert sorted(set(answered)) == [i.name for i in instances]  # in turn
    for path in ("/workbench", "/workbench/", "/workbench/view/companies"):
        async with client.get(base + path) as response:
            assert response.status == 200, path
    seen = [s for instance in instances for s in instance.seen]
    assert sorted(s[3] for s in seen if s[1] == "/telegram") == [f'{{"update_id": {n}}}' for n in range(4)]
    assert {s[2] for s in seen if s[1] == "/telegram"} == {"the-Secret_1"}  # passed on: the bot checks it
    assert sorted(s[1] for s in seen if s[1] != "/telegram") == ["/workbench", "/workbench/",
                                                                "/workbench/view/companies"]

    await instances[0].stop()  # one instance down: every webhook call still lands on the other
    if not retries:  # two rounds of health checks after the stop: the dead one has failed one
        checked = instances[1].checks
        for _ in range(200):  # health_interval 2 s: two rounds in 4 s; 10 s at most
            if instances[1].checks >= checked + 2:
                break
            await asyncio.sleep(0.05)
        assert instances[1].checks >= checked + 2, "the proxy's health checks"
    for n in range(4, 8):
        async with client.post(f"{base}/telegram", data=f'{{"update_id": {n}}}',
                               headers={SECRET_HEADER: "the-Secret_1"}) as response:
            assert response.status == 200 and (await response.json())["instance"] == instances[1].name
    big = "x" * (1024 * 1024 + 1)
    async with client.post(f"{base}/telegram", data=big, headers={SECRET_HEADER: "the-Secret_1"}) as response:
        assert response.status in too_big
    assert len(instances[1].seen) == len(seen) - len(instances[0].seen) + 4  # the big body went nowhere
    return status


async def _stand_ins(ports: dict[int, int]) -> list[StandIn]:
    instances = []
    for n, shipped in enumerate(sorted(ports)):
        instance = StandIn(f"i{n}")
        await instance.start(ports[shipped])
        instances.append(instance)
    return instances


#: What a proxy must not forward: health and metrics stay on the instances' own port.
HIDDEN = {"/healthz": 404, "/readyz": 404, "/metrics": 404, "/": 404, "/workbenchx": 404}


@asynccontextmanager
async def _proxy(command: list[str], ports: dict[int, int], **popen) -> AsyncIterator[tuple]:
    """The stand-in instances on their ports and the proxy server in front of them, stopped after."""
    instances = await _stand_ins(ports)
    server = await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.PIPE, **popen)
    try:
        yield server, instances
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)
        for instance in instances:
            await instance.stop()


@NEEDS_NGINX
async def test_nginx_forwards_the_webhook_and_workbench_and_hides_health(tmp_path):
    ports = {p: _free_port() for p in instance_ports()}
    http, https = _free_port(), _free_port()
    conf = _nginx_conf(tmp_path, ports, http, https)
    tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    tls.check_hostname = False  # the address is 127.0.0.1; the certificate is the one made above
    async with _proxy(["nginx", "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"], ports) as (server, instances):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as client:
            status = await _exercise(client, f"https://127.0.0.1:{https}", instances)
            async with client.get(f"http://127.0.0.1:{http}/telegram", allow_redirects=False) as response:
                assert response.status == 301 and response.headers["Location"].startswith("https://")
    assert status == {**HIDDEN, "/telegram": 403}  # Telegram only POSTs
    assert server.returncode == 0, (await server.stderr.read()).decode(errors="replace")


# --------------------------------------------------------------------------- Caddy

NEEDS_CADDY = pytest.mark.skipif(shutil.which("caddy") is None,
                                 reason="no caddy on PATH, so the Caddyfile cannot be run here "
                                        "(Debian's caddy; .ci/packages installs it where it can)")


def _caddy_env(folder: Path) -> dict[str, str]:
    """Caddy keeps certificates and its autosaved config under HOME / XDG dirs: a folder of the test's."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(folder), "XDG_DATA_HOME": str(folder),
            "XDG_CONFIG_HOME": str(folder)}


@NEEDS_CADDY
def test_caddy_accepts_the_caddyfile(tmp_path):
    checked = subprocess.run(["caddy", "validate", "--config", str(CADDY), "--adapter", "caddyfile"],
                             capture_output=True, text=True, timeout=60, env=_caddy_env(tmp_path))
    assert checked.returncode == 0 and "Valid configuration" in checked.stdout + checked.stderr, checked.stderr


@NEEDS_CADDY
async def test_caddy_forwards_the_webhook_and_workbench_and_hides_health(tmp_path):
    """The Caddyfile as shipped but served over plain HTTP on a free port (a certificate needs a
    public name), without Caddy's admin endpoint, and with free ports for the instances."""
    ports = {p: _free_port() for p in instance_ports()}
    port = _free_port()
    text = CADDY.read_text().replace("bot.example.org {", f"http://127.0.0.1:{port} {{")
    for shipped, here in ports.items():
        text = text.replace(f"127.0.0.1:{shipped}", f"127.0.0.1:{here}")
    conf = tmp_path / "Caddyfile"
    conf.write_text("{\n\tadmin off\n\tauto_https off\n}\n\n" + text)
    command = ["caddy", "run", "--config", str(conf), "--adapter", "caddyfile"]
    async with _proxy(command, ports, env=_caddy_env(tmp_path), stdout=asyncio.subprocess.DEVNULL) as (server, instances):
        async with aiohttp.ClientSession() as client:
            # Caddy 2.6 cuts an over-long body off on the way and answers 502 (newer ones 413)
            status = await _exercise(client, f"http://127.0.0.1:{port}", instances, retries=False, too_big=(413, 502))
    assert status == {**HIDDEN, "/telegram": 404}  # Telegram only POSTs

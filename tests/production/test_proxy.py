"""TELEGRAM_PROXY: every Bot API call and download goes through the proxy, and its password
never reaches a log line or an error message (bot/proxy.py, bot/session.py).

The proxy is a real one on loopback (loopback_proxy.py: HTTP CONNECT and SOCKS5, with
credentials), between the real bot and the emulator; it reads the request lines in its
tunnels, so the test compares what went through it with what the emulator received.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import subprocess
from collections import Counter

import pytest

from bot.logs import JsonFormatter, TextFormatter
from bot.proxy import Proxy, ProxyError, masked, parse_proxy
from bot.settings import SettingsError, load_settings
from tests.e2e.harness import TOKEN, Harness
from tests.production.kit import until
from tests.production.loopback_proxy import LoopbackProxy

PASSWORD = "s3cret-pw-42"
STRANGER_REPLY = "仅对受邀用户开放"


# ------------------------------------------------------------------ the setting


@pytest.mark.parametrize(("url", "expected"), [
    ("http://proxy.example:3128", Proxy("http", "proxy.example", 3128)),
    ("https://u:p@proxy.example", Proxy("https", "proxy.example", 443, "u", "p")),
    ("socks5://user:p%40ss@10.0.0.2:1080", Proxy("socks5", "10.0.0.2", 1080, "user", "p@ss")),
    ("socks5h://user:pw@proxy.example", Proxy("socks5", "proxy.example", 1080, "user", "pw")),
    ("SOCKS5://[::1]:9050", Proxy("socks5", "::1", 9050)),
])
def test_proxy_urls_are_read(url, expected):
    assert parse_proxy(url) == expected


def test_the_password_is_masked_and_left_out_of_the_repr():
    proxy = parse_proxy(f"socks5://user:{PASSWORD}@proxy.example:1080")
    assert proxy.masked() == "socks5://user:***@proxy.example:1080"
    assert PASSWORD not in repr(proxy)
    assert masked(f"http://user:{PASSWORD}@[::1]:8080") == "http://user:***@[::1]:8080"
    assert masked("http://proxy.example:8080") == "http://proxy.example:8080"


@pytest.mark.parametrize(("url", "says"), [
    (f"ftp://user:{PASSWORD}@proxy.example:21", "must start with http://, https:// or socks5://"),
    (f"socks5://user:{PASSWORD}@proxy.example:99999", "port"),
    (f"http://user:{PASSWORD}@:8080", "no host name"),
    (f"http://user:{PASSWORD}@proxy.example:8080/path", "without a path"),
])
def test_a_bad_setting_names_the_setting_but_not_the_password(url, says):
    with pytest.raises(ProxyError):
        parse_proxy(url)
    with pytest.raises(SettingsError) as caught:
        load_settings(TELEGRAM_PROXY=url)
    assert str(caught.value).startswith("setting TELEGRAM_PROXY ")
    assert says in str(caught.value)
    assert PASSWORD not in str(caught.value)


# ------------------------------------------------------------------ through the proxy


async def _through(emu, settings, proxy_url: str, proxy: LoopbackProxy) -> None:
    """A stranger writes, the bot answers, the bot downloads a file; all through the proxy."""
    async with Harness(emu, settings.model_copy(update={"telegram_proxy": proxy_url})) as h:
        user = emu.user(9601)
        await emu.send_text(user, "/start")
        await emu.wait_message(user.id, STRANGER_REPLY, timeout=5)
        record = emu.bot_state(TOKEN).add_file("document", b"roster bytes", "roster.xlsx", "application/vnd.ms-excel")
        assert (await h.running.bot.download(record.file_id)).read() == b"roster bytes"
        await h.settled()
    assert proxy.tunnels >= 1
    went = Counter(proxy.methods())
    seen = Counter(call.method for call in emu.calls)
    # Every call the emulator answered went through the proxy; a getUpdates cut off by the
    # stop may have passed the proxy without being answered.
    assert {m: n for m, n in went.items() if m not in ("getUpdates", "download")} == \
           {m: n for m, n in seen.items() if m != "getUpdates"}
    assert seen["getUpdates"] <= went["getUpdates"] <= seen["getUpdates"] + 1
    assert went["sendMessage"] >= 1 and went["getFile"] == 1 and went["download"] == 1


async def test_every_call_and_download_goes_through_an_http_proxy_with_credentials(emu, settings):
    async with LoopbackProxy("bot", PASSWORD) as proxy:
        await _through(emu, settings, proxy.url("http", "bot", PASSWORD), proxy)
        assert proxy.refused == 0


async def test_every_call_and_download_goes_through_a_socks5_proxy_with_credentials(emu, settings):
    async with LoopbackProxy("bot", PASSWORD) as proxy:
        await _through(emu, settings, proxy.url("socks5", "bot", PASSWORD), proxy)
        assert proxy.refused == 0


async def test_an_https_proxy_is_spoken_to_over_tls(emu, settings, tmp_path, monkeypatch):
    """https://: TLS to the proxy itself, its certificate checked (here against a test CA
    given through SSL_CERT_FILE, as an operator with a private CA would)."""
    cert, key = tmp_path / "proxy.pem", tmp_path / "proxy.key"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, timeout=20)
    if made.returncode:
        pytest.skip(f"openssl could not make a test certificate: {made.stderr.decode()[-200:]}")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    async with LoopbackProxy("bot", PASSWORD, tls=tls) as proxy:
        await _through(emu, settings, proxy.url("https", "bot", PASSWORD), proxy)


@pytest.mark.parametrize("scheme", ["http", "socks5"])
async def test_a_wrong_password_is_a_clear_error_without_the_password(emu, settings, caplog, scheme):
    caplog.set_level(logging.INFO)
    wrong = "wrong-" + PASSWORD
    async with LoopbackProxy("bot", PASSWORD) as proxy:
        async with Harness(emu, settings.model_copy(update={"telegram_proxy": proxy.url(scheme, "bot", wrong)})):
            await until(lambda: any("refused the user name or password" in r.getMessage() for r in caplog.records),
                        what="the refusal logged")
        assert proxy.refused >= 1 and proxy.tunnels == 0
    assert emu.calls == []  # nothing reached Telegram by another way
    said = next(r for r in caplog.records if "refused the user name or password" in r.getMessage())
    assert f"{scheme}://bot:***@127.0.0.1:{proxy.port}" in said.getMessage()
    assert "TELEGRAM_PROXY" in said.getMessage()
    for record in caplog.records:
        for formatter in (TextFormatter(), JsonFormatter()):
            assert wrong not in formatter.format(record) and PASSWORD not in formatter.format(record)
    assert wrong not in caplog.text and PASSWORD not in caplog.text


async def test_a_proxy_that_is_down_is_named_and_the_bot_waits_for_it(emu, settings, caplog):
    """Nothing listens at the proxy's address: polling says so and keeps trying, and never
    goes to Telegram around the proxy."""
    caplog.set_level(logging.INFO)
    async with LoopbackProxy() as proxy:
        port = proxy.port
    url = f"socks5://bot:{PASSWORD}@127.0.0.1:{port}"
    async with Harness(emu, settings.model_copy(update={"telegram_proxy": url})):
        await until(lambda: any("cannot be reached" in r.getMessage() for r in caplog.records), what="the failure")
        await asyncio.sleep(0.2)
    assert emu.calls == []
    assert f"socks5://bot:***@127.0.0.1:{port}" in caplog.text
    assert PASSWORD not in caplog.text

"""Webhook mode's settings: no webhook without its secret, and where the listener binds."""

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "424242:TEST-token-for-the-emulator-only"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_HOST", "WEBHOOK_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)


def test_webhook_mode_without_its_secret_is_refused_in_one_line(monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith("setting WEBHOOK_SECRET") and "WEBHOOK_URL" in message and "\n" not in message


def test_ipbot_run_stops_before_starting_a_webhook_without_secret(monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ipbot: setting WEBHOOK_SECRET") and "\n" not in err


def test_webhook_mode_with_its_secret_and_the_listener_address(monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret-Token_1")
    monkeypatch.setenv("WEBHOOK_PORT", "8443")
    settings = load_settings()
    assert settings.webhook_url == "https://bot.example.org"
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8443)


def test_polling_needs_no_secret_and_a_bad_port_is_named(monkeypatch):
    assert load_settings().webhook_secret is None
    monkeypatch.setenv("WEBHOOK_PORT", "70000")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith("setting WEBHOOK_PORT") and "\n" not in str(err.value)

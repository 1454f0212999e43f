import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL", "REDIS_URL", "IPBOT_TIMEZONE",
                 "WEBHOOK_URL", "WEBHOOK_SECRET", "ADMIN_TELEGRAM_IDS"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_nothing():
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base == "https://api.telegram.org"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Shanghai"
    assert settings.admin_ids == frozenset()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_API_BASE", "ftp://example"),
        ("DATABASE_URL", "mysql://x"),
        ("IPBOT_TIMEZONE", "Mars/Olympus"),
        ("ADMIN_TELEGRAM_IDS", "12,abc"),
        ("WEBHOOK_SECRET", "has spaces"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert name in message and "\n" not in message


def test_env_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ADMIN_TELEGRAM_IDS=7, 8\nIPBOT_TIMEZONE=Asia/Shanghai\n")
    assert load_settings().admin_ids == frozenset({7, 8})


def test_cli_stops_with_the_setting_named(monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", "oracle://nope")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ipbot: setting DATABASE_URL") and "\n" not in err

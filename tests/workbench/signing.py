"""initData signed as Telegram signs it, for the workbench's tests (HTTP and browser).

`init_data(token, telegram_id, ...)` is the query string a Mini App finds in
``location.hash``'s ``tgWebAppData``; `headers(...)` is what the page's script sends
(``Authorization: tma <initData>``); `page_url(base, ...)` opens the page as Telegram would.
"""

from __future__ import annotations

from web.auth import INIT_DATA_SCHEME, sign_init_data, telegram_address

__all__ = ["TOKEN", "init_data", "headers", "page_url"]

#: A token of the right shape for an app built in a test (never a real bot's).
TOKEN = "123456:TEST-workbench-token-AAAAAAAAAAAA"


def init_data(token: str, telegram_id: int, auth_date: float, *, language_code: str = "zh-hans",
              first_name: str = "测试") -> str:
    user = {"id": telegram_id, "first_name": first_name, "language_code": language_code}
    return sign_init_data(token, user, int(auth_date))


def headers(token: str, telegram_id: int, auth_date: float, **kwargs: str) -> dict[str, str]:
    return {"Authorization": f"{INIT_DATA_SCHEME} {init_data(token, telegram_id, auth_date, **kwargs)}"}


def page_url(base: str, token: str, telegram_id: int, auth_date: float, query: str = "", **kwargs: str) -> str:
    """`base` is the page (http://127.0.0.1:PORT/workbench); the fragment as Telegram builds it."""
    user = {"id": telegram_id, "first_name": kwargs.get("first_name", "测试"),
            "language_code": kwargs.get("language_code", "zh-hans")}
    return telegram_address(f"{base}{query}", token, user, int(auth_date))

"""The check-in QR code as a PNG (segno, no image library needed); shared by the dialog and the rotation job."""

from __future__ import annotations

import io

#: Callback data of the QR message's buttons: "<prefix>:<session id>" (next code, end the display).
NEXT_PREFIX, END_PREFIX = "trq", "trqx"


def qr_png(link: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=3)
    return buffer.getvalue()


def checkin_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"

"""The adapter for each kind of channel: the one module that knows all three, so the
package's shared parts (`services.channels`) never import the adapters that use them."""

from __future__ import annotations

from services.channels import KINDS, Channel, ChannelError
from services.channels.dingtalk import DINGTALK
from services.channels.feishu import FEISHU
from services.channels.wecom import WECOM

__all__ = ["adapter"]

_ADAPTERS: dict[str, Channel] = {"wecom": WECOM, "dingtalk": DINGTALK, "feishu": FEISHU}


def adapter(kind: str) -> Channel:
    """The adapter for ``kind``; `ChannelError` ``unknown_kind`` naming the kinds there are."""
    try:
        return _ADAPTERS[kind]
    except KeyError:
        raise ChannelError("unknown_kind", kind=kind, kinds="、".join(KINDS)) from None

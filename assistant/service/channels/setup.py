"""Which chat apps the server talks to, from the settings: their routes and their connections.

Each vendor's SDK is imported only when its app is configured (lark-oapi alone takes seconds)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI

    from assistant.config import Settings
    from assistant.service.answering import Answerer
    from assistant.store import Store


class Channel(Protocol):
    async def start(self) -> None:
        """Open what the channel keeps open (Socket Mode, Feishu's long connection)."""

    async def stop(self) -> None: ...


def install_channels(app: FastAPI, answerer: Answerer, settings: Settings, store: Store, http: httpx.AsyncClient) -> list[Channel]:
    """Add the webhook routes of every configured chat app; the channels to start with the server."""
    channels: list[Channel] = []
    if settings.slack_bot_token:
        from assistant.service.channels import slack

        if slack.configured(settings):
            slack_channel = slack.SlackChannel(answerer, settings, store)
            if settings.slack_signing_secret:
                app.include_router(slack_channel.router())
            channels.append(slack_channel)
    if settings.feishu_app_id:
        from assistant.service.channels import feishu

        if feishu.configured(settings):
            feishu_channel = feishu.FeishuChannel(answerer, settings, store)
            if settings.feishu_verification_token:
                app.include_router(feishu_channel.router())
            channels.append(feishu_channel)
    if settings.wecom_corp_id:
        from assistant.service.channels import wecom

        if wecom.configured(settings):
            wecom_channel = wecom.WeComChannel(answerer, settings, store, http)
            app.include_router(wecom_channel.router())
            channels.append(wecom_channel)
    return channels

"""Which chat apps the server talks to, from the settings: their routes and their connections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from assistant.service.channels import feishu, slack, wecom

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
    if slack.configured(settings):
        slack_channel = slack.SlackChannel(answerer, settings, store)
        if settings.slack_signing_secret:
            app.include_router(slack_channel.router())
        channels.append(slack_channel)
    if feishu.configured(settings):
        feishu_channel = feishu.FeishuChannel(answerer, settings, store)
        if settings.feishu_verification_token:
            app.include_router(feishu_channel.router())
        channels.append(feishu_channel)
    if wecom.configured(settings):
        wecom_channel = wecom.WeComChannel(answerer, settings, store, http)
        app.include_router(wecom_channel.router())
        channels.append(wecom_channel)
    return channels

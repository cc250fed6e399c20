from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from baton_api.config import Settings
from baton_api.core.tokens import TokenCodec


# The app carries its own settings and codec (see ``create_app``), so several differently
# configured apps can coexist in one process: tests, benchmarks.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_codec(request: Request) -> TokenCodec:
    codec: TokenCodec = request.app.state.codec
    return codec


AppSettings = Annotated[Settings, Depends(get_app_settings)]
Codec = Annotated[TokenCodec, Depends(get_codec)]


@dataclass(frozen=True, slots=True)
class ClientInfo:
    user_agent: str | None = None
    ip_address: str | None = None


async def get_client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        user_agent=request.headers.get("user-agent"),
        ip_address=request.client.host if request.client else None,
    )


Client = Annotated[ClientInfo, Depends(get_client_info)]

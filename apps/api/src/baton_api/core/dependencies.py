from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from typing import Annotated

from fastapi import Depends, Request

from baton_api.config import Settings
from baton_api.core.ratelimit import RateLimiter
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


MAX_FORWARDED_HOPS = 32


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(peer: str | None, forwarded_for: list[str], trusted: Sequence[IPv4Network | IPv6Network]) -> str | None:
    """The client's address. ``X-Forwarded-For`` counts only when the peer is a trusted proxy;
    then it is read right to left, skipping trusted hops, and the first untrusted hop is the
    client (anything left of it could have been written by the client itself)."""
    peer_ip = _parse_ip(peer) if peer else None
    if peer_ip is None:
        return peer

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not trusted or not is_trusted(peer_ip):
        return str(peer_ip)
    hops = [hop for header in forwarded_for for hop in header.split(",")][-MAX_FORWARDED_HOPS:]
    nearest = peer_ip
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:  # garbage in the chain: believe only what the proxies before it added
            break
        nearest = address
        if not is_trusted(address):
            break
    return str(nearest)


async def get_client_info(request: Request) -> ClientInfo:
    settings: Settings = request.app.state.settings
    return ClientInfo(
        user_agent=request.headers.get("user-agent"),
        ip_address=client_ip(
            request.client.host if request.client else None,
            request.headers.getlist("x-forwarded-for"),
            settings.trusted_proxies,
        ),
    )


Client = Annotated[ClientInfo, Depends(get_client_info)]


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


Limiter = Annotated[RateLimiter, Depends(get_rate_limiter)]

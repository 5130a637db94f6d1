"""Who may use the editors' API: editors by their bearer tokens, and whether reads need one.

The API part of the configuration, read by ``adapters.config``, and kept apart
from ``adapters.http_api`` so reading the configuration never loads aiohttp.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ApiSettings"]


@dataclass(frozen=True)
class ApiSettings:
    """Who may use the API: editors' tokens (token to name), and whether reads need a token."""

    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    open_reads: bool = False

    def editor_for(self, authorization: str | None) -> str | None:
        """The editor a ``Bearer`` token belongs to, compared in constant time against every token, or None."""
        scheme, _, offered = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not offered.strip():
            return None
        found = None
        for token, name in self.tokens.items():
            if hmac.compare_digest(token.encode(), offered.strip().encode()):
                found = name
        return found

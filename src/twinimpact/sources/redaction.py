"""Connection URLs never reach a message: every part of one that could hold a credential
is hidden before a driver's error is shown, however a parser cut the password short."""

from __future__ import annotations

import re


def secrets_of(url: str) -> tuple[list[str], list[str]]:
    """The parts of a connection URL that must never be shown: hidden whole (the URL, its
    user information and user name) and hidden in any fragment (the password as written
    and decoded, and the values of credential-like query keys)."""
    from urllib.parse import unquote

    whole, fragments = {url}, set()
    rest = url.split("://", 1)[-1]
    if "@" in rest:
        userinfo = rest[:rest.rfind("@")]  # a password may itself hold '@', '/', '#' or '?'
        user, _, password = userinfo.partition(":")
        whole |= {userinfo, user, unquote(user)}
        fragments |= {password, unquote(password)}
    for key in ("password", "pwd", "passwd", "token", "secret", "key"):
        for m in re.finditer(rf"[?&;]{key}=([^&;#]*)", url, flags=re.IGNORECASE):
            fragments |= {m.group(1), unquote(m.group(1))}
    order = lambda xs: sorted((x for x in xs if x), key=len, reverse=True)  # noqa: E731
    return order(whole | fragments), order(fragments)


def redact(text: str, url: str | None) -> str:
    """``text`` with a URL's credentials hidden, the password in any fragment of three
    characters or more: a driver that stops parsing at a '#', '/', '?' or '@' inside a
    password echoes only part of it, and that part must not reach a log either."""
    if not url:
        return text
    whole, fragments = secrets_of(url)
    for secret in whole:
        text = text.replace(secret, "<hidden>")
    for secret in fragments:
        for size in range(len(secret), 2, -1):  # fragments, longest first
            for i in range(len(secret) - size + 1):
                piece = secret[i:i + size]
                if piece in text and piece not in "<hidden>":
                    text = text.replace(piece, "<hidden>")
    return text

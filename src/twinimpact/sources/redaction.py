"""Connection URLs never reach a message: every part of one that could hold a credential
is hidden before a driver's error is shown, however a parser cut the password short.

A driver given a password that was not percent-encoded (``p@ss:w/rd``) parses the URL at
the first delimiter inside it and may echo any piece between delimiters ("invalid port
'w'"). Those pieces, and no other text, are hidden: the password as given and as
percent-decoded anywhere; each piece a parser can cut from it (the text between two of
``: / ? # @ & ; =``, two characters or more) where it stands as a token of its own, so an
ordinary word of the message that happens to contain one is left whole. The cure is to
percent-encode the password (:data:`ENCODE_HINT`).
"""

from __future__ import annotations

import re

#: Characters at which a URL parser cuts a password that was not percent-encoded.
DELIMITERS = ":/?#@&;="
#: How to give a password with special characters, for messages.
ENCODE_HINT = ("percent-encode special characters of the password in the URL (@ as %40, : as %3A, / as %2F, "
               "# as %23, ? as %3F, % as %25), e.g. python -c \"import urllib.parse; "
               "print(urllib.parse.quote('<password>', safe=''))\"")
_MARK = "\x00"  # stands for a hidden span while others are still being looked for


def pieces(secret: str) -> set[str]:
    """Every run of ``secret`` between two cut points (its ends and its delimiters) that a
    parser may echo, two characters or more, the whole secret included."""
    cuts = [-1, *(i for i, ch in enumerate(secret) if ch in DELIMITERS), len(secret)]
    out = {secret[a + 1:b] for i, a in enumerate(cuts) for b in cuts[i + 1:]}
    return {p for p in out if len(p) >= 2}


def secrets_of(url: str) -> tuple[list[str], list[str]]:
    """The parts of a connection URL that must never be shown: hidden wherever they appear
    (the URL, its user information and user name, a password or credential-like query
    value of 8 characters or more, as written and decoded), and the pieces a parser may cut
    from a password (:func:`pieces`, a short password itself), hidden where they stand as
    tokens; each longest first."""
    from urllib.parse import unquote

    whole, secret_values = {url}, set()
    rest = url.split("://", 1)[-1]
    if "@" in rest:
        userinfo = rest[:rest.rfind("@")]  # a password may itself hold '@', '/', '#' or '?'
        user, _, password = userinfo.partition(":")
        whole |= {userinfo, user, unquote(user)}
        secret_values |= {password, unquote(password)}
    for key in ("password", "pwd", "passwd", "token", "secret", "key"):
        for m in re.finditer(rf"[?&;]{key}=([^&;#]*)", url, flags=re.IGNORECASE):
            secret_values |= {m.group(1), unquote(m.group(1))}
    spans = set().union(*(pieces(s) for s in secret_values if s)) if secret_values else set()
    spans |= {s for s in whole if len(s) < 8}  # a short user name is hidden where it stands alone
    whole = {s for s in whole | secret_values if len(s) >= 8}  # long enough never to be part of a word by chance
    order = lambda xs: sorted((x for x in xs if x), key=len, reverse=True)  # noqa: E731
    return order(whole), order(spans - whole)


def redact(text: str, url: str | None) -> str:
    """``text`` with a URL's credentials hidden as ``<hidden>`` (:func:`secrets_of`): the
    whole secrets anywhere, the pieces a parser may cut from a password where they stand
    as tokens (not inside a longer word)."""
    if not url:
        return text
    whole, spans = secrets_of(url)
    for secret in whole:
        text = text.replace(secret, _MARK)
    for span in spans:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(span)}(?![A-Za-z0-9])", _MARK, text, flags=re.IGNORECASE)
    return text.replace(_MARK, "<hidden>")

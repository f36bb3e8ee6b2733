"""MySQL and MariaDB accounts as SQL, and SHOW GRANTS lines: tokenised, and rewritten for
another grantee.

Only the alternating-users strategy names accounts in SQL or copies grants, and only during
setSecret; rotation_handlers.mysql imports this module when it does, so a single-user cold start
does not compile it. This module imports nothing from rotation_handlers.mysql.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rotation_handlers.protocol import StrategyError

_TOKEN = re.compile(
    r"""
      (?P<ident>`(?:[^`]|``)*`)                  # `identifier`, `` inside
    | (?P<string>'(?:[^'\\]|\\.|'')*'             # 'string', \x or '' inside
               |"(?:[^"\\]|\\.|"")*")             # "string"
    | (?P<at>@)
    | (?P<word>[^\s`'"@]+)                        # keywords, *.*, commas, parentheses
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"0": "\x00", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_GRANTEE_KEYWORDS = frozenset({"TO", "FROM", "FOR"})


def quote_ident(name: str) -> str:
    """A MySQL identifier in backticks (embedded backticks doubled, NUL refused)."""
    if "\x00" in name:
        raise StrategyError("a user or host name contains a NUL character")
    return "`" + name.replace("`", "``") + "`"


def account(user: str, host: str) -> str:
    """``user@host`` as SQL: two backtick-quoted identifiers."""
    return f"{quote_ident(user)}@{quote_ident(host)}"


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, at, word
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words

    def value(self) -> str:
        """The name this token spells (quotes removed, escapes resolved)."""
        if self.kind == "ident":
            return self.text[1:-1].replace("``", "`")
        if self.kind == "string":
            quote, body = self.text[0], self.text[1:-1]
            body = body.replace(quote * 2, quote)
            return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)
        return self.text


def tokens(line: str) -> list[Token]:
    """``line`` split into identifiers, strings, ``@`` and bare words, with their positions."""
    found: list[Token] = []
    position = 0
    for match in _TOKEN.finditer(line):
        if line[position : match.start()].strip():
            raise StrategyError("a SHOW GRANTS line has an unterminated quote")
        kind = match.lastgroup or "word"
        found.append(Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    if line[position:].strip():
        raise StrategyError("a SHOW GRANTS line has an unterminated quote")
    return found


def _grantee(found: list[Token], user: str, host: str) -> tuple[int, int] | None:
    """Index range [first, last] of the tokens spelling ``user@host`` after TO/FROM/FOR."""
    for index in range(len(found) - 3):
        keyword, name, at, where = found[index : index + 4]
        if (
            keyword.is_word(*_GRANTEE_KEYWORDS)
            and name.kind in ("ident", "string", "word")
            and at.kind == "at"
            and where.kind in ("ident", "string", "word")
            and name.value() == user
            and where.value() == host
        ):
            return index + 1, index + 3
    return None


@dataclass(frozen=True)
class GrantLine:
    """One SHOW GRANTS line, rewritten for another grantee: ``sql`` is safe to execute."""

    sql: str
    #: privileges, role, default-role, revoke (MySQL 8 partial revokes), account (ALTER USER
    #: with REQUIRE / resource limits), usage (nothing to do)
    kind: str

    @property
    def key(self) -> tuple[str, ...]:
        """What two equal grants share: the tokens, with column lists sorted (the server
        prints ``UPDATE (`a`, `b`)`` in no fixed order)."""
        key: list[str] = []
        columns: list[str] | None = None
        for token in tokens(self.sql):
            if columns is None:
                key.append(token.text)
                if token.kind == "word" and token.text.endswith("("):
                    columns = []
            elif token.kind == "ident":
                columns.append(token.text)
            elif token.kind == "word" and token.text.startswith(")"):
                key.extend([", ".join(sorted(columns)), token.text])
                columns = None
        return tuple(key)


def rewrite_grant(line: str, user: str, host: str, new_account: str) -> GrantLine | None:
    """``line`` (from ``SHOW GRANTS FOR user@host``) granting the same to ``new_account``.

    The grantee is found by parsing, so quoted (``'u'@'h'``) and backtick (```u`@`h```) forms
    and names holding quotes, backticks or SQL work alike. The ``IDENTIFIED ...`` clause
    MariaDB prints (a password hash, or an auth plugin's string) is dropped; PROXY grants are
    not copied (None). WITH GRANT/ADMIN OPTION is kept; the global USAGE line becomes an
    ``ALTER USER`` carrying its REQUIRE and resource limits (kind "account"), or nothing to run
    (kind "usage").
    """
    found = tokens(line)
    if not found:
        return None
    first = found[0]
    if (
        first.is_word("GRANT")
        and len(found) > 2
        and found[1].is_word("PROXY")
        and found[2].is_word("ON")
    ):
        return None
    span = _grantee(found, user, host)
    if span is None:
        raise StrategyError(
            f"cannot find the grantee {account(user, host)} in a SHOW GRANTS line starting "
            f"{' '.join(t.text for t in found[:2] if t.kind == 'word')!r}"
        )
    begin, end = found[span[0]].start, found[span[1]].end
    tail = line[end:]
    rest = found[span[1] + 1 :]
    identified = next((i for i, t in enumerate(rest) if t.is_word("IDENTIFIED")), None)
    if identified is not None:
        # IDENTIFIED BY PASSWORD '<hash>' / IDENTIFIED VIA plugin USING '...' [OR ...] runs
        # up to REQUIRE or WITH (strings are single tokens, so a hash cannot look like them).
        resume = next((t for t in rest[identified + 1 :] if t.is_word("REQUIRE", "WITH")), None)
        tail = line[end : rest[identified].start].rstrip()
        if resume is not None:
            tail += " " + line[resume.start :]
    sql = line[:begin] + new_account + tail
    before = found[: span[0] - 1]
    global_usage = [t.text.upper() for t in before] == ["GRANT", "USAGE", "ON", "*.*"]
    if global_usage and "GRANT OPTION" not in " ".join(tail.upper().split()):
        # USAGE grants nothing, and GRANT ... ON *.* would need the global GRANT OPTION: what
        # the line carries besides (MariaDB's REQUIRE and resource limits) is ALTER USER's.
        if tail.strip():
            return GrantLine(f"ALTER USER {new_account} {tail.strip()}", "account")
        return GrantLine(f"GRANT USAGE ON *.* TO {new_account}", "usage")
    if first.is_word("GRANT"):
        kind = "privileges" if any(t.is_word("ON") for t in before) else "role"
    elif first.is_word("SET"):
        kind = "default-role"
    elif first.is_word("REVOKE"):
        kind = "revoke"  # MySQL 8 partial revokes
    else:
        raise StrategyError(f"unexpected SHOW GRANTS statement {first.text!r}")
    return GrantLine(sql.strip(), kind)


def role_revocation(line: GrantLine, new_account: str) -> str:
    """``REVOKE <roles> FROM new_account`` undoing a role grant line made for it."""
    found = tokens(line.sql)
    to = next(i for i, t in enumerate(found) if t.is_word("TO"))
    roles = line.sql[found[1].start : found[to - 1].end]
    return f"REVOKE {roles} FROM {new_account}"

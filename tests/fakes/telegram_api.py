"""Loopback fake of the Telegram Bot API for tests.

The real ``python-telegram-bot`` ``Application``/``Bot`` talks to it over HTTP; nothing inside
the library is patched::

    with FakeTelegram(token="123:ABC") as tg:
        app = (
            ApplicationBuilder()
            .token(tg.token)
            .base_url(tg.base_url)            # http://127.0.0.1:<port>/bot
            .base_file_url(tg.base_file_url)  # http://127.0.0.1:<port>/file/bot
            .build()
        )
        ...
        tg.push_message(chat_id=42, user_id=42, text="안녕하세요")
        tg.wait_for_calls("sendMessage")          # blocking: only from a thread that does
                                                  # not run the bot's event loop
        await tg.async_wait_for_calls("sendMessage")  # from inside the bot's event loop
        tg.assert_no_violations()

Spec
----
Every request is validated against the machine-readable Bot API description in
``/work/shared/telegram/bot-api-10.1.json`` (Bot API 10.1, June 11 2026; generated from the
official documentation by PaulSonOfLars/telegram-bot-api-spec, MIT).  Its layout is::

    {"version": ..., "methods": {"sendMessage": {"name", "href", "description",
                                                 "returns": ["Message"],
                                                 "fields": [{"name", "types", "required",
                                                             "description"}, ...]}, ...},
     "types": {"Message": {"name", "fields": [...]} |
               "ChatMember": {"name", "subtypes": ["ChatMemberOwner", ...]}, ...}}

``types`` entries are ``"Integer"``, ``"String"``, ``"Boolean"``, ``"Float"``, ``"InputFile"``,
``"Array of X"`` (nestable) or the name of an object type.  A field with several ``types`` accepts
any of them (``["Integer", "String"]`` for ``chat_id``).  Override the path with the environment
variable ``FAKE_TELEGRAM_SPEC``.

What is validated (each problem is appended to ``tg.violations`` and answered with an error):

* the token (``/bot<token>/<method>``): wrong but well-formed -> 401 ``Unauthorized``,
  malformed -> 404 ``Not Found`` (as Telegram does; neither is a *violation*);
* the method name exists in the spec (matched case-insensitively, as Telegram does) - unknown
  methods are answered 404 ``Not Found`` exactly like the real API (PTB turns that into
  ``InvalidToken``/``EndPointNotFound``);
* all required parameters are present, no unknown parameters are sent;
* values have the spec's type: Integer / Float / Boolean / String / InputFile; JSON-serialised
  objects and arrays are decoded (PTB sends ``application/x-www-form-urlencoded`` - or
  ``multipart/form-data`` when uploading - with every non-string value ``json.dumps``-ed, see
  ``telegram/request/_requestparameter.py`` and ``_httpxrequest.py``; JSON bodies and GET query
  strings are accepted too) and checked recursively against the object type: required fields,
  unknown fields, field types, the ``type`` discriminator of union types (``BotCommandScope``,
  ``InputMedia``...).

Violations are answered ``400 Bad Request: <problem>``.  Besides the spec, a few semantic rules of
the real server are reproduced and answered like Telegram (recorded in ``tg.errors``, not as
violations): text/caption length and emptiness, HTML / MarkdownV2 / Markdown entity parsing
(``can't parse entities: ...``), ``message is not modified``, ``message to edit not found``,
``BUTTON_DATA_INVALID`` (callback_data > 64 bytes), unknown callback query ids, chat actions,
bot command syntax, ``getUpdates`` while a webhook is set (409).

Telegram's limits and chat states (opt-in; off by default)
----------------------------------------------------------
* ``FakeTelegram(limits=True)`` (or ``limits=Limits(...)``, or ``tg.limits(per_second=30,
  private_per_second=1, group_per_minute=20, methods=None)`` at any time; ``tg.limits(False)``
  stops): at most 30 sending calls in any 1 s over all chats, 1 in any 1 s to one private chat,
  20 in any 60 s to one group/supergroup/channel; over a limit -> 429 ``Too Many Requests:
  retry after X`` + ``parameters.retry_after`` (PTB: ``RetryAfter``). Sending calls:
  ``telegram_limits.SENDING_METHODS`` (send* but sendChatAction, copy*/forward*, editMessage*,
  stopPoll, stopMessageLiveLocation). ``tg.rate_limited`` counts the 429s served,
  ``tg.rate_limit_hits`` lists them; ``tg.send_log`` / ``tg.send_times(chat_id)`` hold every
  accepted send (``time.monotonic()``, also with limits off) and ``tg.max_sends_in(1.0)`` /
  ``tg.max_sends_per_chat_in(1.0)`` give the busiest window, for "never more than 30 a second".
* ``tg.block(chat_id)`` -> sends (and sendChatAction) answer 403 ``Forbidden: bot was blocked by
  the user`` (groups: ``...kicked from the group chat``); ``tg.unblock(chat_id)``.
* ``tg.migrate(old, new=None, announce=False)`` -> every call to ``old`` answers 400 ``group chat
  was upgraded to a supergroup chat`` + ``parameters.migrate_to_chat_id`` (PTB: ``ChatMigrated``);
  the new supergroup works and keeps the members.
* ``tg.set_member(chat_id, user_id, "creator" | "administrator" | "member" | "restricted" |
  "left" | "kicked", **fields)`` -> getChatMember answers that ChatMember* object,
  getChatAdministrators the creator and administrators.

The server runs on ``127.0.0.1`` on an ephemeral port, in an aiohttp application that owns its
own thread and event loop.  All state lives behind one ``threading.Condition``; every public
helper is thread-safe.  Helpers that *block* (``wait_for*``, ``deliver_webhook``) refuse to run
inside a running event loop - in ``pytest-asyncio`` tests the bot shares the test's loop, so use
the ``async_*`` twins there.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import difflib
import functools
import html
import itertools
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx
from aiohttp import ClientSession, ClientTimeout, web

from tests.fakes.telegram_chat_rules import ChatRules
from tests.fakes.telegram_limits import Limits, RateLimitHit

__all__ = [
    "DEFAULT_SPEC_PATH",
    "ApiError",
    "ApiSpec",
    "Call",
    "FakeTelegram",
    "FileUpload",
    "Limits",
    "RateLimitHit",
    "RequestRecord",
    "SentMessage",
    "fake_telegram",
    "load_spec",
    "parse_entities",
]

log = logging.getLogger("tests.fakes.telegram_api")

DEFAULT_SPEC_PATH = Path(
    os.environ.get("FAKE_TELEGRAM_SPEC", "/work/shared/telegram/bot-api-10.1.json")
)

_PRIMITIVES = {"Integer", "String", "Boolean", "Float", "True", "InputFile"}
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_INT_RE = re.compile(r"[+-]?\d+")
_CONST_RE = re.compile(r"(?:must be|always) [\"“]?([A-Za-z_][\w-]*)")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types a bot gets when allowed_updates is unset or [] (see getUpdates in the spec).
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_PREFERRED_SUBTYPE = {
    "ChatMember": "ChatMemberMember",
    "MaybeInaccessibleMessage": "Message",
    "MenuButton": "MenuButtonDefault",
    "BotCommandScope": "BotCommandScopeDefault",
}
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------


class Call(NamedTuple):
    """One API call made by the bot: ``(method, params)`` with the canonical method name and the
    decoded parameters (JSON-serialised values already parsed)."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class FileUpload:
    """A file the bot uploaded with ``multipart/form-data``."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class RequestRecord:
    """Everything about one HTTP request to the API endpoint."""

    method: str
    params: dict[str, Any]
    http_method: str
    content_type: str
    status: int
    response: dict[str, Any]
    at: float
    attachments: dict[str, FileUpload] = field(default_factory=dict)


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent (``send*``/``copyMessage``...) or edited (``editMessage*``).

    ``text`` is what the bot sent (``text`` or ``caption`` parameter, markup included);
    ``plain_text``/``entities`` are what Telegram made of it after parsing ``parse_mode``.
    """

    method: str
    chat_id: int | str | None
    message_id: int | None
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    entities: list[dict[str, Any]] | None
    plain_text: str | None
    edited: bool
    params: dict[str, Any]
    message: dict[str, Any] | None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Flat list of the inline keyboard buttons (empty when there is none)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


class ApiError(Exception):
    """Raised by method implementations to answer ``{"ok": false, ...}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters or None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class _Failure:
    method: str  # lower-case, or "*"
    error_code: int
    description: str
    parameters: dict[str, Any] | None
    times: int | None  # None = forever
    chat_id: int | str | None


# --------------------------------------------------------------------------------------------
# spec
# --------------------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, FileUpload):
        return "InputFile"
    return type(value).__name__


class ApiSpec:
    """The Bot API description from ``bot-api-10.1.json`` plus validation helpers."""

    def __init__(self, data: dict[str, Any], source: str = "") -> None:
        self.source = source
        self.version: str = data.get("version", "?")
        self.methods: dict[str, dict[str, Any]] = data["methods"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self._lower = {name.lower(): name for name in self.methods}

    # -- lookup ------------------------------------------------------------------------------

    def method(self, name: str) -> dict[str, Any] | None:
        """The method's spec, matching the name case-insensitively like Telegram."""
        canonical = self._lower.get(name.lower())
        return self.methods[canonical] if canonical else None

    def suggest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(self.methods), n=3, cutoff=0.6)

    def returns(self, method: str) -> list[str]:
        return list(self.methods[method].get("returns") or [])

    # -- validation --------------------------------------------------------------------------

    def check_params(
        self,
        method: str,
        params: dict[str, Any],
        *,
        textual: bool,
        attachments: frozenset[str] = frozenset(),
    ) -> tuple[dict[str, Any], list[str]]:
        """Decode and check ``params`` of ``method``; returns ``(decoded, problems)``.

        ``textual`` is true when the values arrived as text (query string, urlencoded or
        multipart form) and have to be decoded according to the spec's types.
        """
        spec = self.methods[method]
        fields = {f["name"]: f for f in spec.get("fields") or []}
        decoded: dict[str, Any] = {}
        problems: list[str] = []
        for name, f in fields.items():
            if f["required"] and name not in params:
                problems.append(f"missing required parameter '{name}'")
        for name, value in params.items():
            f = fields.get(name)
            if f is None:
                hint = difflib.get_close_matches(name, list(fields), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                problems.append(f"unknown parameter '{name}'{extra}")
                decoded[name] = value
                continue
            value, errs = self.check_value(
                f["types"], value, name, textual=textual, attachments=attachments
            )
            decoded[name] = value
            problems.extend(errs)
        return decoded, problems

    def check_value(
        self,
        types: list[str],
        value: Any,
        path: str,
        *,
        textual: bool = False,
        attachments: frozenset[str] = frozenset(),
    ) -> tuple[Any, list[str]]:
        """Check ``value`` against alternatives ``types``; returns ``(decoded, problems)``."""
        best: tuple[Any, list[str]] | None = None
        for t in types:
            decoded, errs = self._match(t, value, path, textual, attachments)
            if not errs:
                return decoded, []
            if best is None or len(errs) < len(best[1]):
                best = (decoded, errs)
        assert best is not None
        if len(types) > 1 and all(e.startswith(f"'{path}': expected") for e in best[1]):
            wanted = " or ".join(types)
            return value, [f"'{path}': expected {wanted}, got {_type_name(value)} {value!r:.60}"]
        return best

    def _match(
        self, t: str, value: Any, path: str, textual: bool, attachments: frozenset[str]
    ) -> tuple[Any, list[str]]:
        def bad() -> tuple[Any, list[str]]:
            return value, [f"'{path}': expected {t}, got {_type_name(value)} {value!r:.60}"]

        if t == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value, []
            if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
                return int(value), []
            return bad()
        if t == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value), []
            if isinstance(value, str):
                try:
                    return float(value), []
                except ValueError:
                    return bad()
            return bad()
        if t in ("Boolean", "True"):
            if isinstance(value, bool):
                return value, []
            if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
                return value.strip().lower() in ("true", "1"), []
            if isinstance(value, int) and value in (0, 1):
                return bool(value), []
            return bad()
        if t == "String":
            if isinstance(value, str):
                if value.startswith("attach://") and value[9:] not in attachments:
                    return value, [f"'{path}': {value} names no uploaded multipart part"]
                return value, []
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value), []  # Telegram converts numbers
            return bad()
        if t == "InputFile":
            if isinstance(value, FileUpload):
                return value, []
            if isinstance(value, str):
                if value.startswith("attach://") and value[9:] not in attachments:
                    return value, [f"'{path}': {value} names no uploaded multipart part"]
                return value, []
            return bad()
        # structured: arrays and objects may arrive JSON-serialised
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value, [f"'{path}': expected JSON-serialized {t}, got {value!r:.60}"]
        if t.startswith("Array of "):
            inner = t[len("Array of ") :]
            if not isinstance(value, list):
                return bad()
            out: list[Any] = []
            problems: list[str] = []
            for i, item in enumerate(value):
                item_value, errs = self.check_value(
                    [inner], item, f"{path}[{i}]", attachments=attachments
                )
                out.append(item_value)
                problems.extend(errs)
            return out, problems
        return value, self.check_object(t, value, path, attachments=attachments)

    def check_object(
        self,
        type_name: str,
        value: Any,
        path: str = "",
        *,
        attachments: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Problems of ``value`` as an instance of spec type ``type_name`` (``[]`` if fine)."""
        path = path or type_name
        spec = self.types.get(type_name)
        if spec is None:
            return []  # a type the spec does not describe: nothing to check
        if spec.get("subtypes"):
            results = []
            for sub in spec["subtypes"]:
                errs = self.check_object(sub, value, path, attachments=attachments)
                if not errs:
                    return []
                results.append((self._discriminator_mismatch(sub, value), len(errs), sub, errs))
            results.sort(key=lambda r: (r[0], r[1]))
            _, _, sub, errs = results[0]
            return [f"{e} (as {sub})" for e in errs]
        if not isinstance(value, dict):
            return [f"'{path}': expected {type_name} object, got {_type_name(value)}"]
        fields = {f["name"]: f for f in spec.get("fields") or []}
        if not fields:
            return []
        problems: list[str] = []
        for name, f in fields.items():
            if f["required"] and name not in value:
                problems.append(f"'{path}': {type_name} lacks required field '{name}'")
        for name, item in value.items():
            f = fields.get(name)
            if f is None:
                problems.append(f"'{path}': unknown field '{name}' for {type_name}")
                continue
            _, errs = self.check_value(f["types"], item, f"{path}.{name}", attachments=attachments)
            problems.extend(errs)
            const = self.constant(f)
            if const is not None and item != const:
                problems.append(f"'{path}.{name}': must be {const!r} for {type_name}")
        return problems

    def _discriminator_mismatch(self, type_name: str, value: Any) -> int:
        if not isinstance(value, dict):
            return 1
        for f in self.types.get(type_name, {}).get("fields") or []:
            const = self.constant(f)
            if const is not None and value.get(f["name"]) != const:
                return 1
        return 0

    @staticmethod
    @functools.cache
    def _constant_of(description: str) -> str | None:
        m = _CONST_RE.search(description)
        return m.group(1) if m else None

    def constant(self, f: dict[str, Any]) -> str | None:
        """Fixed value of a discriminator field (``"Scope type, must be chat"`` -> ``chat``)."""
        if f.get("types") != ["String"] or not f.get("required"):
            return None
        if f.get("name") not in ("type", "status", "source"):
            return None
        return self._constant_of(f.get("description") or "")

    # -- synthesis ---------------------------------------------------------------------------

    def synthesize(self, type_name: str, _depth: int = 0) -> Any:
        """A minimal instance of ``type_name``: required fields only, placeholder values."""
        if type_name == "Integer":
            return 0
        if type_name == "Float":
            return 0.0
        if type_name in ("Boolean", "True"):
            return type_name == "True"
        if type_name in ("String", "InputFile"):
            return ""
        if type_name.startswith("Array of "):
            return []
        spec = self.types.get(type_name)
        if spec is None or _depth > 8:
            return {}
        if spec.get("subtypes"):
            sub = _PREFERRED_SUBTYPE.get(type_name, spec["subtypes"][0])
            return self.synthesize(sub, _depth + 1)
        out: dict[str, Any] = {}
        for f in spec.get("fields") or []:
            if not f["required"]:
                continue
            const = self.constant(f)
            out[f["name"]] = (
                const if const is not None else self.synthesize(f["types"][0], _depth + 1)
            )
        return out


@functools.cache
def load_spec(path: str | Path = DEFAULT_SPEC_PATH) -> ApiSpec:
    """Load (once per path) the Bot API description, e.g. ``bot-api-10.1.json``."""
    path = Path(path)
    return ApiSpec(json.loads(path.read_text(encoding="utf-8")), source=str(path))


# --------------------------------------------------------------------------------------------
# formatting (parse_mode) - a faithful-enough re-implementation of Telegram's entity parsers
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    pass


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _boff(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0  # UTF-16 offset of the end of the output
        self.entities: list[dict[str, Any]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += _u16(s)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            e = {"type": kind, "offset": start, "length": self.pos - start}
            e.update({k: v for k, v in extra.items() if v is not None})
            self.entities.append(e)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_ATTR_RE = re.compile(r"""([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    stack: list[tuple[str, int, dict[str, Any]]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            j = text.find(">", i)
            if j == -1:
                raise EntityParseError(f"Unclosed start tag at byte offset {_boff(text, i)}")
            inner = text[i + 1 : j]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {_boff(text, i)}")
                tag, start, attrs = stack[-1]
                if name != tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_boff(text, i)}, "
                        f'expected "</{tag}>", found "</{name}>"'
                    )
                stack.pop()
                _close_html(out, tag, start, attrs, stack)
            else:
                m = re.match(r"([A-Za-z][\w-]*)(.*)$", inner, re.S)
                name = m.group(1).lower() if m else ""
                if name not in _HTML_TAGS:
                    raise EntityParseError(
                        f'Unsupported start tag "{name}" at byte offset {_boff(text, i)}'
                    )
                attrs = {
                    a.group(1).lower(): next((g for g in a.groups()[1:] if g is not None), "")
                    for a in _ATTR_RE.finditer(m.group(2) if m else "")
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset {_boff(text, i)}'
                    )
                stack.append((name, out.pos, {k: html.unescape(v) for k, v in attrs.items()}))
            i = j + 1
        elif c == "&":
            m = re.match(r"&(#[xX][0-9a-fA-F]+|#\d+|lt|gt|amp|quot);", text[i:])
            if m:
                out.add(html.unescape(m.group(0)))
                i += len(m.group(0))
            else:
                out.add(c)
                i += 1
        else:
            j = i
            while j < n and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html(
    out: _Builder, tag: str, start: int, attrs: dict[str, str], stack: list[Any]
) -> None:
    kind = _HTML_TAGS[tag]
    if tag == "a":
        href = attrs.get("href", "")
        m = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if m:
            out.entity(
                "text_mention",
                start,
                user={"id": int(m.group(1)), "is_bot": False, "first_name": ""},
            )
        elif href:
            out.entity("text_link", start, url=href)
        return
    if tag == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][2]["__language"] = lang[len("language-") :]
            return
    if tag == "pre":
        out.entity("pre", start, language=attrs.get("__language"))
        return
    if tag == "blockquote" and "expandable" in attrs:
        out.entity("expandable_blockquote", start)
        return
    if tag == "tg-emoji":
        out.entity("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id"))
        return
    if tag == "tg-time":
        unix = attrs.get("unix")
        out.entity("date_time", start, unix_time=int(unix) if unix and unix.isdigit() else None)
        return
    out.entity(kind, start)


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _find_unescaped(text: str, token: str, start: int) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(token, i):
            return i
        i += 1
    return -1


def _unescape_md(s: str) -> str:
    return re.sub(r"\\([\x01-\x7e])", r"\1", s)


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # kind, utf16 start, char index
    quote_start: int | None = None
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start:
            at_line_start = False
            if text.startswith("**>", i) or c == ">":
                if quote_start is None:
                    quote_start = out.pos
                i += 3 if c == "*" else 1
                continue
            if quote_start is not None:
                out.entity("blockquote", quote_start)
                quote_start = None
        if c == "\\":
            if i + 1 < n and 1 <= ord(text[i + 1]) <= 126:
                out.add(text[i + 1])
                i += 2
            else:
                out.add(c)
                i += 1
            continue
        if c == "\n":
            out.add(c)
            i += 1
            at_line_start = True
            continue
        if c == "`":
            if text.startswith("```", i):
                end = _find_unescaped(text, "```", i + 3)
                if end == -1:
                    raise EntityParseError(
                        f"Can't find end of Pre entity at byte offset {_boff(text, i)}"
                    )
                body = text[i + 3 : end]
                language = None
                first, nl, rest = body.partition("\n")
                if nl and first and not re.search(r"\s", first):
                    language, body = first, rest
                start = out.pos
                out.add(_unescape_md(body))
                out.entity("pre", start, language=language)
                i = end + 3
            else:
                end = _find_unescaped(text, "`", i + 1)
                if end == -1:
                    raise EntityParseError(
                        f"Can't find end of Code entity at byte offset {_boff(text, i)}"
                    )
                start = out.pos
                out.add(_unescape_md(text[i + 1 : end]))
                out.entity("code", start)
                i = end + 1
            continue
        kind = None
        width = 1
        if c == "*":
            kind = "bold"
        elif c == "_":
            if text.startswith("__", i):
                kind, width = "underline", 2
            else:
                kind = "italic"
        elif c == "~":
            kind = "strikethrough"
        elif c == "|" and text.startswith("||", i):
            kind, width = "spoiler", 2
        elif c == "[" or (c == "!" and text.startswith("![", i)):
            kind = "custom_emoji" if c == "!" else "text_link"
            stack.append((kind, out.pos, i))
            i += 2 if c == "!" else 1
            continue
        elif c == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, opened = stack.pop()
            if not text.startswith("(", i + 1):
                raise EntityParseError(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
                    f"{_boff(text, opened)}"
                )
            end = _find_unescaped(text, ")", i + 2)
            if end == -1:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_boff(text, i + 1)}"
                )
            url = _unescape_md(text[i + 2 : end])
            if kind == "custom_emoji":
                emoji_id = url.partition("id=")[2] or None
                out.entity("custom_emoji", start, custom_emoji_id=emoji_id)
            elif m := re.fullmatch(r"tg://user\?id=(\d+)", url):
                out.entity(
                    "text_mention",
                    start,
                    user={"id": int(m.group(1)), "is_bot": False, "first_name": ""},
                )
            else:
                out.entity("text_link", start, url=url)
            i = end + 1
            continue
        if kind is not None:
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                out.entity(kind, start)
            elif any(s[0] == kind for s in stack):
                opened = next(s for s in stack if s[0] == kind)[2]
                raise EntityParseError(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
                    f"{_boff(text, opened)}"
                )
            else:
                stack.append((kind, out.pos, i))
            i += width
            continue
        if c in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        j = i
        while j < n and text[j] not in _MDV2_RESERVED and text[j] not in "\\\n":
            j += 1
        out.add(text[i:j])
        i = j
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        kind, _, opened = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {_boff(text, opened)}"
        )
    return out.result()


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    i, n = 0, len(text)
    marks = {"*": "bold", "_": "italic"}
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c in marks or c == "`" or c == "[":
            token = "```" if text.startswith("```", i) else ("]" if c == "[" else c)
            body_start = i + (3 if token == "```" else 1)
            end = text.find(token, body_start)
            if end == -1:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_boff(text, i)}"
                )
            body = text[body_start:end]
            start = out.pos
            if token == "]":
                out.add(body)
                if text.startswith("(", end + 1) and (close := text.find(")", end + 2)) != -1:
                    out.entity("text_link", start, url=text[end + 2 : close])
                    i = close + 1
                else:
                    i = end + 1
                continue
            if token == "```":
                language = None
                first, nl, rest = body.partition("\n")
                if nl and first and not re.search(r"\s", first):
                    language, body = first, rest
                out.add(body)
                out.entity("pre", start, language=language)
                i = end + 3
                continue
            out.add(body)
            out.entity(marks.get(c, "code"), start)
            i = end + 1
            continue
        out.add(c)
        i += 1
    return out.result()


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Telegram-side result of ``text`` + ``parse_mode``: ``(plain_text, entities)``.

    Raises :class:`EntityParseError` with Telegram's wording (without the
    ``Bad Request: can't parse entities:`` prefix) when the markup is invalid.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    if mode:
        raise EntityParseError(f"Unsupported parse_mode {parse_mode!r}")
    return text, []


_AUTO_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?)"
    r"|(?P<mention>(?<!\w)@[A-Za-z][A-Za-z0-9_]{3,31})"
    r"|(?P<url>https?://[^\s<>\"]+)"
)


def _auto_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's client-side detection would attach to a user's plain text."""
    out = []
    for m in _AUTO_ENTITY_RE.finditer(text):
        kind = m.lastgroup or "url"
        out.append(
            {
                "type": kind,
                "offset": _u16(text[: m.start()]),
                "length": _u16(m.group(0)),
            }
        )
    return out


def _attach_refs(value: Any) -> set[str]:
    """Names referenced as ``attach://<name>`` anywhere inside ``value``."""
    if isinstance(value, str):
        return {value[9:]} if value.startswith("attach://") else set()
    if isinstance(value, dict):
        return set().union(*(_attach_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_attach_refs(v) for v in value))
    return set()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --------------------------------------------------------------------------------------------
# the fake server
# --------------------------------------------------------------------------------------------


class FakeTelegram(ChatRules):
    """A loopback Telegram Bot API server backed by ``bot-api-10.1.json``.

    Use as a context manager (``with FakeTelegram() as tg:``) or call :meth:`start` /
    :meth:`stop`.  See the module docstring for what is validated.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Bot",
        spec_path: str | Path = DEFAULT_SPEC_PATH,
        reject_violations: bool = True,
        auto_deliver_webhook: bool = True,
        webhook_retry_delay: float = 0.5,
        max_poll_timeout: float = 50.0,
        first_update_id: int = 100_000_001,
        limits: bool | Limits = False,
    ) -> None:
        self.token = token
        self.spec = load_spec(str(spec_path))
        self.reject_violations = reject_violations
        self.auto_deliver_webhook = auto_deliver_webhook
        self.webhook_retry_delay = webhook_retry_delay
        self.max_poll_timeout = max_poll_timeout
        head = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(head) if head.isdigit() else 123456789,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._requests: list[RequestRecord] = []
        self._violations: list[str] = []
        self._answer_problems: list[str] = []
        self._errors: list[tuple[str, int, str]] = []
        self._sent: list[SentMessage] = []
        self._updates: list[dict[str, Any]] = []  # pending = not yet confirmed
        self._next_update_id = first_update_id
        self._deliveries: dict[int, int] = {}
        self._allowed_updates: list[str] | None = None
        self._chats: dict[int, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._users: dict[int, dict[str, Any]] = {self.bot_user["id"]: dict(self.bot_user)}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._callback_answers: list[dict[str, Any]] = []
        self._files: dict[str, dict[str, Any]] = {}
        self._failures: list[_Failure] = []
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._webhook: dict[str, Any] = {"url": ""}
        self._webhook_deliveries: list[dict[str, Any]] = []
        self._poll_generation = 0
        self._closing = False
        self._ids = itertools.count(1)

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._waiters: set[asyncio.Event] = set()
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wake: asyncio.Event | None = None
        self._attachments: dict[str, FileUpload] = {}  # of the request being dispatched
        self.port: int = 0
        self._init_chat_rules(limits)  # flood limits, blocks, migrations, members

    # ---------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeTelegram:
        """Start serving on ``127.0.0.1:<ephemeral port>`` in a background thread."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve_start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._closing = False
        self._thread = threading.Thread(target=run, name="FakeTelegram", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread = None
            raise RuntimeError("FakeTelegram failed to start") from failure[0]
        if not self.port:
            raise RuntimeError("FakeTelegram did not start within 10 s")
        return self

    async def _serve_start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        self._webhook_wake = asyncio.Event()
        self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    def stop(self) -> None:
        """Stop the server; pending long polls are answered (empty) first."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._wake()

        async def shutdown() -> None:
            if self._webhook_task is not None:
                self._webhook_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._webhook_task
            if self._runner is not None:
                await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None
        self._loop = None

    # --------------------------------------------------------------------------------- URLs

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. ``http://127.0.0.1:40123``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """``<base_url><token>`` - append ``/<method>`` for raw requests."""
        return f"{self.base_url}{self.token}"

    # ------------------------------------------------------------------------------ records

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every call, in arrival order (``(method, params)`` tuples)."""
        with self._lock:
            return list(self._calls)

    @property
    def requests(self) -> list[RequestRecord]:
        """Snapshot of every HTTP request with its status and JSON response."""
        with self._lock:
            return list(self._requests)

    @property
    def violations(self) -> list[str]:
        """Spec violations found so far (``"sendMessage: missing required parameter ..."``)."""
        with self._lock:
            return list(self._violations)

    @property
    def answer_problems(self) -> list[str]:
        """Self-check of the fake: answers that do not match the spec's return type."""
        with self._lock:
            return list(self._answer_problems)

    @property
    def errors(self) -> list[tuple[str, int, str]]:
        """Every ``ok: false`` answer given: ``(method, error_code, description)``."""
        with self._lock:
            return list(self._errors)

    @property
    def webhook(self) -> dict[str, Any]:
        """Current webhook settings (``url`` is ``""`` when none is set)."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Updates POSTed to a webhook: ``{"url", "update", "status", "error"}``."""
        with self._lock:
            return copy.deepcopy(self._webhook_deliveries)

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Parameters of every successful ``answerCallbackQuery``."""
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    @property
    def delivery_counts(self) -> dict[int, int]:
        """``update_id -> how many times it was handed out`` (getUpdates or webhook)."""
        with self._lock:
            return dict(self._deliveries)

    @property
    def allowed_updates(self) -> list[str] | None:
        with self._lock:
            return None if self._allowed_updates is None else list(self._allowed_updates)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of ``method`` (case-insensitive)."""
        wanted = method.lower()
        with self._lock:
            return [copy.deepcopy(c.params) for c in self._calls if c.method.lower() == wanted]

    def call_count(self, method: str) -> int:
        wanted = method.lower()
        with self._lock:
            return sum(1 for c in self._calls if c.method.lower() == wanted)

    def sent_messages(self, chat_id: int | str | None = None) -> list[SentMessage]:
        """Messages the bot sent or edited, oldest first, optionally only in ``chat_id``."""
        with self._lock:
            return [
                m
                for m in self._sent
                if chat_id is None or m.chat_id == chat_id or str(m.chat_id) == str(chat_id)
            ]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a stored message (incoming or the bot's)."""
        with self._lock:
            msg = self._messages.get((int(chat_id), int(message_id)))
            return copy.deepcopy(msg) if msg else None

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list:
        """Commands stored by ``setMyCommands`` for ``scope``/``language_code``."""
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def clear_records(self) -> None:
        """Forget calls, requests, violations, errors, sent messages, the accepted-send log
        and the 429s counted (not chats, updates, blocks, members or the limits' windows)."""
        with self._cond:
            self._calls.clear()
            self._requests.clear()
            self._violations.clear()
            self._answer_problems.clear()
            self._errors.clear()
            self._sent.clear()
            self._flood.clear_log()
            self._cond.notify_all()

    def assert_no_violations(self) -> None:
        """Raise ``AssertionError`` listing all spec violations, if any."""
        found = self.violations
        if found:
            lines = "\n  ".join(found)
            raise AssertionError(f"{len(found)} Bot API violation(s):\n  {lines}")

    def validate_object(self, type_name: str, value: Any) -> list[str]:
        """Problems of ``value`` as spec type ``type_name`` (e.g. ``"Update"``)."""
        return self.spec.check_object(type_name, value)

    def summary(self, last: int = 25) -> str:
        """Human-readable state: recent calls, violations, errors, pending updates."""
        with self._lock:
            lines = [
                f"FakeTelegram {self.url} ({self.spec.version}): {len(self._calls)} call(s), "
                f"{len(self._updates)} pending update(s), webhook={self._webhook.get('url')!r}"
            ]
            for rec in self._requests[-last:]:
                params = {k: v for k, v in rec.params.items() if k != "reply_markup"}
                lines.append(f"  {rec.status} {rec.method} {json.dumps(params, default=str)[:150]}")
            if self._violations:
                lines.append("violations:")
                lines.extend(f"  {v}" for v in self._violations)
            if self._errors:
                lines.append("errors:")
                lines.extend(f"  {m}: {c} {d}" for m, c, d in self._errors[-10:])
            return "\n".join(lines)

    # ------------------------------------------------------------------------------ waiting

    @staticmethod
    def _refuse_in_loop(name: str) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        raise RuntimeError(
            f"FakeTelegram.{name}() blocks and was called from a running event loop (which most "
            f"likely also runs the bot). Use `await tg.async_{name}(...)` instead."
        )

    def _wait(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout:g} s waiting for {what}\n{self.summary()}"
                    )
                self._cond.wait(min(remaining, 0.25))

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10) -> Any:
        """Block until ``predicate()`` is truthy (re-checked on every state change)."""
        self._refuse_in_loop("wait_for")
        return self._wait(predicate, timeout, getattr(predicate, "__name__", "predicate"))

    def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """Block until ``method`` was called at least ``count`` times; returns their params."""
        self._refuse_in_loop("wait_for_calls")
        return self._wait_calls(method, count, timeout)

    def _wait_calls(self, method: str, count: int, timeout: float) -> list[dict[str, Any]]:
        def enough() -> list[dict[str, Any]] | None:
            found = self.calls_of(method)
            return found if len(found) >= count else None

        return self._wait(enough, timeout, f"{count} call(s) of {method}")

    def wait_for_sent(
        self,
        chat_id: int | str | None = None,
        count: int = 1,
        timeout: float = 10,
        contains: str | None = None,
    ) -> list[SentMessage]:
        """Block until ``count`` messages were sent/edited (in ``chat_id``, containing text)."""
        self._refuse_in_loop("wait_for_sent")
        return self._wait_sent(chat_id, count, timeout, contains)

    def _wait_sent(
        self, chat_id: int | str | None, count: int, timeout: float, contains: str | None
    ) -> list[SentMessage]:
        def enough() -> list[SentMessage] | None:
            found = [
                m
                for m in self.sent_messages(chat_id)
                if contains is None or contains in (m.text or "")
            ]
            return found if len(found) >= count else None

        what = f"{count} sent message(s)" + (f" in chat {chat_id}" if chat_id is not None else "")
        return self._wait(enough, timeout, what + (f" containing {contains!r}" if contains else ""))

    async def async_wait_for(self, predicate: Callable[[], Any], timeout: float = 10) -> Any:
        """``wait_for`` for coroutines: waits in a worker thread, the loop keeps running."""
        what = getattr(predicate, "__name__", "predicate")
        return await asyncio.to_thread(self._wait, predicate, timeout, what)

    async def async_wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 10
    ) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._wait_calls, method, count, timeout)

    async def async_wait_for_sent(
        self,
        chat_id: int | str | None = None,
        count: int = 1,
        timeout: float = 10,
        contains: str | None = None,
    ) -> list[SentMessage]:
        return await asyncio.to_thread(self._wait_sent, chat_id, count, timeout, contains)

    # ----------------------------------------------------------------------- failure script

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        *,
        migrate_to_chat_id: int | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """Answer the next ``times`` valid calls of ``method`` (``"*"``: any but getUpdates)
        with an error instead (``times=None``: until :meth:`clear_failures`).

        * 429 -> ``"Too Many Requests: retry after N"`` + ``parameters.retry_after`` (default 1)
          -> PTB raises ``telegram.error.RetryAfter``;
        * 403 -> ``"Forbidden: bot was blocked by the user"`` -> ``Forbidden``;
        * 400 -> e.g. ``description="Bad Request: message is not modified"`` -> ``BadRequest``;
        * ``migrate_to_chat_id=-100...`` -> 400 ``"Bad Request: group chat was upgraded to a
          supergroup chat"`` + ``parameters.migrate_to_chat_id`` -> ``ChatMigrated``.

        ``chat_id`` restricts the failure to calls addressed to that chat.
        """
        parameters: dict[str, Any] = {}
        if migrate_to_chat_id is not None:
            if error_code == 429:
                error_code = 400
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
            description = description or MIGRATED
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        description = description or _STATUS_TEXT.get(error_code, "Bad Request")
        with self._cond:
            self._failures.append(
                _Failure(
                    method="*" if method == "*" else method.lower(),
                    error_code=error_code,
                    description=description,
                    parameters=parameters or None,
                    times=times,
                    chat_id=chat_id,
                )
            )

    def clear_failures(self) -> None:
        with self._cond:
            self._failures.clear()

    def _take_failure(self, method: str, params: dict[str, Any]) -> ApiError | None:
        for failure in self._failures:
            if failure.method == "*" and method == "getUpdates":
                continue
            if failure.method not in ("*", method.lower()):
                continue
            if failure.chat_id is not None and str(params.get("chat_id")) != str(failure.chat_id):
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
            return ApiError(failure.error_code, failure.description, failure.parameters)
        return None

    # ---------------------------------------------------------------------- pushing updates

    def push_update(self, update: dict[str, Any], *, validate: bool = True) -> int:
        """Queue a raw Update (``update_id`` assigned if missing); returns its ``update_id``.

        With ``validate`` the update is checked against the spec's ``Update`` type first and a
        ``ValueError`` is raised if it does not conform.
        """
        update = copy.deepcopy(update)
        with self._cond:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            if validate:
                problems = self.spec.check_object("Update", update)
                if problems:
                    raise ValueError("invalid Update: " + "; ".join(problems))
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        self._wake()
        return update["update_id"]

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        *,
        language_code: str | None = "ko",
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """A ``User`` object (remembered, so later calls reuse its names)."""
        with self._lock:
            known = self._users.get(user_id, {})
            user = {
                "id": user_id,
                "is_bot": known.get("is_bot", False),
                "first_name": first_name or known.get("first_name") or f"User{user_id}",
            }
            for key, value in (
                ("last_name", last_name or known.get("last_name")),
                ("username", username or known.get("username")),
                ("language_code", language_code or known.get("language_code")),
            ):
                if value:
                    user[key] = value
            self._users[user_id] = user
            return dict(user)

    def chat(
        self,
        chat_id: int | str,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """A ``Chat`` object; unknown chats are created (type inferred from the id's sign)."""
        with self._lock:
            if isinstance(chat_id, str) and not _INT_RE.fullmatch(chat_id):
                name = chat_id.lstrip("@")
                if name in self._usernames:
                    chat_id = self._usernames[name]
                else:
                    chat_id = -1_000_000_000_000 - (len(self._chats) + 1)
                    chat_type = chat_type or "channel"
                    username = name
            chat_id = int(chat_id)
            chat = self._chats.get(chat_id)
            if chat is None:
                if chat_type is None:
                    if chat_id > 0:
                        chat_type = "private"
                    elif chat_id <= -1_000_000_000_000:
                        chat_type = "supergroup"
                    else:
                        chat_type = "group"
                chat = {"id": chat_id, "type": chat_type}
                self._chats[chat_id] = chat
            elif chat_type:
                chat["type"] = chat_type
            if chat["type"] == "private":
                user = self._users.get(chat_id, {})
                chat["first_name"] = first_name or user.get("first_name") or f"User{chat_id}"
                username = username or user.get("username")
            elif title or "title" not in chat:
                chat["title"] = title or chat.get("title") or "Test Group"
            if username:
                chat["username"] = username
                self._usernames[username] = chat_id
            return dict(chat)

    def _next_mid(self, chat_id: int) -> int:
        mid = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = mid + 1
        return mid

    def _incoming_message(
        self,
        chat_id: int,
        user_id: int,
        *,
        chat_type: str,
        username: str | None,
        first_name: str | None,
        chat_title: str | None,
        reply_to_message: int | dict[str, Any] | None,
        message_thread_id: int | None = None,
        content: dict[str, Any],
    ) -> dict[str, Any]:
        with self._lock:
            sender = self.user(user_id, first_name, username)
            if chat_type == "private" and chat_id != user_id:
                raise ValueError("a private chat's id is the user's id")
            chat = self.chat(
                chat_id,
                chat_type,
                title=chat_title,
                username=username if chat_type == "private" else None,
                first_name=sender["first_name"],
            )
            msg: dict[str, Any] = {
                "message_id": self._next_mid(chat["id"]),
                "from": sender,
                "chat": chat,
                "date": int(time.time()),
            }
            if message_thread_id is not None:
                msg["message_thread_id"] = message_thread_id
            if reply_to_message is not None:
                msg["reply_to_message"] = self._reply_target(chat["id"], reply_to_message)
            msg.update(copy.deepcopy(content))
            self._messages[(chat["id"], msg["message_id"])] = msg
            return copy.deepcopy(msg)

    def _reply_target(self, chat_id: int, target: int | dict[str, Any]) -> dict[str, Any]:
        if isinstance(target, dict):
            found = copy.deepcopy(target)
        else:
            stored = self._messages.get((chat_id, int(target)))
            found = (
                copy.deepcopy(stored)
                if stored
                else {
                    "message_id": int(target),
                    "date": int(time.time()),
                    "chat": dict(self._chats[chat_id]),
                }
            )
        found.pop("reply_to_message", None)  # Telegram nests one level only
        return found

    def make_message_update(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = "private",
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message: int | dict[str, Any] | None = None,
        chat_title: str | None = None,
        *,
        first_name: str | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Build (but do not queue) a text-message Update; useful for :meth:`deliver_webhook`.

        Without ``entities``, ``bot_command``/``mention``/``url`` entities are detected like the
        Telegram apps do (PTB's ``CommandHandler`` needs the ``bot_command`` entity).
        """
        content: dict[str, Any] = {"text": text}
        ents = _auto_entities(text) if entities is None else entities
        if ents:
            content["entities"] = ents
        msg = self._incoming_message(
            chat_id,
            user_id,
            chat_type=chat_type,
            username=username,
            first_name=first_name,
            chat_title=chat_title,
            reply_to_message=reply_to_message,
            message_thread_id=message_thread_id,
            content=content,
        )
        with self._lock:
            update_id = self._next_update_id
            self._next_update_id += 1
        return {"update_id": update_id, "message": msg}

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = "private",
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message: int | dict[str, Any] | None = None,
        chat_title: str | None = None,
        *,
        first_name: str | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """Queue a user's text message; returns the ``update_id``.

        ``reply_to_message`` is a message id in the same chat (e.g. a bot message) or a dict.
        """
        update = self.make_message_update(
            chat_id,
            user_id,
            text,
            chat_type,
            username,
            entities,
            reply_to_message,
            chat_title,
            first_name=first_name,
            message_thread_id=message_thread_id,
        )
        return self.push_update(update)

    def _push_content(
        self,
        chat_id: int,
        user_id: int,
        content: dict[str, Any],
        *,
        chat_type: str = "private",
        username: str | None = None,
        caption: str | None = None,
        chat_title: str | None = None,
    ) -> int:
        if caption is not None:
            content["caption"] = caption
            if ents := _auto_entities(caption):
                content["caption_entities"] = ents
        msg = self._incoming_message(
            chat_id,
            user_id,
            chat_type=chat_type,
            username=username,
            first_name=None,
            chat_title=chat_title,
            reply_to_message=None,
            content=content,
        )
        return self.push_update({"message": msg})

    def add_file(
        self,
        content: bytes,
        *,
        file_id: str | None = None,
        file_path: str | None = None,
        kind: str = "documents",
        suffix: str = ".bin",
    ) -> dict[str, Any]:
        """Register downloadable content; returns ``{"file_id", "file_unique_id", "file_size",
        "file_path"}`` (``getFile`` answers it and ``/file/bot<token>/<file_path>`` serves it).
        """
        with self._lock:
            n = next(self._ids)
            file_id = file_id or f"FAKE{kind[:3].upper()}{n:06d}AgADBAADk7AxG"
            record = {
                "file_id": file_id,
                "file_unique_id": f"AQAD{n:06d}",
                "file_size": len(content),
                "file_path": file_path or f"{kind}/file_{n}{suffix}",
                "content": content,
            }
            self._files[file_id] = record
            return {k: v for k, v in record.items() if k != "content"}

    def push_sticker(
        self,
        chat_id: int,
        user_id: int,
        emoji: str = "😀",
        *,
        set_name: str = "FakeStickers",
        is_animated: bool = False,
        is_video: bool = False,
        chat_type: str = "private",
        username: str | None = None,
    ) -> int:
        """Queue a message with a regular 512x512 sticker."""
        f = self.add_file(b"RIFF\x00\x00\x00\x00WEBP", kind="stickers", suffix=".webp")
        sticker = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": is_animated,
            "is_video": is_video,
            "emoji": emoji,
            "set_name": set_name,
            "file_size": f["file_size"],
        }
        return self._push_content(
            chat_id, user_id, {"sticker": sticker}, chat_type=chat_type, username=username
        )

    def push_photo(
        self,
        chat_id: int,
        user_id: int,
        caption: str | None = None,
        *,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        width: int = 1280,
        height: int = 960,
        chat_type: str = "private",
        username: str | None = None,
    ) -> int:
        """Queue a photo message (three ``PhotoSize``s, largest last, like Telegram)."""
        sizes = []
        for scale in (8, 4, 1):
            f = self.add_file(content, kind="photos", suffix=".jpg")
            sizes.append(
                {
                    "file_id": f["file_id"],
                    "file_unique_id": f["file_unique_id"],
                    "width": width // scale,
                    "height": height // scale,
                    "file_size": f["file_size"],
                }
            )
        return self._push_content(
            chat_id,
            user_id,
            {"photo": sizes},
            caption=caption,
            chat_type=chat_type,
            username=username,
        )

    def push_voice(
        self,
        chat_id: int,
        user_id: int,
        duration: int = 3,
        *,
        content: bytes = b"OggS\x00fake-opus",
        mime_type: str = "audio/ogg",
        chat_type: str = "private",
        username: str | None = None,
    ) -> int:
        """Queue a voice message (OGG/Opus)."""
        f = self.add_file(content, kind="voice", suffix=".oga")
        voice = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "duration": duration,
            "mime_type": mime_type,
            "file_size": f["file_size"],
        }
        return self._push_content(
            chat_id, user_id, {"voice": voice}, chat_type=chat_type, username=username
        )

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str = "document.pdf",
        *,
        content: bytes = b"%PDF-1.4\n%fake\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_type: str = "private",
        username: str | None = None,
    ) -> int:
        """Queue a document message; ``content`` is downloadable through ``getFile``."""
        suffix = Path(file_name).suffix or ".bin"
        f = self.add_file(content, kind="documents", suffix=suffix)
        document = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": f["file_size"],
        }
        return self._push_content(
            chat_id,
            user_id,
            {"document": document},
            caption=caption,
            chat_type=chat_type,
            username=username,
        )

    def push_callback_query(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        *,
        username: str | None = None,
        language_code: str = "ko",
    ) -> int:
        """Queue a button press on message ``message_id`` of ``chat_id`` (by a user whose app
        speaks ``language_code``).

        The message is the stored one (normally a bot message with an inline keyboard); an
        unknown id gets a placeholder bot message so edits still work.
        """
        with self._lock:
            sender = self.user(user_id, None, username, language_code=language_code)
            chat = self.chat(chat_id)
            key = (chat["id"], int(message_id))
            if key not in self._messages:
                self._messages[key] = {
                    "message_id": int(message_id),
                    "from": dict(self.bot_user),
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "[placeholder]",
                }
            message = copy.deepcopy(self._messages[key])
            message.pop("reply_to_message", None)
            query_id = str(4_000_000_000_000_000_000 + next(self._ids))
            query = {
                "id": query_id,
                "from": sender,
                "message": message,
                "chat_instance": str(abs(hash(("chat", chat["id"]))) % 10**19),
                "data": data,
            }
            self._callback_queries[query_id] = {"answered": False, "query": query}
        return self.push_update({"callback_query": query})

    # ----------------------------------------------------------------------------- webhooks

    def deliver_webhook(
        self,
        url: str,
        update: dict[str, Any],
        secret_token: str | None = None,
        timeout: float = 10,
    ) -> int:
        """POST ``update`` to ``url`` like Telegram does; returns the HTTP status.

        Sends ``X-Telegram-Bot-Api-Secret-Token`` when ``secret_token`` is given; the update is
        not queued (``update_id`` is assigned if missing).  Raises ``ConnectionError`` when
        nothing answers.  Blocking: in the bot's own loop use :meth:`async_deliver_webhook`.
        (With a webhook set, queued updates are also POSTed automatically - see
        ``auto_deliver_webhook``.)
        """
        self._refuse_in_loop("deliver_webhook")
        return self._deliver_sync(url, update, secret_token, timeout)

    async def async_deliver_webhook(
        self,
        url: str,
        update: dict[str, Any],
        secret_token: str | None = None,
        timeout: float = 10,
    ) -> int:
        return await asyncio.to_thread(self._deliver_sync, url, update, secret_token, timeout)

    def _deliver_sync(
        self, url: str, update: dict[str, Any], secret_token: str | None, timeout: float
    ) -> int:
        update = copy.deepcopy(update)
        with self._lock:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        error = None
        try:
            with httpx.Client(timeout=timeout) as client:
                status = client.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"
        with self._cond:
            self._webhook_deliveries.append(
                {"url": url, "update": update, "status": status, "error": error}
            )
            self._cond.notify_all()
        if error:
            raise ConnectionError(f"webhook delivery to {url} failed: {error}")
        return status

    async def _webhook_worker(self) -> None:
        """Delivers queued updates to the webhook like Telegram (one at a time, retried)."""
        assert self._webhook_wake is not None
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while not self._closing:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._webhook_wake.wait(), 1.0)
                self._webhook_wake.clear()
                while not self._closing and self.auto_deliver_webhook:
                    with self._lock:
                        hook = dict(self._webhook)
                        pending = self._deliverable(limit=1) if hook.get("url") else []
                    if not pending:
                        break
                    update = pending[0]
                    headers = {}
                    if hook.get("secret_token"):
                        headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                    status, error = 0, None
                    try:
                        async with session.post(hook["url"], json=update, headers=headers) as r:
                            status = r.status
                            await r.read()
                    except Exception as exc:
                        error = f"{type(exc).__name__}: {exc}"
                    with self._cond:
                        self._webhook_deliveries.append(
                            {"url": hook["url"], "update": update, "status": status, "error": error}
                        )
                        uid = update["update_id"]
                        self._deliveries[uid] = self._deliveries.get(uid, 0) + 1
                        if 200 <= status < 300:
                            self._updates = [u for u in self._updates if u["update_id"] != uid]
                        else:
                            self._webhook["last_error_date"] = int(time.time())
                            self._webhook["last_error_message"] = (
                                error or f"Wrong response from the webhook: {status}"
                            )
                        self._cond.notify_all()
                    if not 200 <= status < 300:
                        await asyncio.sleep(self.webhook_retry_delay)

    # ------------------------------------------------------------------------ HTTP handlers

    def _wake(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake_in_loop)

    def _wake_in_loop(self) -> None:
        for event in list(self._waiters):
            event.set()
        if self._webhook_wake is not None:
            self._webhook_wake.set()

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> web.Response:
        return web.Response(
            body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            status=status,
            content_type="application/json",
        )

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        path = request.match_info["path"]
        with self._lock:
            found = next((f for f in self._files.values() if f["file_path"] == path), None)
        if found is None:
            return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(body=found["content"], content_type="application/octet-stream")

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], bool, frozenset[str], str | None]:
        """``(params, textual, multipart part names, problem)`` of an API request."""
        params: dict[str, Any] = dict(request.query)
        ctype = request.content_type or ""
        if request.method not in ("POST", "PUT") or not request.body_exists:
            return params, True, frozenset(), None
        if ctype == "application/json":
            try:
                body = await request.json(loads=json.loads)
            except ValueError as exc:
                return params, False, frozenset(), f"can't parse JSON body: {exc}"
            if not isinstance(body, dict):
                return params, False, frozenset(), "JSON body must be an object"
            params.update(body)
            return params, False, frozenset(), None
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            parts: set[str] = set()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    parts.add(key)
                    params[key] = FileUpload(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        data=value.file.read(),
                    )
                else:
                    params[key] = value
            return params, True, frozenset(parts), None
        await request.read()
        if ctype:
            return params, True, frozenset(), f"unsupported Content-Type {ctype!r}"
        return params, True, frozenset(), None

    def _record(
        self,
        request: web.Request,
        method: str,
        params: dict[str, Any],
        status: int,
        body: dict[str, Any],
        *,
        as_call: bool = True,
        attachments: dict[str, FileUpload] | None = None,
    ) -> None:
        # caller holds the lock
        if as_call:
            self._calls.append(Call(method, params))
        self._requests.append(
            RequestRecord(
                method=method,
                params=params,
                http_method=request.method,
                content_type=request.content_type or "",
                status=status,
                response=body,
                at=time.time(),
                attachments=dict(attachments or {}),
            )
        )
        if not body.get("ok", False):
            self._errors.append((method, status, body.get("description", "")))
        self._cond.notify_all()

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        params, textual, parts, problem = await self._read_params(request)

        if token != self.token:
            code = 401 if _TOKEN_RE.fullmatch(token) else 404
            body = {"ok": False, "error_code": code, "description": _STATUS_TEXT[code]}
            with self._cond:
                self._record(request, method_name, params, code, body, as_call=False)
            return self._json(body, code)

        spec = self.spec.method(method_name)
        if spec is None:
            hint = self.spec.suggest(method_name)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            with self._cond:
                self._violations.append(f"unknown method '{method_name}'{extra}")
                self._record(request, method_name, params, 404, body)
            return self._json(body, 404)

        method = spec["name"]
        # multipart file parts that are not parameters are attach://<name> targets
        names = {f["name"] for f in spec.get("fields") or []}
        attachments = {
            k: v for k, v in params.items() if isinstance(v, FileUpload) and k not in names
        }
        for key in attachments:
            del params[key]
        decoded, problems = self.spec.check_params(
            method, params, textual=textual, attachments=parts
        )
        unused = set(attachments) - _attach_refs(decoded)
        problems.extend(f"uploaded part '{k}' is not referenced by attach://" for k in unused)
        if problem:
            problems.insert(0, problem)
        if method == "getUpdates" and not (problems and self.reject_violations):
            return await self._get_updates(request, decoded, problems)

        with self._cond:
            error: ApiError | None = None
            result: Any = None
            if problems:
                self._violations.extend(f"{method}: {p}" for p in problems)
                if self.reject_violations:
                    error = ApiError(400, "Bad Request: " + "; ".join(problems))
            if error is None:
                error = self._take_failure(method, decoded)
            if error is None:
                error = self._chat_gate(method, decoded)
            if error is None:
                self._attachments = attachments
                try:
                    result = self._dispatch(method, decoded)
                except ApiError as exc:
                    error = exc
                except Exception as exc:  # a bug of the fake (or an unchecked request)
                    log.exception("FakeTelegram failed to handle %s", method)
                    self._violations.append(f"{method}: the fake crashed: {exc!r}")
                    error = ApiError(500, f"Internal Server Error: {exc!r}")
                else:
                    self._check_answer(method, result)
                    self._accepted(method, decoded)
                finally:
                    self._attachments = {}
            if error is not None:
                body = error.body()
                status = error.error_code
            else:
                body = {"ok": True, "result": result}
                status = 200
            self._record(request, method, decoded, status, body, attachments=attachments)
        if method in ("setWebhook", "deleteWebhook"):
            self._wake()
        return self._json(body, status)

    def _check_answer(self, method: str, result: Any) -> None:
        """Self-check: the fake's answer must have the spec's return type (caller holds lock)."""
        _, problems = self.spec.check_value(self.spec.returns(method), result, "result")
        self._answer_problems.extend(f"{method}: {p}" for p in problems)

    # ---------------------------------------------------------------------------- getUpdates

    def _update_type(self, update: dict[str, Any]) -> str:
        return next((k for k in update if k != "update_id"), "")

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` pending updates of allowed types; disallowed ones are dropped."""
        allowed = self._allowed_updates
        out = []
        keep = []
        for update in self._updates:
            kind = self._update_type(update)
            if (allowed and kind not in allowed) or (not allowed and kind in _NOT_BY_DEFAULT):
                continue  # Telegram never queues these for the bot
            keep.append(update)
            if len(out) < limit:
                out.append(copy.deepcopy(update))
        self._updates = keep
        return out

    async def _get_updates(
        self, request: web.Request, params: dict[str, Any], problems: list[str]
    ) -> web.Response:
        with self._cond:
            self._calls.append(Call("getUpdates", params))
            if problems:
                self._violations.extend(f"getUpdates: {p}" for p in problems)
            self._cond.notify_all()
            error = self._take_failure("getUpdates", params)
            if error is None and self._webhook.get("url"):
                error = ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if error is not None:
                self._record(
                    request, "getUpdates", params, error.error_code, error.body(), as_call=False
                )
                return self._json(error.body(), error.error_code)
            offset = params.get("offset")
            if offset:
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                else:
                    self._updates = self._updates[offset:]
            if "allowed_updates" in params:
                self._allowed_updates = list(params["allowed_updates"] or [])
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_timeout)
            self._poll_generation += 1
            generation = self._poll_generation

        deadline = time.monotonic() + timeout
        event = asyncio.Event()
        self._waiters.add(event)
        try:
            while True:
                event.clear()
                with self._cond:
                    if generation != self._poll_generation:
                        error = ApiError(409, _STATUS_TEXT[409])
                        transport = request.transport
                        if transport is None or transport.is_closing():
                            # superseded poll of a client that already hung up: not an error
                            return self._json(error.body(), 409)
                        self._record(
                            request, "getUpdates", params, 409, error.body(), as_call=False
                        )
                        return self._json(error.body(), 409)
                    batch = self._deliverable(limit)
                    remaining = deadline - time.monotonic()
                    if batch or remaining <= 0 or self._closing:
                        for update in batch:
                            uid = update["update_id"]
                            self._deliveries[uid] = self._deliveries.get(uid, 0) + 1
                        body = {"ok": True, "result": batch}
                        self._check_answer("getUpdates", batch)
                        self._record(request, "getUpdates", params, 200, body, as_call=False)
                        return self._json(body)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            self._waiters.discard(event)

    # ------------------------------------------------------------------------- dispatching

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_m_{method}", None)
        if handler is not None:
            return handler(params)
        return self._generic(method, params)

    def _generic(self, method: str, params: dict[str, Any]) -> Any:
        returns = self.spec.returns(method)
        first = returns[0] if returns else "Boolean"
        if first == "Message" and method.startswith(("edit", "stop")):
            msg = self._editable(params)
            return copy.deepcopy(msg) if msg is not None else True
        if first == "Message":
            if "chat_id" in params:
                return self._send(method, params)
            if "inline_message_id" in params:
                return True
        if first == "Boolean":
            return True
        if first == "Array of Message" and method == "sendMediaGroup":
            return self._send_media_group(params)
        if first == "MessageId":
            msg = self._send(method, params, record_text=params.get("caption"))
            return {"message_id": msg["message_id"]}
        if first == "Array of MessageId":
            ids = params.get("message_ids") or []
            out = []
            for _ in ids:
                msg = self._send(method, {"chat_id": params["chat_id"]}, record=False)
                out.append({"message_id": msg["message_id"]})
            return out
        if first == "File":
            upload = next((v for v in params.values() if isinstance(v, FileUpload)), None)
            f = self.add_file(upload.data if upload else b"", kind="stickers", suffix=".webp")
            return {k: f[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}
        if first == "Integer":
            return 1
        if first == "String":
            return "https://t.me/+FakeInviteLink" if "InviteLink" in method else ""
        return self.spec.synthesize(first)

    # -- bot identity, lifecycle ----------------------------------------------------------

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    def _m_logOut(self, params: dict[str, Any]) -> bool:
        return True

    # -- webhook --------------------------------------------------------------------------

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self._webhook = {"url": ""}
            return True
        if not re.match(r"https?://", url):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.get("max_connections", 40),
            "ip_address": params.get("ip_address"),
            "has_custom_certificate": "certificate" in params,
        }
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or [])
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": bool(hook.get("has_custom_certificate")),
            "pending_update_count": len(self._updates),
        }
        if hook.get("url"):
            info["max_connections"] = hook.get("max_connections", 40)
            for key in ("ip_address", "last_error_date", "last_error_message"):
                if hook.get(key) is not None:
                    info[key] = hook[key]
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    # -- commands -------------------------------------------------------------------------

    @staticmethod
    def _commands_key(scope: dict[str, Any] | None, language_code: str | None) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for cmd in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", cmd.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(cmd.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True

    # -- chats, callbacks, files ----------------------------------------------------------

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        if params["action"] not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self.chat(params["chat_id"])
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query = self._callback_queries.get(params["callback_query_id"])
        if query is None or query["answered"]:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query["answered"] = True
        self._callback_answers.append(copy.deepcopy(params))
        return True

    def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        f = self._files.get(params["file_id"])
        if f is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {k: f[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _chat_gate(self, method: str, params: dict[str, Any]) -> ApiError | None:
        """Migrated, blocked and flood-limited chats (:class:`ChatRules`; lock held)."""
        refusal = self._refusal(method, params)
        if refusal is None:
            return None
        kind, detail = refusal
        if kind == "migrated":
            return ApiError(400, MIGRATED, {"migrate_to_chat_id": detail})
        if kind == "blocked":
            return ApiError(403, detail)
        return ApiError(
            429,
            f"Too Many Requests: retry after {detail.retry_after}",
            {"retry_after": detail.retry_after},
        )

    def _m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        info = self.spec.synthesize("ChatFullInfo")
        info.update(self.chat(params["chat_id"]))
        return info

    def _m_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._member(self.chat(params["chat_id"])["id"], int(params["user_id"]))

    def _m_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self.chat(params["chat_id"])
        if chat["type"] == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return self._administrators(chat["id"])

    # -- messages -------------------------------------------------------------------------

    def _formatted(
        self, text: str, parse_mode: str | None, entities: list | None, *, caption: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        try:
            plain, parsed = parse_entities(text, parse_mode)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if entities:
            parsed = list(entities)
        if caption:
            if _u16(plain) > MAX_CAPTION_LENGTH:
                raise ApiError(400, "Bad Request: message caption is too long")
        else:
            if not plain.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if _u16(plain) > MAX_TEXT_LENGTH:
                raise ApiError(400, "Bad Request: message is too long")
        return plain, parsed

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if not isinstance(markup, dict):
            return
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                actions = set(button) - {"text", "icon_custom_emoji_id", "style"}
                if not actions:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )

    def _remember_sent(
        self,
        method: str,
        params: dict[str, Any],
        msg: dict[str, Any] | None,
        *,
        edited: bool,
        text: str | None,
        plain: str | None,
        entities: list | None,
    ) -> None:
        markup = params.get("reply_markup")
        self._sent.append(
            SentMessage(
                method=method,
                chat_id=msg["chat"]["id"] if msg else params.get("chat_id"),
                message_id=msg["message_id"] if msg else None,
                text=text,
                parse_mode=params.get("parse_mode"),
                reply_markup=copy.deepcopy(markup) if isinstance(markup, dict) else None,
                entities=copy.deepcopy(entities),
                plain_text=plain,
                edited=edited,
                params=copy.deepcopy(params),
                message=copy.deepcopy(msg),
            )
        )

    def _base_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat(params["chat_id"])
        msg: dict[str, Any] = {
            "message_id": self._next_mid(chat["id"]),
            "from": dict(self.bot_user),
            "chat": chat,
            "date": int(time.time()),
        }
        if params.get("message_thread_id"):
            msg["message_thread_id"] = params["message_thread_id"]
        reply = params.get("reply_parameters") or (
            {"message_id": params["reply_to_message_id"]}
            if params.get("reply_to_message_id")
            else None
        )
        if isinstance(reply, dict) and reply.get("message_id"):
            target_chat = self.chat(reply.get("chat_id", chat["id"]))["id"]
            known = (target_chat, int(reply["message_id"])) in self._messages
            if not known and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if known:
                msg["reply_to_message"] = self._reply_target(target_chat, reply["message_id"])
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = copy.deepcopy(markup)
        return msg

    def _send(
        self,
        method: str,
        params: dict[str, Any],
        *,
        record: bool = True,
        record_text: str | None = None,
        record_method: str | None = None,
    ) -> dict[str, Any]:
        msg = self._base_message(params)
        text = plain = None
        entities: list | None = None
        if method == "sendMessage":
            text = params["text"]
            plain, entities = self._formatted(
                text, params.get("parse_mode"), params.get("entities"), caption=False
            )
            msg["text"] = plain
            if entities:
                msg["entities"] = entities
            if isinstance(params.get("link_preview_options"), dict):
                msg["link_preview_options"] = params["link_preview_options"]
        else:
            self._media_content(method, params, msg)
            if params.get("caption") is not None:
                text = params["caption"]
                plain, entities = self._formatted(
                    text, params.get("parse_mode"), params.get("caption_entities"), caption=True
                )
                msg["caption"] = plain
                if entities:
                    msg["caption_entities"] = entities
            if method in ("forwardMessage", "copyMessage"):
                source = self._messages.get(
                    (self.chat(params["from_chat_id"])["id"], int(params["message_id"]))
                )
                if source is None:
                    raise ApiError(400, f"Bad Request: message to {method[:-7]} not found")
                for key in ("text", "entities", "photo", "document", "voice", "sticker"):
                    if key in source and key not in msg:
                        msg[key] = copy.deepcopy(source[key])
                text = text or source.get("text")
        self._messages[(msg["chat"]["id"], msg["message_id"])] = msg
        if record:
            self._remember_sent(
                record_method or method,
                params,
                msg,
                edited=False,
                text=text if text is not None else record_text,
                plain=plain,
                entities=entities,
            )
        return copy.deepcopy(msg)

    def _media_content(self, method: str, params: dict[str, Any], msg: dict[str, Any]) -> None:
        if not method.startswith("send"):
            return
        name = _snake(method[4:])
        fields = {f["name"]: f for f in self.spec.types["Message"]["fields"]}
        f = fields.get(name)
        if f is None:
            return
        kind = f["types"][0]
        source = params.get(name)
        if isinstance(source, str) and source.startswith("attach://"):
            source = self._attachments.get(source[9:], source)
        upload = source if isinstance(source, FileUpload) else None
        file_info = None
        if upload is not None or isinstance(source, str):
            data = upload.data if upload else b""
            known = self._files.get(source) if isinstance(source, str) else None
            file_info = known or self.add_file(
                data,
                file_id=source if isinstance(source, str) and source else None,
                kind=f"{name}s",
                suffix=Path(upload.filename or "").suffix if upload else ".bin",
            )
        if kind == "Array of PhotoSize":
            size = {"file_id": "", "file_unique_id": "", "width": 1280, "height": 960}
            if file_info:
                size.update(
                    file_id=file_info["file_id"],
                    file_unique_id=file_info["file_unique_id"],
                    file_size=file_info["file_size"],
                )
            msg[name] = [size]
            return
        obj = self.spec.synthesize(kind)
        if not isinstance(obj, dict):
            return
        type_fields = {tf["name"]: tf for tf in self.spec.types.get(kind, {}).get("fields") or []}
        for key, value in params.items():
            tf = type_fields.get(key)
            if tf and key not in ("type",) and isinstance(value, str | int | float | bool):
                obj[key] = value
        if file_info:
            obj["file_id"] = file_info["file_id"]
            obj["file_unique_id"] = file_info["file_unique_id"]
            if "file_size" in type_fields:
                obj["file_size"] = file_info["file_size"]
        if upload:
            if "file_name" in type_fields and upload.filename:
                obj["file_name"] = upload.filename
            if "mime_type" in type_fields and upload.content_type:
                obj["mime_type"] = upload.content_type
        if name == "dice" and not obj.get("value"):
            obj.setdefault("emoji", "🎲")
            obj["value"] = 1 + next(self._ids) % 6
        msg[name] = obj

    def _send_media_group(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        group_id = str(13_000_000_000_000_000 + next(self._ids))
        out = []
        for item in params["media"]:
            kind = item.get("type", "photo")
            sub = dict(params)
            sub.pop("media", None)
            sub[kind] = item.get("media")
            if item.get("caption") is not None:
                sub["caption"] = item["caption"]
                sub["parse_mode"] = item.get("parse_mode")
            msg = self._send(f"send{kind.capitalize()}", sub, record_method="sendMediaGroup")
            msg["media_group_id"] = group_id
            self._messages[(msg["chat"]["id"], msg["message_id"])]["media_group_id"] = group_id
            out.append(msg)
        return out

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send("sendMessage", params)

    def _editable(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if params.get("inline_message_id"):
            return None
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        chat_id = self.chat(params["chat_id"])["id"]
        msg = self._messages.get((chat_id, int(params["message_id"])))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _finish_edit(
        self,
        method: str,
        params: dict[str, Any],
        msg: dict[str, Any] | None,
        changes: dict[str, Any],
        *,
        text: str | None,
        plain: str | None,
        entities: list | None,
    ) -> Any:
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if msg is None:  # inline message: nothing stored
            self._remember_sent(
                method, params, None, edited=True, text=text, plain=plain, entities=entities
            )
            return True
        new = copy.deepcopy(msg)
        for key, value in changes.items():
            if value:
                new[key] = value
            else:
                new.pop(key, None)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            new["reply_markup"] = copy.deepcopy(markup)
        else:
            new.pop("reply_markup", None)
        if {k: v for k, v in new.items() if k != "edit_date"} == {
            k: v for k, v in msg.items() if k != "edit_date"
        }:
            raise ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        msg.clear()
        msg.update(new)
        self._remember_sent(
            method, params, msg, edited=True, text=text, plain=plain, entities=entities
        )
        return copy.deepcopy(msg)

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        msg = self._editable(params)
        if "text" not in params:
            raise ApiError(400, "Bad Request: text must be non-empty")
        if msg is not None and "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = params["text"]
        plain, entities = self._formatted(
            text, params.get("parse_mode"), params.get("entities"), caption=False
        )
        return self._finish_edit(
            "editMessageText",
            params,
            msg,
            {"text": plain, "entities": entities},
            text=text,
            plain=plain,
            entities=entities,
        )

    def _m_editMessageCaption(self, params: dict[str, Any]) -> Any:
        msg = self._editable(params)
        text = params.get("caption") or ""
        plain, entities = self._formatted(
            text, params.get("parse_mode"), params.get("caption_entities"), caption=True
        )
        return self._finish_edit(
            "editMessageCaption",
            params,
            msg,
            {"caption": plain, "caption_entities": entities},
            text=text,
            plain=plain,
            entities=entities,
        )

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        msg = self._editable(params)
        text = msg.get("text", msg.get("caption")) if msg else None
        return self._finish_edit(
            "editMessageReplyMarkup",
            params,
            msg,
            {},
            text=text,
            plain=text,
            entities=msg.get("entities") if msg else None,
        )

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        chat_id = self.chat(params["chat_id"])["id"]
        if self._messages.pop((chat_id, int(params["message_id"])), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _m_deleteMessages(self, params: dict[str, Any]) -> bool:
        chat_id = self.chat(params["chat_id"])["id"]
        for mid in params["message_ids"]:
            self._messages.pop((chat_id, int(mid)), None)
        return True


def _fixture() -> Iterator[FakeTelegram]:
    with FakeTelegram() as tg:
        yield tg


# A ready-made fixture; import it in a conftest.py:
#     from tests.fakes.telegram_api import fake_telegram  (+ a noqa marker for F401)
try:
    import pytest

    fake_telegram = pytest.fixture(name="fake_telegram")(_fixture)
except ImportError:  # pragma: no cover - pytest is always there in the test environment
    fake_telegram = None  # type: ignore[assignment]

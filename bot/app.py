"""`App`: the one composition root. It reads the settings once and builds each part from them
on first use — the knowledge base, the answer engine, the answer log, the corrections — and
hands them to the CLI commands, the review commands and Telegram.

One `App` is current for one invocation of the command line (the `startupbot` callback makes
it current in a context variable and undoes that when the invocation closes), so every command
of one invocation shares it and no state outlives the invocation (tests invoke the CLI many
times in one process). Code outside a command builds its own `App(settings)`. Nothing is
opened when it is created.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cached_property
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.alerts.service import Alerts
    from bot.answer_log import AnswerLog
    from bot.engine import AnswerEngine
    from bot.review.corrections import Corrections
    from knowledge.base import KnowledgeBase
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import Clock


class AppError(Exception):
    """A part cannot be built; the message is for the operator (the CLI exits with `code`)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class App:
    def __init__(self, settings: Settings | None = None, *, verbose: bool = False,
                 configure_logging: bool = False) -> None:
        self._settings = settings
        self.verbose = verbose
        # only the command line's App sets up logging (once); an App built elsewhere (a test,
        # a worker) must not reset the process's logging
        self._configure_logging = configure_logging

    @property
    def settings(self) -> Settings:
        """The settings, validated once (a bad value: AppError naming the variable); the
        command line's App configures logging from them at the same time."""
        if self._settings is None:
            try:
                self._settings = load_settings()
            except SettingsError as exc:
                raise AppError(str(exc), 2) from None
            if self._configure_logging:
                from bot.logging_setup import configure_logging

                configure_logging("INFO" if self.verbose else "WARNING",
                                  json_format=self._settings.log_json)
        return self._settings

    @cached_property
    def kb(self) -> KnowledgeBase:
        from knowledge.base import KnowledgeBase

        return KnowledgeBase(self.settings)

    @cached_property
    def engine(self) -> AnswerEngine:
        """The answer engine over `kb` (generative when a model is configured)."""
        return self.engine_for(self.kb)

    def engine_for(self, kb: KnowledgeBase) -> AnswerEngine:
        from bot.engine import build_engine

        try:
            return build_engine(kb.settings, kb)  # type: ignore[arg-type]
        except ValueError as exc:  # a bad STARTUPBOT_LLM_* limit (bot/model_limits.py)
            raise AppError(str(exc), 2) from None

    def answer_log(self, *, warm: bool = False) -> AnswerLog:
        """The answer log. It opens its database on the first record, and a failure there is
        logged without stopping the answer; `warm=True` (long-running commands) opens it now,
        so migrations and the retention purge run at start-up. An unusable salt file is
        refused here (it would leave every answer unlogged)."""
        from bot.answer_log import AnswerLog, SaltError

        log = AnswerLog.from_settings(self.settings)
        try:
            log.check_salt()
        except SaltError as exc:
            raise AppError(str(exc), 2) from None
        if warm:
            log.ping()
        return log

    def alerts(self, log: AnswerLog | None = None, *, catalogue: Catalogue | None = None,
               clock: Clock | None = None) -> Alerts:
        """Subscriptions, the outbox and its sender (issue 16), in the answer log's database,
        over the programme catalogue (its own, or the caller's `catalogue` and `clock`).
        Nothing is opened here; a bad STARTUPBOT_ALERTS_* value is an AppError."""
        from bot.alerts.service import Alerts
        from bot.alerts.settings import AlertSettings
        from bot.alerts.store import AlertStore
        from knowledge.catalogue.repository import Catalogue
        from knowledge.clock import clock_from_settings
        from knowledge.settings import load

        try:
            alert_settings = load(AlertSettings)
        except SettingsError as exc:
            raise AppError(str(exc), 2) from None
        log = log or self.answer_log()
        clock = clock or clock_from_settings(self.settings)
        catalogue = catalogue or Catalogue.from_settings(self.settings)
        return Alerts(AlertStore.from_answer_log(log, clock), alert_settings, clock,
                      catalogue.all)

    def corrections(self, log: AnswerLog) -> Corrections:
        from bot.review.corrections import Corrections

        return Corrections(log, self.settings.curated_dir, lambda: self.kb)


_CURRENT: ContextVar[App | None] = ContextVar("startupbot_app", default=None)


def use_app(app: App) -> Callable[[], None]:
    """Make `app` the current one (the command line's callback does this for one invocation);
    returns the function that undoes it."""
    token = _CURRENT.set(app)
    return lambda: _CURRENT.reset(token)


def current_app() -> App:
    """The `App` of the running command; outside a command line (tests calling a command
    function directly) a fresh one, which leaves logging alone."""
    return _CURRENT.get() or App()

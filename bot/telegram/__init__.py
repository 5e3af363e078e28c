"""The Telegram front end: `startupbot serve` (python-telegram-bot v22).

`app.build_application(settings, engine, answer_log, reingest)` wires the handlers; `serve.py`
checks the configuration and runs long polling or a webhook. Nothing here imports `ingest/`:
the composition root (bot/cli.py) passes the `reingest` callable in.
"""

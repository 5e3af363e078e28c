"""Maintainer review of logged answers: `startupbot review` (CLI) and the review web page.

Review is an operator tool that lives in `bot/` next to the answer log. It is the one place on
the bot side, besides the composition root `bot/cli.py`, that runs ingestion: corrections become
curated documents (see corrections.py, which imports `ingest` lazily inside its functions).
"""

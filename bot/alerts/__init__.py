"""Issue 16: founders hear first — subscriptions, the alert outbox, its sender and matching.

- `models.py`     the profile a chat subscribes with, and the outbox's kinds and states
- `words.py`      `/subscribe 예비창업 수출` → a profile
- `matching.py`   does a programme fit a profile (why, and what to check in the call)
- `tables.py`     the tables (answer-log database, migration 0003)
- `store.py`      subscriptions, planning the outbox, broadcasts, stats (the one place that
                  writes them), with `outbox.py`: claims, outcomes, recovery, the sender lease
- `planner.py`    changes → outbox rows: new calls, deadline changes, D-7/D-1, weekly digest
- `sender.py`     `serve`'s loop that delivers the outbox within Telegram's limits
- `cards.py`      what an alert looks like
"""

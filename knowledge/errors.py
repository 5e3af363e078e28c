"""Errors about the knowledge base that staff must act on (no heavy imports here, so any layer
can raise or catch them without loading Chroma)."""


class StoreError(Exception):
    """A problem with the index that staff must act on; the message says what to do."""

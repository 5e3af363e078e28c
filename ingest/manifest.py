"""The ingest manifest now lives in `knowledge.manifest` (the knowledge writer owns it); this
module keeps the old import path working."""

from knowledge.manifest import Manifest, ManifestEntry, ManifestError, file_sha256

__all__ = ["Manifest", "ManifestEntry", "ManifestError", "file_sha256"]

"""Data passed between ingest, knowledge and bot: chunks going in, hits coming out."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field


def _json_list(value: object) -> list:
    """A JSON list stored as a Chroma metadata string ("" or missing = empty)."""
    if not value:
        return []
    try:
        loaded = json.loads(str(value))
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


class Chunk(BaseModel):
    """One searchable piece of a document, with everything needed to cite it."""

    id: str = Field(description="Stable id: <doc_id>-<ordinal>-<content hash>.")
    doc_id: str
    text: str = Field(description="The chunk text as shown to users and models.")
    title: str = Field(description="Document title.")
    section: str = Field("", description="Section path, e.g. '예비창업패키지 > 지원 내용'.")
    source: str = Field(description="Where the document came from: file path relative to root.")
    url: str = Field("", description="First source URL from the document's front matter.")
    urls: list[str] = Field(default_factory=list, description="All the document's source URLs "
                            "(when the loader gave them; empty = only `url` is known).")
    url_spans: list[tuple[int, str]] = Field(
        default_factory=list, description="(character offset in `text`, source URL) from that "
        "offset on: which source each part of the chunk came from (`<!-- source: n -->` and "
        "`[출처 n]` markers in the corpus). Empty = unknown.")
    category: str = ""
    facts_as_of: str = ""
    ordinal: int = 0
    extraction: str = Field("", description="How the text was read: '' = the file's own text, "
                            "'ocr' = machine-read from a scanned page (may contain errors).")
    sentences: list[str] = Field(
        default_factory=list, exclude=True, repr=False,
        description="The sentences (or list lines) the chunker packed into `text`, when known: "
        "reused for sentence vectors instead of splitting the text again. Not stored.")
    vectors: int = Field(0, exclude=True, repr=False,
                         description="How many sentence vectors the store holds for this chunk "
                         "(0 = unknown or one vector per chunk).")

    def embedding_text(self) -> str:
        """Text given to the embedder: title and section help dense retrieval a lot."""
        head = " > ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (scalars only)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "source": self.source,
            "url": self.url,
            "urls": json.dumps(self.urls, ensure_ascii=False) if self.urls else "",
            "url_spans": json.dumps(self.url_spans, ensure_ascii=False) if self.url_spans else "",
            "category": self.category,
            "facts_as_of": self.facts_as_of,
            "ordinal": self.ordinal,
            "extraction": self.extraction,
        }

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            doc_id=str(meta.get("doc_id", "")),
            text=text,
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            source=str(meta.get("source", "")),
            url=str(meta.get("url", "")),
            urls=_json_list(meta.get("urls")),
            url_spans=[(int(o), str(u)) for o, u in _json_list(meta.get("url_spans"))],
            category=str(meta.get("category", "")),
            facts_as_of=str(meta.get("facts_as_of", "")),
            ordinal=int(meta.get("ordinal", 0) or 0),
            extraction=str(meta.get("extraction", "") or ""),
            vectors=int(meta.get("vectors", 0) or 0),
        )


class SearchHit(BaseModel):
    """A chunk found by search, with the score of each retriever that found it."""

    chunk: Chunk
    score: float = Field(description="Fused score used for ranking (higher is better).")
    dense_score: float | None = Field(None, description="Cosine similarity, if dense found it.")
    keyword_score: float | None = Field(None, description="BM25 score, if keywords found it.")
    dense_rank: int | None = None
    keyword_rank: int | None = None


class DocumentInfo(BaseModel):
    """One indexed document, as listed by `startupbot sources`."""

    doc_id: str
    title: str
    source: str
    category: str = ""
    facts_as_of: str = ""
    url: str = ""
    chunks: int = 0

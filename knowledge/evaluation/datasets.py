"""Retrieval datasets in the shared format: a folder with `passages.jsonl` and `questions.jsonl`.

passages: `{"id","title","text",...}`; questions: `{"id","question","answers":[...],
"passage_id", "passage_ids"?: [...]}` (see ../shared/datasets/README.md). Extra fields are kept
out of the models; gold passages are `passage_ids` when present, else `[passage_id]`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, model_validator


class DatasetError(Exception):
    """A dataset folder that cannot be evaluated; the message says which file and why."""


class Passage(BaseModel):
    id: str
    title: str = ""
    text: str


class EvalQuestion(BaseModel):
    id: str
    question: str
    answers: list[str] = Field(default_factory=list)
    passage_id: str | None = None
    passage_ids: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _gold(self) -> EvalQuestion:
        if not self.passage_ids and self.passage_id:
            self.passage_ids = [self.passage_id]
        if not self.passage_ids:
            raise ValueError("question has no passage_id / passage_ids")
        return self

    @property
    def gold(self) -> set[str]:
        return set(self.passage_ids)


class RetrievalDataset(BaseModel):
    name: str
    path: str
    passages: list[Passage]
    questions: list[EvalQuestion]
    passages_sha256: str = Field(description="Hash of passages.jsonl: keys the embedding cache.")
    questions_sha256: str


def _read_jsonl(path: Path, model: type[BaseModel]) -> list:
    if not path.is_file():
        raise DatasetError(f"파일이 없습니다 (missing file): {path}")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(model.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                first = str(exc).splitlines()[0]
                raise DatasetError(f"{path}:{number}: 형식 오류 (bad record): {first}") from None
    return rows


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_dataset(folder: Path, *, questions_file: str = "questions.jsonl",
                 limit: int | None = None) -> RetrievalDataset:
    """Read and check a dataset folder; `limit` keeps the first N questions (all passages)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"데이터셋 폴더가 없습니다 (no dataset folder): {folder}")
    passages_path, questions_path = folder / "passages.jsonl", folder / questions_file
    passages: list[Passage] = _read_jsonl(passages_path, Passage)
    questions: list[EvalQuestion] = _read_jsonl(questions_path, EvalQuestion)
    if not passages or not questions:
        raise DatasetError(f"빈 데이터셋입니다 (empty dataset): {folder}")
    ids = [p.id for p in passages]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{passages_path}: 중복된 passage id (duplicate ids)")
    known = set(ids)
    unknown = sorted({g for q in questions for g in q.gold} - known)
    if unknown:
        raise DatasetError(f"{questions_path}: 없는 passage id를 가리킵니다 (unknown gold ids): "
                           f"{', '.join(unknown[:5])}")
    if limit is not None:
        questions = questions[:limit]
    return RetrievalDataset(
        name=folder.resolve().name, path=str(folder), passages=passages, questions=questions,
        passages_sha256=file_sha256(passages_path), questions_sha256=file_sha256(questions_path),
    )

"""Trained suggestion models kept with the project (the ``model_version`` table, migration 0010).

A version is the trained spaCy pipeline directory packed as a gzipped tar (``archive``) with what
it was trained on and scored; the project setting ``MODEL_SETTING`` names the version that
suggests (none: the base pipeline and rules suggest alone). Listing never reads the archives,
which are megabytes each. Each change is one transaction.

To run a version, ``unpacked`` extracts it into the user's cache folder under a name made of the
project's location and the version's id and creation time, never beside or inside the project
file: the project stays one file (or one database), and the cache can be deleted at any time.
Extraction uses tarfile's ``data`` filter, so an archive cannot write outside its folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.paths import APP_NAME
from annotator.store.database import inserted_id
from annotator.store.models import MODEL_VERSION, utcnow

if TYPE_CHECKING:
    from annotator.store.project import Project

MODEL_SETTING = "suggestion_model"
DEFAULT_THRESHOLD = 0.5
_INFO_COLUMNS = [column for column in MODEL_VERSION.c if column.name != "archive"]


@dataclass(frozen=True)
class ModelVersionInfo:
    """One version without its archive: what lists and reports show."""

    id: int
    created_at: datetime
    trained_by: str
    layer: str
    labels: dict[str, Any]  # component -> labels it learnt
    trained_on: dict[str, Any]  # documents, held-out documents, spans per label, base pipeline…
    scores: dict[str, Any]  # ``training.evaluate.Scores.as_json``
    curve: dict[str, Any]
    thresholds: dict[str, float] = field(default_factory=dict)
    size_bytes: int = 0

    @property
    def name(self) -> str:
        """How suggestions name their source: ``model:v3``."""
        return f"model:v{self.id}"

    def threshold(self, label: str) -> float:
        return float(self.thresholds.get(label, DEFAULT_THRESHOLD))

    @property
    def span_labels(self) -> list[str]:
        return [*self.labels.get("ner", []), *self.labels.get("spancat", [])]


def pack(directory: Path) -> bytes:
    """A pipeline directory as gzipped tar bytes, paths relative to it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(directory.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(directory)), recursive=False)
    return buffer.getvalue()


def cache_dir() -> Path:
    """Where unpacked versions are kept: the user's cache folder (platformdirs)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "models"


class ModelVersions:
    """Add, list, read, choose and delete a project's trained models."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def add(self, archive: bytes, *, trained_by: str, layer: str, labels: dict[str, Any],
            trained_on: dict[str, Any], scores: dict[str, Any], curve: dict[str, Any],
            thresholds: dict[str, float]) -> int:
        """Store a new version (one transaction); returns its id."""
        with self._project.transaction("Train model") as connection:
            result = connection.execute(MODEL_VERSION.insert().values(
                created_at=utcnow(), trained_by=trained_by, layer=layer, labels=labels, trained_on=trained_on,
                scores=scores, curve=curve, thresholds=thresholds, size_bytes=len(archive), archive=archive))
            return inserted_id(result)

    def all(self) -> list[ModelVersionInfo]:
        """Every version, oldest first, without the archives."""
        with self._project.reading() as connection:
            rows = connection.execute(sa.select(*_INFO_COLUMNS).order_by(MODEL_VERSION.c.id)).mappings().all()
        return [ModelVersionInfo(**row) for row in rows]

    def get(self, version_id: int) -> ModelVersionInfo:
        with self._project.reading() as connection:
            row = connection.execute(sa.select(*_INFO_COLUMNS).where(MODEL_VERSION.c.id == version_id)
                                     ).mappings().one_or_none()
        if row is None:
            raise self._unknown(version_id)
        return ModelVersionInfo(**row)

    def archive(self, version_id: int) -> bytes:
        with self._project.reading() as connection:
            data = connection.execute(sa.select(MODEL_VERSION.c.archive).where(MODEL_VERSION.c.id == version_id)
                                      ).scalar_one_or_none()
        if data is None:
            raise self._unknown(version_id)
        return bytes(data)

    def delete(self, version_id: int) -> None:
        """Delete a version (and stop it suggesting, if it did), in one transaction. Suggestions it
        made stay, named by their source; the unpacked copy in the cache goes too."""
        info = self.get(version_id)
        with self._project.transaction("Delete model") as connection:
            connection.execute(MODEL_VERSION.delete().where(MODEL_VERSION.c.id == version_id))
            if self.chosen() == version_id:
                self._project.set_setting(MODEL_SETTING, "")
        shutil.rmtree(self._cache_path(info), ignore_errors=True)

    def chosen(self) -> int | None:
        """The version that suggests, or None."""
        value = (self._project.setting(MODEL_SETTING) or "").strip()
        return int(value) if value.isdigit() else None

    def choose(self, version_id: int | None) -> None:
        """Make ``version_id`` the version that suggests (None: no trained model suggests)."""
        if version_id is not None:
            self.get(version_id)
        self._project.set_setting(MODEL_SETTING, "" if version_id is None else str(version_id))

    def set_thresholds(self, version_id: int, thresholds: dict[str, float]) -> dict[str, float]:
        """Set the minimum score of some labels' suggestions (others keep theirs); one transaction.
        Returns the version's thresholds after the change."""
        for label, value in thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise UserError(Errors.E1273.format(value=f"{label}={value}"))
        with self._project.transaction("Set model thresholds") as connection:
            current = connection.execute(sa.select(MODEL_VERSION.c.thresholds, MODEL_VERSION.c.labels)
                                         .where(MODEL_VERSION.c.id == version_id)).one_or_none()
            if current is None:
                raise self._unknown(version_id)
            known = {label for labels in current.labels.values() for label in labels}
            unknown = sorted(set(thresholds) - known)
            if unknown:
                raise UserError(Errors.E1274.format(labels=", ".join(unknown), version=version_id,
                                                    known=", ".join(sorted(known)) or "none"))
            merged = {**current.thresholds, **thresholds}
            connection.execute(MODEL_VERSION.update().where(MODEL_VERSION.c.id == version_id)
                               .values(thresholds=merged))
        return merged

    def unpacked(self, version_id: int) -> Path:
        """The version's pipeline directory in the cache, extracted on first use."""
        info = self.get(version_id)
        target = self._cache_path(info)
        if (target / "config.cfg").is_file():
            return target
        data = self.archive(version_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=target.parent))
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
                archive.extractall(staging, filter="data")
            if not (staging / "config.cfg").is_file():
                raise UserError(Errors.E1275.format(version=version_id, reason="it holds no spaCy config.cfg"))
            try:
                os.replace(staging, target)
            except OSError:  # another process unpacked it first
                if not (target / "config.cfg").is_file():
                    raise
        except (tarfile.TarError, EOFError, OSError) as error:
            raise UserError(Errors.E1275.format(version=version_id, reason=error)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def _cache_path(self, info: ModelVersionInfo) -> Path:
        identity = f"{self._project.location}\n{info.id}\n{info.created_at.isoformat()}"
        return cache_dir() / f"v{info.id}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"

    def _unknown(self, version_id: int) -> UserError:
        known = ", ".join(str(info.id) for info in self.all()) or "none yet (run 'annotator train')"
        return UserError(Errors.E1272.format(version=version_id, location=self._project.location, known=known))

"""The trial store: one SQLite file per study, every trial committed the moment it finishes."""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..search.checks import StudyError
from ..search.study import Study

FORMAT = "hrsnn-study/1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
    id INTEGER PRIMARY KEY,
    params TEXT NOT NULL,          -- JSON {field: value}
    objective REAL NOT NULL,       -- value told to the optimizer (penalty for degenerate / failed trials)
    E REAL, mc REAL, rate_hz REAL, spikes REAL,   -- means over seeds (E NULL when infinite)
    seeds TEXT NOT NULL,           -- JSON list
    status TEXT NOT NULL,          -- ok | degenerate | failed
    duration_s REAL NOT NULL,
    started TEXT NOT NULL, finished TEXT NOT NULL,
    error TEXT,                    -- failure text or degeneracy reasons
    results TEXT,                  -- JSON list of per-seed results (without configs)
    asked INTEGER,                 -- position in the optimizer's ask sequence (0, 1, …): the order trials are told
    batch INTEGER                  -- the asked position of the first point of its batch (points asked at once)
);
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Trial:
    id: int
    params: dict[str, Any]
    objective: float
    E: float
    mc: float
    rate_hz: float
    spikes: float
    seeds: list[int]
    status: str
    duration_s: float
    started: str
    finished: str
    error: str
    results: list[dict]
    asked: int | None = None       # position in the ask sequence (None: stored before it was recorded)
    batch: int | None = None       # asked position of the first point of its batch


class TrialStore:
    """``studies/<name>.sqlite``. Opening checks that the file is an hrsnn study of the same definition."""

    def __init__(self, path: str | Path, study: Study | None = None, resume: bool = False):
        """``study=None`` opens an existing store read-only (for ``study show`` and ``export``)."""
        self.path = Path(path)
        exists = self.path.exists()
        if study is None:
            if not exists:
                raise StudyError(f"{self.path}: no such study")
            try:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                self._check(None)
            except sqlite3.DatabaseError as e:
                raise StudyError(f"{self.path}: not an hrsnn study database ({e})") from None
            return
        if exists and not resume:
            raise StudyError(f"{self.path}: a study with this name exists; pass --resume to continue it "
                             f"(or choose another name)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path)
            if exists:
                self._check(study)
                if not self._has_asked():
                    with self.db:                       # stores written before the ask order was recorded
                        self.db.execute("ALTER TABLE trials ADD COLUMN asked INTEGER")
                        self.db.execute("ALTER TABLE trials ADD COLUMN batch INTEGER")
            else:
                self.db.executescript(SCHEMA)
                with self.db:
                    self.db.executemany("INSERT INTO meta VALUES (?, ?)", [
                        ("format", FORMAT), ("name", study.name), ("fingerprint", study.fingerprint),
                        ("study", json.dumps(study.source, default=str)), ("created", now())])
        except sqlite3.DatabaseError as e:
            raise StudyError(f"{self.path}: not a readable hrsnn study database ({e})") from None

    def _has_asked(self) -> bool:
        return "asked" in {r[1] for r in self.db.execute("PRAGMA table_info(trials)")}

    def _check(self, study: Study | None) -> None:
        try:
            meta = dict(self.db.execute("SELECT key, value FROM meta"))
            self.db.execute("SELECT id, params, objective, status FROM trials LIMIT 1").fetchall()
        except sqlite3.DatabaseError as e:
            raise StudyError(f"{self.path}: not an hrsnn study database ({e})") from None
        if meta.get("format") != FORMAT:
            raise StudyError(f"{self.path}: not an hrsnn study database (format {meta.get('format')!r})")
        if study is not None and meta.get("fingerprint") not in study.fingerprints:
            raise StudyError(f"{self.path}: stored trials belong to a different study definition (space, "
                             f"objective, seeds or base config changed); use a new study name")

    def add(self, params: dict, objective: float, summary: dict, seeds: list[int], status: str,
            duration_s: float, started: str, error: str = "", results: list[dict] | None = None,
            asked: int | None = None, batch: int | None = None) -> int:
        def num(x):
            return x if x is not None and math.isfinite(x) else None
        with self.db:                                   # commits on exit
            cur = self.db.execute(
                "INSERT INTO trials (params, objective, E, mc, rate_hz, spikes, seeds, status, duration_s, "
                "started, finished, error, results, asked, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (json.dumps(params), objective, num(summary.get("E")), num(summary.get("mc")),
                 num(summary.get("rate_hz")), num(summary.get("spikes")), json.dumps(seeds), status,
                 duration_s, started, now(), error, json.dumps(results or []), asked, batch))
        return int(cur.lastrowid)

    def trials(self) -> list[Trial]:
        """Every stored trial in the order it was asked (a store without that order: the order it finished)."""
        asked, batch = ("asked", "batch") if self._has_asked() else ("NULL", "NULL")
        rows = self.db.execute("SELECT id, params, objective, E, mc, rate_hz, spikes, seeds, status, duration_s, "
                               f"started, finished, error, results, {asked}, {batch} FROM trials "
                               f"ORDER BY COALESCE({asked}, id - 1), id").fetchall()
        out = []
        for r in rows:
            out.append(Trial(r[0], json.loads(r[1]), r[2], math.inf if r[3] is None else r[3],
                             r[4] if r[4] is not None else math.nan, r[5] if r[5] is not None else math.nan,
                             r[6] if r[6] is not None else math.nan, json.loads(r[7]), r[8], r[9], r[10], r[11],
                             r[12] or "", json.loads(r[13] or "[]"), r[14], r[15]))
        return out

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def close(self) -> None:
        self.db.close()


"""What a roster sheet is: a title, typed columns, and a row provider.

A **row provider** is `rows(session, period, region) -> AsyncIterator[Mapping[str, Any]]`:
plain dict rows for the period (an ISO `Week`, or any `Period`) and region code prefix
(`None` = every region). Each sheet module documents the keys its rows carry; a column
reads its `key`, so a provider may carry more keys than the sheet shows. Providers are
small and separate so a feature's own table can be plugged in by replacing one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from services import regions
from services.session import AsyncSession
from services.sheets.period import Period

__all__ = ["Column", "columns", "Kind", "Row", "RowProvider", "Sheet", "no_rows", "from_rows"]

Row = Mapping[str, Any]
RowProvider = Callable[[AsyncSession, Period, "str | None"], AsyncIterator[Row]]
#: text: user text (neutralised); uscc/phone: text cells (phones masked unless allowed);
#: date/datetime: real date cells in the configured zone; int/number: numeric cells.
Kind = Literal["text", "uscc", "phone", "date", "datetime", "int", "number"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    width: float = 16
    header_en: str = ""

    def heading(self, lang: str) -> str:
        """Chinese first (the province reads it); an English reader gets the English under it."""
        return f"{self.header}\n{self.header_en}" if lang == "en" and self.header_en else self.header


@lru_cache(maxsize=1)
def _column_table() -> dict[str, tuple[Column, ...]]:
    table = yaml.safe_load(resources.files("services").joinpath("data/roster_columns.yaml").read_text("utf-8"))
    return {sheet: tuple(Column(key, zh, kind, float(width), en) for key, zh, en, kind, width in rows)
            for sheet, rows in table.items()}


def columns(sheet: str) -> tuple[Column, ...]:
    """A sheet's columns as data (services/data/roster_columns.yaml: both languages' headers
    in one place, so a column is named once)."""
    return _column_table()[sheet]


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: RowProvider

    def with_rows(self, rows: RowProvider) -> Sheet:
        """The same sheet fed by another provider (a feature's real table, or test rows)."""
        return Sheet(self.title, self.columns, rows)


async def no_rows(_session: AsyncSession, _period: Period, _region: str | None) -> AsyncIterator[Row]:
    """The provider of a sheet whose data this deployment does not record (yet)."""
    return
    yield  # pragma: no cover - makes this an async generator


def from_rows(rows: Iterable[Row], when: str | None = None) -> RowProvider:
    """A provider over fixed rows (tests, benchmarks): those whose `when` moment (an
    aware datetime key) falls in the period, and in the region; all of them without `when`."""
    async def provide(_session: AsyncSession, period: Period, region: str | None) -> AsyncIterator[Row]:
        for row in rows:
            if when is None or (period.contains(row[when]) and in_region(row.get("region_code"), region)):
                yield row
    return provide


def in_region(code: str | None, region: str | None) -> bool:
    """`code` lies within `region` by the one rule (services.regions.contains); None is every region."""
    return region is None or regions.contains(region, code)

"""Benchmark: a week's roster with 30,000 attendance rows, 10,000 visits and 5,000 measures,
from the database to an .xlsx file; time and peak memory, against XlsxWriter.

The visits, measures and attendance tables are built by other features; this branch does
not have them, so the bench creates stand-in tables (`bench_visits`, `bench_measures`,
`bench_attendance`, with the row shapes documented in services.sheets) next to the real
companies and question tables in a fresh SQLite file, and feeds them to the roster through
row providers that stream from the database, as the real ones will.

Ours: `services.export.write_roster` (openpyxl write-only, rows streamed from the database
on the event loop, written in batches in a worker thread). Yardstick, same run: XlsxWriter
with `constant_memory`, fed the same rows by the same providers, with the same header
formatting (bold, frozen, autofilter, widths), the same per-cell preparation (text
cleaned, phones masked, times converted to Asia/Shanghai) and real date cells.

Each export runs in a child process of its own; the two writers alternate, three timed rounds
each, and the better time of each counts (the machine is shared, so load comes and goes);
then one more run of each under tracemalloc gives its peak Python allocation during the
export (the child's peak RSS is shown too; it includes the interpreter and imports). Last line:

    {"bench": "export", "seconds": x, "yardstick_seconds": y, "ratio": x/y, "peak_mib": m}

Goal: ratio <= 1.25 and peak < 100 MiB. The wall-clock ratio swings with other load on a
shared machine; `cpu_ratio` (process CPU seconds, all threads) is printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from policy import load_catalog  # noqa: E402
from services.export import write_roster  # noqa: E402
from services.session import Database  # noqa: E402
from services.sheets import default_sheets, parse_week  # noqa: E402
from services.sheets.cells import clean_text, mask_phone  # noqa: E402
from storage.models import Company  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
WEEK = parse_week("2026-W47", TZ)
COUNTS = {"attendance": 30_000, "visits": 10_000, "measures": 5_000}
COMPANIES = 500

meta = sa.MetaData()
visits = sa.Table("bench_visits", meta, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("visited_at", sa.DateTime), *(sa.Column(c, sa.String) for c in (
                      "company_name", "uscc", "region_code", "specialist_name", "contact_name", "contact_phone",
                      "topic", "notes", "follow_up")))
measures = sa.Table("bench_measures", meta, sa.Column("id", sa.Integer, primary_key=True),
                    *(sa.Column(c, sa.String) for c in ("company_name", "uscc", "region_code", "specialist_name",
                                                        "measure", "status")),
                    sa.Column("due_on", sa.Date), sa.Column("done_on", sa.Date), sa.Column("created_at", sa.DateTime))
attendance = sa.Table("bench_attendance", meta, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("training_title", sa.String), sa.Column("starts_at", sa.DateTime),
                      *(sa.Column(c, sa.String) for c in ("location", "category", "region_code", "attendee_name",
                                                          "attendee_phone", "company_name", "uscc")),
                      sa.Column("checked_in_at", sa.DateTime))


def uscc(n: int) -> str:
    from stdnum.cn import uscc as u

    body = f"9132058{n:010d}"[:17]
    return body + u.calc_check_digit(body)


async def seed(url: str) -> None:
    rnd = random.Random(47)
    db = Database(url)
    await db.upgrade()
    start = WEEK.start_utc
    moment = lambda: (start + timedelta(seconds=rnd.randrange(7 * 86400))).replace(tzinfo=None)  # noqa: E731
    names = [f"苏州某某精密机械制造有限公司{n}" for n in range(COMPANIES)]
    async with db.engine.begin() as conn:
        await conn.run_sync(meta.create_all)
        await conn.execute(sa.insert(Company.__table__), [
            {"uscc": uscc(n), "name": names[n], "region_code": "320585", "specialist_id": None,
             "facts": {"is_sme": True, "invention_grants_this_year": n % 7}, "created_at": start,
             "updated_at": start} for n in range(COMPANIES)])
        await conn.execute(sa.insert(visits), [
            {"visited_at": moment(), "company_name": names[i % COMPANIES], "uscc": uscc(i % COMPANIES),
             "region_code": "320585", "specialist_name": f"特派员{i % 35}", "contact_name": "李经理",
             "contact_phone": f"138{i:08d}", "topic": "专利布局与贯标", "notes": "=了解企业研发情况，建议申请首件发明专利" * 2,
             "follow_up": "两周后回访"} for i in range(COUNTS["visits"])])
        await conn.execute(sa.insert(measures), [
            {"company_name": names[i % COMPANIES], "uscc": uscc(i % COMPANIES), "region_code": "320585",
             "specialist_name": f"特派员{i % 35}", "measure": "完成知识产权管理规范贯标", "status": "open",
             "due_on": date(2026, 11, 1) + timedelta(days=i % 60), "done_on": None, "created_at": moment()}
            for i in range(COUNTS["measures"])])
        await conn.execute(sa.insert(attendance), [
            {"training_title": f"知识产权总监培训第{i % 40}期", "starts_at": moment(), "location": "太仓市科技局",
             "category": ("知识产权总监", "工程师", "企业贯标内审员", "经营管理人员")[i % 4], "region_code": "320585",
             "attendee_name": f"学员{i}", "attendee_phone": f"139{i:08d}", "company_name": names[i % COMPANIES],
             "uscc": uscc(i % COMPANIES), "checked_in_at": moment()} for i in range(COUNTS["attendance"])])
    await db.close()


def streaming(table: sa.Table, when: str):
    """A row provider over a stand-in table: the period's rows, streamed (1,000 at a time)."""
    async def provide(session, period, region):
        lo, hi = period.start_utc.replace(tzinfo=None), period.end_utc.replace(tzinfo=None)
        query = sa.select(table).where(table.c[when] >= lo, table.c[when] < hi).order_by(table.c[when])
        if region:
            query = query.where(table.c.region_code.startswith(region))
        result = await session.stream(query.execution_options(yield_per=1000))
        async for row in result.mappings():
            yield {k: (v.replace(tzinfo=timezone.utc) if isinstance(v, datetime) else v) for k, v in row.items()}
    return provide


def sources():
    return {"visits": streaming(visits, "visited_at"), "measures": streaming(measures, "created_at"),
            "attendance": streaming(attendance, "checked_in_at")}


async def ours(db: Database, path: Path) -> int:
    async with db.sessions() as session:
        counts = await write_roster(session, default_sheets(load_catalog(), sources()), WEEK, None, path, TZ, False)
    return sum(counts.values())


async def yardstick(db: Database, path: Path) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True, "align": "center"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    total = 0
    async with db.sessions() as session:
        for sheet in default_sheets(load_catalog(), sources()):
            ws = book.add_worksheet(sheet.title)
            for col, column in enumerate(sheet.columns):
                ws.set_column(col, col, column.width)
                ws.write_string(0, col, column.header, bold)
            ws.freeze_panes(1, 0)
            r = 0
            async for row in sheet.rows(session, WEEK, None):
                r += 1
                for col, column in enumerate(sheet.columns):
                    value = row.get(column.key)
                    if value is None:
                        continue
                    if column.kind == "datetime" and isinstance(value, datetime):
                        ws.write_datetime(r, col, value.astimezone(TZ).replace(tzinfo=None), stamp)
                    elif column.kind == "date" and isinstance(value, date):
                        ws.write_datetime(r, col, datetime(value.year, value.month, value.day), day)
                    elif column.kind in ("int", "number") and isinstance(value, (int, float)):
                        ws.write_number(r, col, value)
                    else:
                        text = mask_phone(value) if column.kind == "phone" else clean_text(value)
                        ws.write_string(r, col, text)
            ws.autofilter(0, 0, r, len(sheet.columns) - 1)
            total += r
    book.close()
    return total


def child(which: str, url: str, out: Path, traced: bool) -> None:
    writer = {"ours": ours, "yardstick": yardstick}[which]

    async def go() -> dict:
        db = Database(url)
        load_catalog()
        if traced:
            tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        rows = await writer(db, out)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        tracemalloc.stop()
        await db.close()
        return {"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mib": peak / 2**20, "bytes": out.stat().st_size,
                "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}

    print(json.dumps(asyncio.run(go())))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=["ours", "yardstick"])
    parser.add_argument("--url")
    parser.add_argument("--out")
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, Path(args.out), args.traced)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        asyncio.run(seed(url))
        print(f"seeded {sum(COUNTS.values()):,} rows + {COMPANIES} companies in {time.perf_counter() - t0:.1f}s")
        def run(which: str, *extra: str) -> dict:
            done = subprocess.run([sys.executable, __file__, "--child", which, "--url", url,
                                   "--out", f"{tmp}/{which}.xlsx", *extra], capture_output=True, text=True, check=True)
            return json.loads(done.stdout.strip().splitlines()[-1])

        results: dict[str, dict] = {}
        for round_ in range(1, args.rounds + 1):
            for which in ("ours", "yardstick"):
                r = run(which)
                print(f"round {round_} {which:9s}: {r['rows']:,} rows in {r['seconds']:.2f}s "
                      f"(CPU {r['cpu']:.2f}s), file {r['bytes'] / 2**20:.1f} MiB")
                if which not in results or r["seconds"] < results[which]["seconds"]:
                    results[which] = {**r, "best_cpu": min(r["cpu"], results.get(which, r)["cpu"])}
                else:
                    results[which]["best_cpu"] = min(results[which]["best_cpu"], r["cpu"])
        for which in ("ours", "yardstick"):
            r = run(which, "--traced")
            results[which]["peak_mib"], results[which]["maxrss_mib"] = r["peak_mib"], r["maxrss_mib"]
            print(f"{which:9s}: traced peak {r['peak_mib']:.1f} MiB, process peak RSS {r['maxrss_mib']:.0f} MiB")
    ratio = results["ours"]["seconds"] / results["yardstick"]["seconds"]
    peak = results["ours"]["peak_mib"]
    cpu_ratio = results["ours"]["best_cpu"] / results["yardstick"]["best_cpu"]
    print(f"ratio {ratio:.2f} (goal <= 1.25), peak {peak:.1f} MiB (goal < 100); "
          f"CPU ratio {cpu_ratio:.2f} (process CPU seconds, less sensitive to other load on the machine)")
    print(json.dumps({"bench": "export", "seconds": round(results["ours"]["seconds"], 3),
                      "yardstick_seconds": round(results["yardstick"]["seconds"], 3), "ratio": round(ratio, 3),
                      "peak_mib": round(peak, 1), "cpu_ratio": round(cpu_ratio, 3)}))


if __name__ == "__main__":
    main()

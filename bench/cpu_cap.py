"""A CPU budget for one process and its threads, through a cgroup of its own (bench/scale.py --cpu-cap).

On this machine two cores are shared by the instances, PostgreSQL, Redis and the emulator. With no
cap, one instance already keeps one core busy and two instances fill both, so the ratio of their
throughputs measures the machine as much as the instances. Capping each instance at the same share
of a core, below what the machine can give two of them, measures what the issue asks of several
instances: whether a second one adds as much as the first, or loses work to coordinating with it.

cgroup v2 (`cpu.max`) where the cpu controller is on the unified hierarchy, else cgroup v1
(`cpu.cfs_quota_us`). The short period (20 ms) keeps a capped instance's pauses short.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CpuCap", "CapUnavailable"]

PERIOD_US = 20_000
_V2, _V1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/cpu")


class CapUnavailable(RuntimeError):
    """No cgroup with a cpu controller can be written here (not root, or no such hierarchy)."""


class CpuCap:
    """`cores` of CPU time (0.5: half of one core) for the process `pid` and what it starts."""

    def __init__(self, name: str, cores: float) -> None:
        if not 0 < cores <= (os.cpu_count() or 1):
            raise ValueError(f"a cap of {cores} cores is not between 0 and the machine's {os.cpu_count()}")
        quota = max(1000, round(cores * PERIOD_US))
        if "cpu" in _read(_V2 / "cgroup.controllers").split():
            self.path = _V2 / name
            self._settings = {"cpu.max": f"{quota} {PERIOD_US}"}
        elif (_V1 / "cpu.cfs_quota_us").exists():
            self.path = _V1 / name
            self._settings = {"cpu.cfs_period_us": str(PERIOD_US), "cpu.cfs_quota_us": str(quota)}
        else:
            raise CapUnavailable("no cgroup cpu controller on this machine (/sys/fs/cgroup)")
        try:
            self.path.mkdir(exist_ok=True)
            for file, value in self._settings.items():
                (self.path / file).write_text(value)
        except OSError as exc:
            raise CapUnavailable(f"cannot set a CPU cap in {self.path}: {exc.strerror}") from exc

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def throttled_ms(self) -> float:
        """How long the kernel held the group back for its cap so far (cpu.stat)."""
        stat = dict(line.split() for line in _read(self.path / "cpu.stat").splitlines() if line.count(" ") == 1)
        if "throttled_usec" in stat:
            return int(stat["throttled_usec"]) / 1000
        return int(stat.get("throttled_time", 0)) / 1e6

    def remove(self) -> None:
        """Gone once its processes have exited; a process still in it is moved back to the root."""
        try:
            for pid in _read(self.path / "cgroup.procs").split():
                (self.path.parent / "cgroup.procs").write_text(pid)
            self.path.rmdir()
        except OSError:
            pass


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""

"""Building each generated client once and running its example against the test server.

Every client ships one example program with the same contract, so one test drives all four.
It reads CLARION_SERVER and CLARION_API_KEY from the environment, takes
`[--plaintext] send APP [USER]` or `[--plaintext] watch APP [now]`, and prints one line per
event:

    device apps/{app}/devices/{id}
    send apps/{app}/sends/{id} deliveries={n}
    receipt cursor={n} status={DELIVERY_STATUS_...} device={name} send={name} reason={reason}
    reconnecting after={cursor} error={...}           (watch mode, before each reconnection)

`watch` prints every receipt of the app from the log's start (or from now) until it is
stopped; `send` registers a device, sends to its user and prints that send's receipts until
every delivery has settled, then exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
BUILD_TIMEOUT = 900  # a cold Maven or npm cache fetches everything from the registry


def build(label: str, argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run one build step; fail the test with the tool's output if it fails."""
    result = subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{label} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@dataclass(frozen=True)
class Receipt:
    """One `receipt` line an example printed."""

    cursor: int
    status: str
    device: str
    send: str
    reason: str


def parse_fields(line: str) -> dict[str, str]:
    """`word k1=v1 k2=v2` -> {k1: v1, k2: v2} (values hold no spaces, except the error's)."""
    fields: dict[str, str] = {}
    for part in line.split(" ")[1:]:
        key, sep, value = part.partition("=")
        if sep:
            fields[key] = value
    return fields


def receipts_in(lines: Sequence[str]) -> list[Receipt]:
    found = []
    for line in lines:
        if line.startswith("receipt "):
            f = parse_fields(line)
            found.append(
                Receipt(int(f["cursor"]), f["status"], f["device"], f["send"], f["reason"])
            )
    return found


@dataclass(frozen=True)
class Example:
    """How to run one client's example: its command, in a language."""

    language: str
    title: str  # the notification title the example sends
    command: tuple[str, ...]

    def env(self, server: str, key: str) -> dict[str, str]:
        return {**os.environ, "CLARION_SERVER": server, "CLARION_API_KEY": key}


@dataclass
class Running:
    """An example running in the background, its output collected line by line."""

    process: asyncio.subprocess.Process
    started_at: float
    lines: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _readers: list[asyncio.Task[None]] = field(default_factory=list)
    ran_for: float = 0.0

    @classmethod
    async def start(cls, example: Example, *args: str, env: dict[str, str]) -> Running:
        process = await asyncio.create_subprocess_exec(
            *example.command,
            *args,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        running = cls(process, asyncio.get_running_loop().time())
        assert process.stdout is not None and process.stderr is not None
        running._readers = [
            asyncio.create_task(running._read(process.stdout, running.lines)),
            asyncio.create_task(running._read(process.stderr, running.stderr)),
        ]
        return running

    async def _read(self, stream: asyncio.StreamReader, into: list[str]) -> None:
        while line := await stream.readline():
            into.append(line.decode().rstrip("\n"))
            self._changed.set()
        self._changed.set()

    def output(self) -> str:
        return "\n".join(["--- stdout", *self.lines, "--- stderr", *self.stderr])

    async def until(self, predicate: Callable[[list[str]], bool], within: float = 60.0) -> None:
        """Wait until `predicate(lines)` holds; fail with the output if it does not in time."""
        deadline = asyncio.get_running_loop().time() + within
        while not predicate(self.lines):
            if self.process.returncode is not None and all(r.done() for r in self._readers):
                pytest.fail(f"example exited ({self.process.returncode}):\n{self.output()}")
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                pytest.fail(f"example output not as expected in {within}s:\n{self.output()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    async def wait(self, within: float = 60.0) -> int:
        """Wait for the example to exit by itself; its exit code (`ran_for`: how long it ran)."""
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            await self.stop()
            pytest.fail(f"example did not finish in {within}s:\n{self.output()}")
        await asyncio.gather(*self._readers)
        self.ran_for = asyncio.get_running_loop().time() - self.started_at
        return code

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)

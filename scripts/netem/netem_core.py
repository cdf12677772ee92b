"""Pure core of the network-impairment relay (no I/O): the per-direction impairment schedule, the two
delay lines (datagrams: any order their due times give; byte streams: first in, first out) and the
timer-lateness record. relay.py is the I/O shell around it; test_netem_core.py tests it.

Times are seconds on one monotonic clock; delays in the configuration are milliseconds.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Impairment:
    """One direction: each packet is dropped with probability `loss` (UDP only), else delivered after
    `delay_ms` +- uniform `jitter_ms` (like netem's `delay D J`; jitter may reorder datagrams)."""

    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.loss <= 1.0:
            raise ValueError(f"loss must be within [0, 1], got {self.loss}")
        if self.delay_ms < 0 or self.jitter_ms < 0:
            raise ValueError(f"delay and jitter must be >= 0 ms, got {self.delay_ms} / {self.jitter_ms}")

    @staticmethod
    def from_json(d: dict[str, Any] | None) -> "Impairment":
        d = d or {}
        return Impairment(
            delay_ms=float(d.get("delayMs", 0.0)),
            jitter_ms=float(d.get("jitterMs", 0.0)),
            loss=float(d.get("loss", 0.0)),
        )


def retransmit_ms(imp: Impairment) -> float:
    """How late TCP delivers a segment that was lost once: Linux's minimum retransmission timeout
    (200 ms) or, on a long path, about two round trips (RTT = 2 x the one-way delay), whichever is
    longer. A model: a tail-loss probe can be quicker, a second loss or a backed-off RTO slower."""
    return max(200.0, 4.0 * imp.delay_ms)


class Schedule:
    """Decides, packet by packet, whether a packet is lost and when it is due. Seeded: the same seed and
    the same sequence of packets give the same decisions (the random draws do not depend on time)."""

    def __init__(self, impairment: Impairment, seed: str) -> None:
        self.impairment = impairment
        self._rng = random.Random(seed)

    def set(self, impairment: Impairment) -> None:
        self.impairment = impairment

    def decide(self, now: float, lossy: bool = True, retransmit: bool = False) -> float | None:
        """The due time of a packet that arrived at `now`, or None when it is dropped. Two draws per
        packet whatever the impairment, so changing it mid-run does not shift later decisions.

        `retransmit` (byte streams, not `lossy`): a chunk the loss draw hits is not dropped but arrives
        one retransmission timeout late ({@link retransmit_ms}), as TCP recovers a lost segment; in a FIFO
        everything behind it waits too (head-of-line blocking)."""
        imp = self.impairment
        u_loss = self._rng.random()
        u_jitter = self._rng.random()
        hit = u_loss < imp.loss
        if lossy and hit:
            return None
        delay_ms = imp.delay_ms + (2.0 * u_jitter - 1.0) * imp.jitter_ms
        if retransmit and not lossy and hit:
            delay_ms += retransmit_ms(imp)
        return now + max(0.0, delay_ms) / 1000.0


class DelayLine(Generic[T]):
    """Datagrams in due-time order; equal due times leave in arrival order (a heap keyed by (due, seq):
    an event loop's timer heap alone does not keep equal-time callbacks in order)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, T]] = []
        self._seq = 0

    def push(self, due: float, item: T) -> None:
        heapq.heappush(self._heap, (due, self._seq, item))
        self._seq += 1

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_ready(self, now: float) -> list[tuple[float, T]]:
        out: list[tuple[float, T]] = []
        while self._heap and self._heap[0][0] <= now:
            due, _, item = heapq.heappop(self._heap)
            out.append((due, item))
        return out

    def __len__(self) -> int:
        return len(self._heap)


class FifoLine(Generic[T]):
    """A byte stream's chunks: always delivered in arrival order. A chunk's due time is never earlier
    than the one before it (jitter stretches the stream; it never reorders it)."""

    def __init__(self) -> None:
        self._q: deque[tuple[float, T]] = deque()
        self._last_due = float("-inf")

    def push(self, due: float, item: T) -> float:
        """Queues `item`; returns the due time it got (>= the previous chunk's)."""
        due = max(due, self._last_due)
        self._last_due = due
        self._q.append((due, item))
        return due

    def next_due(self) -> float | None:
        return self._q[0][0] if self._q else None

    def pop_ready(self, now: float) -> list[tuple[float, T]]:
        out: list[tuple[float, T]] = []
        while self._q and self._q[0][0] <= now:
            out.append(self._q.popleft())
        return out

    def __len__(self) -> int:
        return len(self._q)


def percentile(sorted_xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_xs:
        return None
    rank = max(1, -(-len(sorted_xs) * p // 100))  # ceil(n * p / 100), at least 1
    return sorted_xs[int(rank) - 1]


class Lateness:
    """How late the relay delivered packets, relative to their due times (ms)."""

    def __init__(self) -> None:
        self._ms: list[float] = []

    def record(self, due: float, fired: float) -> None:
        self._ms.append(max(0.0, (fired - due) * 1000.0))

    def summary(self) -> dict[str, Any]:
        xs = sorted(self._ms)
        r = lambda v: None if v is None else round(v, 3)  # noqa: E731
        return {
            "n": len(xs),
            "p50_ms": r(percentile(xs, 50)),
            "p95_ms": r(percentile(xs, 95)),
            "p99_ms": r(percentile(xs, 99)),
            "max_ms": r(xs[-1] if xs else None),
            "over_5ms": sum(1 for x in xs if x > 5.0),
        }

    def reset(self) -> None:
        self._ms = []

"""Rate limits: token buckets per signing key and per client address, in memory.

A bucket holds up to ``burst`` tokens and refills at ``rate`` tokens per second; a
request takes one token or is refused with the time until one is available (the
``Retry-After`` of a 429). :meth:`RateLimiter.wait` asks the same without taking
anything (the per-key limit looks before parsing and takes only once the signature
verified). A :class:`RateLimiter` keeps one bucket per name (a key, an address) and
forgets idle ones, so a flood of new names cannot exhaust memory: at most
``max_names`` buckets are kept, the least recently used going first; asking about a
name makes no bucket.

A rate of 0 (or None) turns a limiter off (for load tests); docs/api.md, "Limits".
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_MAX_NAMES", "Rate", "RateLimiter", "TokenBucket"]

DEFAULT_MAX_NAMES: Final = 100_000
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Rate:
    """``per_second`` tokens a second, up to ``burst`` at once; off when ``per_second`` <= 0."""

    per_second: float
    burst: float

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    @classmethod
    def of(cls, value: object) -> Rate:
        """A rate from a config value: ``(per_second, burst)``, a number (burst = that
        number, at least 1), ``None`` or ``0`` (off), or a :class:`Rate`."""
        if isinstance(value, Rate):
            return value
        if value is None:
            return cls(0.0, 0.0)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls(float(value), max(1.0, float(value)))
        per_second = getattr(value, "per_second", None)
        burst = getattr(value, "burst", None)
        if per_second is None and isinstance(value, tuple | list) and len(value) == 2:
            per_second, burst = value
        if isinstance(per_second, int | float) and isinstance(burst, int | float):
            return cls(float(per_second), max(1.0, float(burst)))
        raise TypeError(f"not a rate: {value!r}")


class TokenBucket:
    """One bucket; not thread-safe by itself (:class:`RateLimiter` locks around it)."""

    __slots__ = ("_rate", "stamp", "tokens")

    def __init__(self, rate: Rate, now: float) -> None:
        self._rate = rate
        self.tokens = rate.burst
        self.stamp = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self._rate.burst, self.tokens + elapsed * self._rate.per_second)
        self.stamp = now

    def wait(self, now: float, count: float = 1.0) -> float:
        """The seconds until ``count`` tokens are there (0.0: they are now)."""
        self._refill(now)
        if self.tokens >= count:
            return 0.0
        return (count - self.tokens) / self._rate.per_second

    def take(self, now: float, count: float = 1.0) -> float:
        """Take ``count`` tokens: 0.0 if taken, else the seconds until they would be there."""
        wait = self.wait(now, count)
        if not wait:
            self.tokens -= count
        return wait

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self._rate.burst


class RateLimiter:
    """Token buckets by name, thread-safe; :meth:`take` and :meth:`wait`."""

    def __init__(
        self, rate: Rate, *, max_names: int = DEFAULT_MAX_NAMES, clock: Clock = time.monotonic
    ) -> None:
        self.rate = rate
        self._max_names = max_names
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate.enabled

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, name: str) -> float:
        """Take a token for ``name``: 0.0 if allowed, else the seconds to wait."""
        if not self.rate.enabled:
            return 0.0
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(name)
            if bucket is None:
                self._make_room(now)
                bucket = self._buckets[name] = TokenBucket(self.rate, now)
            else:
                self._buckets.move_to_end(name)
            return bucket.take(now)

    def wait(self, name: str) -> float:
        """The seconds until ``name`` could take a token (0.0: now); nothing is taken, and
        no bucket is made for a name never seen (it would be full)."""
        if not self.rate.enabled:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(name)
            return 0.0 if bucket is None else bucket.wait(self._clock())

    def _make_room(self, now: float) -> None:
        if len(self._buckets) < self._max_names:
            return
        # First forget buckets that refilled (their name would start full anyway) ...
        for name in [n for n, b in self._buckets.items() if b.full(now)]:
            del self._buckets[name]
        # ... then, under a flood of new names, the least recently used tenth, so that
        # the next sweep is max_names / 10 new names away (amortised constant time).
        keep = self._max_names - max(1, self._max_names // 10)
        while len(self._buckets) > keep:
            self._buckets.popitem(last=False)

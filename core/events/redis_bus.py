"""Redis adapter: seq and PUBLISH in one Lua step; subscribers that ride out Redis restarts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from core.config import DEFAULT_REDIS_NAMESPACE
from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId
from core.events.codec import MalformedEvent, decode_frame, encode
from core.events.protocol import BusMessage, BusStatus, Resync, channel

log = logging.getLogger(__name__)

# INCR and PUBLISH in one script: Redis runs scripts atomically, so the order on the channel is the seq order
# even with many publishers, and a seq is never handed out without its message being sent. ARGV[3] = '1' asks
# for a gap: one seq is skipped, so subscribers notice that events were lost before this one. (A second INCR
# rather than INCRBY: the server's ACL user may run INCR, and one missing seq is as good a gap as a hundred.)
_PUBLISH_LUA = """
if ARGV[3] == '1' then redis.call('INCR', KEYS[1]) end
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], seq .. '|' .. ARGV[2])
return seq
"""

# The same for several events of one concert, in order: ARGV[2] is the gap flag, ARGV[3..] the messages. Returns
# the first one's seq; the rest follow it one by one (the script runs alone, so nothing comes in between).
_PUBLISH_MANY_LUA = """
if ARGV[2] == '1' then redis.call('INCR', KEYS[1]) end
local first = nil
for i = 3, #ARGV do
    local seq = redis.call('INCR', KEYS[1])
    first = first or seq
    redis.call('PUBLISH', ARGV[1], seq .. '|' .. ARGV[i])
end
return first
"""

# asyncio.timeout raises the builtin TimeoutError; redis-py raises RedisError subclasses or bare OSErrors.
_TRANSPORT_ERRORS = (RedisError, OSError, TimeoutError)


def seq_key(concert_id: ConcertId, namespace: str = DEFAULT_REDIS_NAMESPACE) -> str:
    return f"{channel(concert_id, namespace)}:seq"


@dataclass(frozen=True, slots=True)
class RedisTuning:
    """Timeouts in seconds. Defaults keep a sale from waiting more than ~0.5 s on a dead Redis."""

    publish_timeout: float = 0.5
    connect_timeout: float = 0.5
    read_poll: float = 1.0
    ping_every: float = 5.0
    """A quiet subscription pings after this long and counts as dead after twice this without any reply."""
    backoff_min: float = 0.2
    backoff_max: float = 5.0


class RedisBus:
    """The EventBus over Redis pub/sub. One pub/sub connection per subscription (a kiosk watches one or two
    concerts), so a broken subscription never takes the others down with it.

    ``namespace`` prefixes every channel and key (see protocol.channel); the server and the devices of one
    database must use the same one. The URL may name an ACL user (redis://user:password@host)."""

    def __init__(
        self,
        url: str,
        *,
        tls: bool = False,
        tuning: RedisTuning | None = None,
        namespace: str = DEFAULT_REDIS_NAMESPACE,
        ca_file: str = "",
    ) -> None:
        """``ca_file``: the CA Redis's TLS certificate is checked against (settings.broker_ca_file); empty: the
        system CAs."""
        self._tuning = tuning or RedisTuning()
        self.namespace = namespace
        url = _with_tls(url, tls)
        # Commands retry once: after a Redis restart the first use of a pooled connection fails on the stale
        # socket. The outer asyncio.timeout still bounds the whole publish.
        self._redis = _client(url, self._tuning, retries=1, ca_file=ca_file)
        # Pub/sub does not retry: redis-py would reconnect and re-subscribe silently, and a subscriber would
        # miss the events of the gap without being told to resync. _RedisSubscription does the reconnecting.
        self._pubsub_redis = _client(url, self._tuning, retries=0, ca_file=ca_file)
        self._script = self._redis.register_script(_PUBLISH_LUA)
        self._subscriptions: set[_RedisSubscription] = set()
        self._failing = 0
        """Publishes failed in a row: the first is a warning, the rest of the outage only debug lines."""

    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        cid = event.concert_id
        try:
            async with asyncio.timeout(self._tuning.publish_timeout):
                seq = await self._script(
                    keys=[seq_key(cid, self.namespace)],
                    args=[channel(cid, self.namespace), encode(event), "1" if gap else "0"],
                )
        except _TRANSPORT_ERRORS as exc:
            self._not_published(cid, exc)
            return replace(event, seq=0)
        self._published()
        return replace(event, seq=int(seq))

    async def publish_many(
        self, events: Sequence[PlacesChanged], *, gaps: Collection[ConcertId] = ()
    ) -> list[PlacesChanged]:
        """One pipeline, one round trip, one script call per concert: a publisher that has fallen behind catches
        up in one step. A flash sale's batch is mostly one concert's events: one call carrying them all costs
        Redis and this process far less than a call each (issue 11: a call each was a tenth of a hold's CPU).
        EVAL, not EVALSHA: a pipeline cannot load a missing script half-way."""
        if not events:
            return []
        by_concert: dict[ConcertId, list[int]] = {}
        for n, event in enumerate(events):
            by_concert.setdefault(event.concert_id, []).append(n)
        try:
            async with asyncio.timeout(self._tuning.publish_timeout):
                async with self._redis.pipeline(transaction=False) as pipe:
                    for cid, indexes in by_concert.items():
                        key, name = seq_key(cid, self.namespace), channel(cid, self.namespace)
                        gap = "1" if cid in gaps else "0"
                        pipe.eval(_PUBLISH_MANY_LUA, 1, key, name, gap, *(encode(events[n]) for n in indexes))
                    replies = await pipe.execute(raise_on_error=False)
        except _TRANSPORT_ERRORS as exc:
            self._not_published(events[0].concert_id, exc)
            return [replace(e, seq=0) for e in events]
        seqs = [0] * len(events)
        for (cid, indexes), reply in zip(by_concert.items(), replies, strict=True):
            if isinstance(reply, Exception):  # e.g. NoPermissionError: a device's user may not publish
                self._not_published(cid, reply)
                continue
            self._published()
            for offset, n in enumerate(indexes):
                seqs[n] = int(reply) + offset
        return [replace(event, seq=seq) for event, seq in zip(events, seqs, strict=True)]

    def _not_published(self, concert_id: ConcertId, exc: BaseException) -> None:
        self._failing += 1
        level = logging.WARNING if self._failing == 1 else logging.DEBUG
        log.log(level, "live update for concert %s not published: %s", concert_id, _describe(exc))

    def _published(self) -> None:
        if self._failing:
            log.info("live updates published again (%d were not)", self._failing)
            self._failing = 0

    @asynccontextmanager
    async def subscribe(self, concert_id: ConcertId) -> AsyncIterator[AsyncIterator[BusMessage]]:
        """When Redis is up, the subscription is live on entry: anything published afterwards arrives, so a
        caller can subscribe first and then load its snapshot without a blind spot."""
        sub = _RedisSubscription(
            self._pubsub_redis, concert_id, channel(concert_id, self.namespace), self._tuning
        )
        self._subscriptions.add(sub)
        try:
            await sub.start()
            yield sub
        finally:
            self._subscriptions.discard(sub)
            await sub.close()

    def note_own_commit(self) -> None:
        """Redis carries every writer's events itself; nothing to tell apart."""

    async def ping(self, timeout_s: float | None = None) -> bool:
        """Health check for status screens: True when Redis answers within ``timeout_s`` (default: the publish
        timeout)."""
        try:
            async with asyncio.timeout(self._tuning.publish_timeout if timeout_s is None else timeout_s):
                return bool(await self._redis.ping())
        except _TRANSPORT_ERRORS:
            return False

    async def close(self) -> None:
        for sub in list(self._subscriptions):
            await sub.close()
        await self._redis.aclose()
        await self._pubsub_redis.aclose()


class _RedisSubscription:
    """An AsyncIterator[BusMessage] that owns one PubSub at a time and replaces it after a failure."""

    def __init__(self, redis: Redis, concert_id: ConcertId, name: str, tuning: RedisTuning) -> None:
        self._redis = redis
        self._concert_id = concert_id
        self._channel = name
        self._t = tuning
        self._pubsub: PubSub | None = None
        self._pending: deque[BusMessage] = deque()
        self._connected = False
        self._delay = tuning.backoff_min
        self._last_seen = 0.0
        self._pinged = False
        self._closed = asyncio.Event()

    async def start(self) -> None:
        if await self._connect():
            self._connected = True
        else:
            log.warning("live updates for concert %s paused: Redis unreachable", self._concert_id)
            self._pending.append(BusStatus(False))

    def __aiter__(self) -> _RedisSubscription:
        return self

    async def __anext__(self) -> BusMessage:
        while True:
            if self._pending:
                return self._pending.popleft()
            if self._closed.is_set():
                raise StopAsyncIteration
            if self._pubsub is None:
                await self._reconnect()
                continue
            try:
                message = await self._read(self._pubsub)
            except Exception as exc:
                if self._closed.is_set():  # close() pulled the connection from under this read
                    raise StopAsyncIteration from None
                if not isinstance(exc, _TRANSPORT_ERRORS):
                    raise
                await self._lost(exc)
                continue
            if message is not None:
                return message

    async def close(self) -> None:
        self._closed.set()
        await self._drop_pubsub()

    async def _connect(self) -> bool:
        """Subscribe and wait for the server's confirmation: being connected means being subscribed."""
        pubsub = self._redis.pubsub()
        task = asyncio.current_task()
        cancels = task.cancelling() if task is not None else 0
        try:
            async with asyncio.timeout(self._t.connect_timeout * 2):
                await pubsub.subscribe(self._channel)
                while True:
                    reply = await pubsub.get_message(timeout=self._t.connect_timeout)
                    if reply is not None and reply["type"] == "subscribe":
                        break
        except _TRANSPORT_ERRORS as exc:
            log.debug("subscribing to %s failed: %s", self._channel, _describe(exc))
            await _close_quietly(pubsub)
            _honour_lost_cancel(task, cancels)
            return False
        if task is not None and task.cancelling() > cancels:
            await _close_quietly(pubsub)
            _honour_lost_cancel(task, cancels)
        self._pubsub = pubsub
        self._last_seen = time.monotonic()
        self._pinged = False
        return True

    async def _reconnect(self) -> None:
        # Capped exponential back-off; wakes early when the subscription is closed.
        try:
            async with asyncio.timeout(self._delay):  # not wait_for: no extra task to cancel on close
                await self._closed.wait()
            return
        except TimeoutError:
            pass
        self._delay = min(self._delay * 2, self._t.backoff_max)
        if await self._connect():
            self._delay = self._t.backoff_min
            self._connected = True
            log.info("live updates for concert %s resumed", self._concert_id)
            self._pending.extend((BusStatus(True), Resync("reconnected")))

    async def _lost(self, exc: BaseException) -> None:
        await self._drop_pubsub()
        if self._closed.is_set():
            return
        if self._connected:
            log.warning("live updates for concert %s paused: %s", self._concert_id, _describe(exc))
            self._pending.append(BusStatus(False))
        self._connected = False

    async def _read(self, pubsub: PubSub) -> BusMessage | None:
        idle = time.monotonic() - self._last_seen
        if idle > 2 * self._t.ping_every:
            # A silently dropped TCP connection never errors by itself; a missing pong is how we notice.
            raise RedisConnectionError(f"no reply from Redis for {idle:.0f} s")
        if idle > self._t.ping_every and not self._pinged:
            async with asyncio.timeout(self._t.connect_timeout):
                await pubsub.ping()
            self._pinged = True
        async with asyncio.timeout(self._t.read_poll + 1.0):
            reply = await pubsub.get_message(timeout=self._t.read_poll)
        if reply is None:
            return None
        self._last_seen = time.monotonic()
        self._pinged = False
        if reply["type"] != "message":  # pong, subscribe confirmations
            return None
        try:
            event = decode_frame(reply["data"])
        except MalformedEvent as exc:
            log.warning("dropped a malformed live update on %s: %s", self._channel, exc.problem)
            return None
        if event.concert_id != self._concert_id:
            log.warning("dropped a live update for concert %s sent on %s", event.concert_id, self._channel)
            return None
        return event

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            await _close_quietly(pubsub)


def _honour_lost_cancel(task: asyncio.Task[object] | None, cancels: int) -> None:
    """redis-py can lose a cancel that arrives during SUBSCRIBE (seen with the proxy to Redis just restarted):
    honour it, or the subscriber runs on and whoever cancelled it waits for good."""
    if task is not None and task.cancelling() > cancels:
        raise asyncio.CancelledError


async def _close_quietly(pubsub: PubSub) -> None:
    try:
        async with asyncio.timeout(1.0):
            await pubsub.aclose()  # type: ignore[no-untyped-call,unused-ignore]  # unannotated before redis-py 8
    except _TRANSPORT_ERRORS as exc:
        log.debug("closing a Redis pub/sub connection failed: %s", _describe(exc))


def _client(url: str, tuning: RedisTuning, *, retries: int, ca_file: str = "") -> Redis:
    return Redis.from_url(
        url,
        socket_connect_timeout=tuning.connect_timeout,
        socket_timeout=tuning.read_poll + 1.0,
        retry=Retry(NoBackoff(), retries),
        **tls_options(url, ca_file),
    )


def tls_options(url: str, ca_file: str) -> dict[str, Any]:
    """redis-py's CA option for a TLS URL; a plain connection takes no TLS option at all."""
    return {"ssl_ca_certs": ca_file} if ca_file and url.startswith("rediss://") else {}


def _with_tls(url: str, tls: bool) -> str:
    if tls and url.startswith("redis://"):
        return "rediss://" + url[len("redis://") :]
    return url


def _describe(exc: BaseException) -> str:
    # Redis errors name host and port at most; never the URL, which may hold a password.
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

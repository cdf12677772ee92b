"""A userspace network-impairment relay between a network namespace and the root namespace (this
kernel has no netem). Started by scripts/netem/relay.ts; see docs/latency-lab.md.

It makes the namespace (`ip netns add`, `lo` up), opens its listening sockets INSIDE it (setns(2) while
creating them, then back) on the same port numbers as the real servers, and forwards to 127.0.0.1 in the
root namespace: per direction, UDP datagrams are dropped with probability `loss` or delivered after
delay +- uniform jitter; TCP byte streams get the same delay with their order kept (one FIFO per flow and
direction, drained by one timer). Randomness is seeded.

Control: one JSON object per line on stdin ({"cmd": "set", "up": {...}, "down": {...}},
{"cmd": "stats", "reset": true}, {"cmd": "stop"}); replies and events are JSON lines on stdout. It stops
by itself after --max-seconds, when stdin closes, when its parent dies, or on SIGTERM/SIGINT/SIGHUP; the
namespace is removed on every one of those paths.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netem_core import DelayLine, FifoLine, Impairment, Lateness, Schedule  # noqa: E402

CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
UDP_IDLE_S = 120.0

libc = ctypes.CDLL(None, use_errno=True)


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def setns(fd: int) -> None:
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def prioritise() -> str:
    """The relay stands in for a network, which does not wait for a busy CPU: run at the lowest real-time
    priority (it sleeps between packets and uses little CPU; the kernel's RT throttling still bounds it),
    else at a raised nice level. Returns what it got."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        return "SCHED_FIFO 1"
    except (OSError, AttributeError):
        pass
    try:
        os.nice(-10)
        return "nice -10"
    except OSError:
        return "default"


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class Stats:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lateness = Lateness()

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def snapshot(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "lateness": self.lateness.summary()}

    def reset(self) -> None:
        self.counts = {}
        self.lateness.reset()


class Relay:
    def __init__(self, loop: asyncio.AbstractEventLoop, seed: str, up: Impairment, down: Impairment) -> None:
        self.loop = loop
        self.seed = seed
        self.up = up
        self.down = down
        self.schedules: list[tuple[str, Schedule]] = []
        self.stats = Stats()
        self.flow_n = 0
        # TCP chunks hit by the loss draw arrive a retransmission timeout late (netem_core.retransmit_ms)
        # instead of seeing no loss at all.
        self.tcp_loss = False

    def schedule(self, direction: str) -> Schedule:
        """A seeded schedule for a new flow's direction (flows are numbered in the order they open)."""
        s = Schedule(self.up if direction == "up" else self.down, f"{self.seed}:{self.flow_n}:{direction}")
        self.schedules.append((direction, s))
        return s

    def set(self, up: Impairment, down: Impairment) -> None:
        self.up, self.down = up, down
        for direction, s in self.schedules:
            s.set(up if direction == "up" else down)


class Pump:
    """One direction of one flow: a delay line drained by a single timer that is re-armed for the next
    due time. Records how late each delivery fired."""

    def __init__(self, relay: Relay, line: DelayLine[Any] | FifoLine[Any], deliver: Callable[[Any], None]) -> None:
        self.relay = relay
        self.line = line
        self.deliver = deliver
        self.timer: asyncio.TimerHandle | None = None
        self.armed_for: float | None = None

    def push(self, due: float, item: Any) -> None:
        self.line.push(due, item)
        self.arm()

    def arm(self) -> None:
        nxt = self.line.next_due()
        if nxt is None or (self.timer is not None and self.armed_for is not None and self.armed_for <= nxt):
            return
        if self.timer is not None:
            self.timer.cancel()
        self.armed_for = nxt
        self.timer = self.relay.loop.call_at(nxt, self.fire)

    def fire(self) -> None:
        self.timer = None
        self.armed_for = None
        now = self.relay.loop.time()
        for due, item in self.line.pop_ready(now):
            self.relay.stats.lateness.record(due, now)
            try:
                self.deliver(item)
            except OSError as e:
                self.relay.stats.add("deliver_errors")
                self.relay.stats.add(f"deliver_errors_{e.errno}")
        self.arm()

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


# ---------------------------------------------------------------- UDP


class UdpFlow(asyncio.DatagramProtocol):
    """The root-namespace side of one client address: its own socket, connected to the server."""

    def __init__(self, listener: "UdpListener", client: tuple[str, int]) -> None:
        self.listener = listener
        self.client = client
        relay = listener.relay
        relay.flow_n += 1
        self.up = relay.schedule("up")
        self.down = relay.schedule("down")
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: list[bytes] = []
        self.last = time.monotonic()
        self.up_pump = Pump(relay, DelayLine(), self.send_up)
        self.down_pump = Pump(relay, DelayLine(), self.send_down)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        pending, self.pending = self.pending, []
        for data in pending:
            self.send_up(data)

    def send_up(self, data: bytes) -> None:
        if self.transport is None:
            self.pending.append(data)  # the root-side socket is still being set up
            return
        self.transport.sendto(data)
        self.listener.relay.stats.add(f"udp{self.listener.port}_up_delivered")

    def send_down(self, data: bytes) -> None:
        if self.listener.transport is not None:
            self.listener.transport.sendto(data, self.client)
            self.listener.relay.stats.add(f"udp{self.listener.port}_down_delivered")

    def from_client(self, data: bytes) -> None:
        self.last = time.monotonic()
        relay = self.listener.relay
        relay.stats.add(f"udp{self.listener.port}_up_in")
        due = self.up.decide(relay.loop.time())
        if due is None:
            relay.stats.add(f"udp{self.listener.port}_up_dropped")
        else:
            self.up_pump.push(due, data)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.last = time.monotonic()
        relay = self.listener.relay
        relay.stats.add(f"udp{self.listener.port}_down_in")
        due = self.down.decide(relay.loop.time())
        if due is None:
            relay.stats.add(f"udp{self.listener.port}_down_dropped")
        else:
            self.down_pump.push(due, data)

    def error_received(self, exc: Exception) -> None:
        self.listener.relay.stats.add("udp_errors")
        self.listener.relay.stats.add(f"udp_errors_{getattr(exc, 'errno', '?')}")

    def close(self) -> None:
        self.up_pump.close()
        self.down_pump.close()
        if self.transport is not None:
            self.transport.close()


class Echo(asyncio.DatagramProtocol):
    """A UDP echo in the root namespace, for the probe (probe.py) to measure the relay end to end."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.DatagramTransport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(data, addr)


class UdpListener(asyncio.DatagramProtocol):
    def __init__(self, relay: Relay, port: int) -> None:
        self.relay = relay
        self.port = port
        self.transport: asyncio.DatagramTransport | None = None
        self.flows: dict[tuple[str, int], UdpFlow] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        flow = self.flows.get(addr)
        if flow is None:
            flow = UdpFlow(self, addr)
            self.flows[addr] = flow
            # Created here, in the root namespace (only the listeners are made inside the namespace).
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setblocking(False)
            sock.bind(("127.0.0.1", 0))
            sock.connect(("127.0.0.1", self.port))
            self.relay.loop.create_task(self.relay.loop.create_datagram_endpoint(lambda f=flow: f, sock=sock))
            self.relay.stats.add(f"udp{self.port}_flows")
        flow.from_client(data)

    def sweep(self) -> None:
        cutoff = time.monotonic() - UDP_IDLE_S
        for addr, flow in list(self.flows.items()):
            if flow.last < cutoff:
                flow.close()
                del self.flows[addr]


# ---------------------------------------------------------------- TCP

EOF = object()
CLOSE = object()


class TcpSide(asyncio.Protocol):
    """One end of a relayed TCP connection; what it reads goes through the FIFO towards its peer."""

    def __init__(self, relay: Relay, port: int, direction: str, schedule: Schedule) -> None:
        self.relay = relay
        self.port = port
        self.direction = direction
        self.schedule = schedule
        self.transport: asyncio.Transport | None = None
        self.peer: TcpSide | None = None
        self.pump = Pump(relay, FifoLine(), self.to_peer)
        self.held: list[object] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def to_peer(self, item: object) -> None:
        peer = self.peer
        if peer is None or peer.transport is None:
            self.held.append(item)
            return
        t = peer.transport
        if item is EOF:
            if t.can_write_eof() and not t.is_closing():
                t.write_eof()
        elif item is CLOSE:
            t.close()
        elif not t.is_closing():
            t.write(item)  # type: ignore[arg-type]
            self.relay.stats.add(f"tcp{self.port}_{self.direction}_bytes", len(item))  # type: ignore[arg-type]

    def flush_held(self) -> None:
        held, self.held = self.held, []
        for item in held:
            self.to_peer(item)

    def queue(self, item: object) -> None:
        due = self.schedule.decide(self.relay.loop.time(), lossy=False, retransmit=self.relay.tcp_loss)
        assert due is not None
        self.pump.push(due, item)

    def data_received(self, data: bytes) -> None:
        self.queue(data)

    def eof_received(self) -> bool:
        self.queue(EOF)
        return True  # keep the other half open until the peer closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.queue(CLOSE)


async def accept_tcp(relay: Relay, port: int, client_side: TcpSide) -> None:
    assert client_side.transport is not None
    client_side.transport.pause_reading()
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        await relay.loop.sock_connect(sock, ("127.0.0.1", port))
        server_side = TcpSide(relay, port, "down", relay.schedule("down"))
        await relay.loop.create_connection(lambda: server_side, sock=sock)
    except OSError:
        relay.stats.add(f"tcp{port}_connect_errors")
        client_side.transport.close()
        return
    client_side.peer = server_side
    server_side.peer = client_side
    client_side.flush_held()
    server_side.flush_held()
    client_side.transport.resume_reading()


def tcp_factory(relay: Relay, port: int) -> Callable[[], asyncio.Protocol]:
    def make() -> asyncio.Protocol:
        relay.flow_n += 1
        relay.stats.add(f"tcp{port}_flows")
        side = TcpSide(relay, port, "up", relay.schedule("up"))
        orig = side.connection_made

        def made(transport: asyncio.BaseTransport) -> None:
            orig(transport)
            relay.loop.create_task(accept_tcp(relay, port, side))

        side.connection_made = made  # type: ignore[method-assign]
        return side

    return make


# ---------------------------------------------------------------- main


def listen_inside(ns_fd: int, tcp_ports: list[int], udp_ports: list[int]) -> tuple[list[socket.socket], list[socket.socket]]:
    """Creates the listening sockets inside the namespace (the calling thread enters it, then returns)."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    tcp: list[socket.socket] = []
    udp: list[socket.socket] = []
    try:
        setns(ns_fd)
        for p in tcp_ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", p))
            s.listen(128)
            s.setblocking(False)
            tcp.append(s)
        for p in udp_ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", p))
            s.setblocking(False)
            udp.append(s)
    finally:
        setns(home)
        os.close(home)
    return tcp, udp


async def run(args: argparse.Namespace, ns_fd: int) -> str:
    loop = asyncio.get_running_loop()
    cfg = json.loads(args.condition) if args.condition else {}
    relay = Relay(loop, str(args.seed), Impairment.from_json(cfg.get("up")), Impairment.from_json(cfg.get("down")))
    relay.tcp_loss = bool(args.tcp_loss)
    echo_transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    echo_port = echo_transport.get_extra_info("sockname")[1]
    args.udp = [*args.udp, echo_port]
    tcp_socks, udp_socks = listen_inside(ns_fd, args.tcp, args.udp)
    servers = [await loop.create_server(tcp_factory(relay, p), sock=s) for p, s in zip(args.tcp, tcp_socks)]
    listeners: list[UdpListener] = []
    for p, s in zip(args.udp, udp_socks):
        lst = UdpListener(relay, p)
        await loop.create_datagram_endpoint(lambda lst=lst: lst, sock=s)
        listeners.append(lst)

    done: asyncio.Future[str] = loop.create_future()

    def stop(why: str) -> None:
        if not done.done():
            done.set_result(why)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop, f"signal {sig.name}")
    loop.call_later(args.max_seconds, stop, f"max duration {args.max_seconds} s")

    parent = os.getppid()

    def watchdog() -> None:
        if os.getppid() != parent or (args.parent_pid and not alive(args.parent_pid)):
            stop("parent gone")
            return
        for lst in listeners:
            lst.sweep()
        loop.call_later(0.5, watchdog)

    loop.call_later(0.5, watchdog)

    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def control() -> None:
        while True:
            line = await reader.readline()
            if not line:
                stop("stdin closed")
                return
            try:
                msg = json.loads(line)
                cmd = msg.get("cmd")
                if cmd == "set":
                    relay.set(Impairment.from_json(msg.get("up")), Impairment.from_json(msg.get("down")))
                    emit({"reply": "set", "id": msg.get("id")})
                elif cmd == "stats":
                    emit({"reply": "stats", "id": msg.get("id"), **relay.stats.snapshot()})
                    if msg.get("reset"):
                        relay.stats.reset()
                elif cmd == "stop":
                    stop("asked")
                    return
                else:
                    emit({"reply": "error", "id": msg.get("id"), "message": f"unknown command {cmd!r}"})
            except (ValueError, TypeError, AttributeError) as e:
                emit({"reply": "error", "message": str(e)})

    ctl = loop.create_task(control())
    emit(
        {
            "event": "ready",
            "ns": args.ns,
            "tcp": args.tcp,
            "udp": args.udp,
            "echo_port": echo_port,
            "pid": os.getpid(),
            "sched": args.sched,
        }
    )
    why = await done
    ctl.cancel()
    for srv in servers:
        srv.close()
    for lst in listeners:
        for flow in lst.flows.values():
            flow.close()
        if lst.transport is not None:
            lst.transport.close()
    echo_transport.close()
    emit({"event": "stopped", "why": why, **relay.stats.snapshot()})
    return why


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ns", required=True, help="network namespace to create (ip netns add)")
    ap.add_argument("--tcp", type=int, action="append", default=[], help="TCP port to relay (repeatable)")
    ap.add_argument("--udp", type=int, action="append", default=[], help="UDP port to relay (repeatable)")
    ap.add_argument("--condition", default="", help='JSON {"up": {delayMs, jitterMs, loss}, "down": {...}}')
    ap.add_argument("--seed", default="1")
    ap.add_argument(
        "--tcp-loss",
        action="store_true",
        help="TCP chunks hit by the loss rate arrive one retransmission timeout late (default: TCP sees no loss)",
    )
    ap.add_argument("--max-seconds", type=float, required=True)
    ap.add_argument("--parent-pid", type=int, default=0, help="stop when this process is gone")
    args = ap.parse_args()
    args.sched = prioritise()

    # Until the event loop takes them over, these signals end the process through the cleanup below.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda n, _f: sys.exit(128 + n))
    # Our parent (the Node process that started us) dying sends us SIGTERM: cleanup runs.
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    made = False
    try:
        ip("netns", "add", args.ns)
        made = True
        ip("-n", args.ns, "link", "set", "lo", "up")
        ns_fd = os.open(f"/run/netns/{args.ns}", os.O_RDONLY)
        try:
            asyncio.run(run(args, ns_fd))
        finally:
            os.close(ns_fd)
        return 0
    except subprocess.CalledProcessError as e:
        emit({"event": "error", "message": f"{' '.join(e.cmd)}: {e.stderr.strip()}"})
        return 1
    except OSError as e:
        emit({"event": "error", "message": str(e)})
        return 1
    finally:
        if made:
            subprocess.run(["ip", "netns", "del", args.ns], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())

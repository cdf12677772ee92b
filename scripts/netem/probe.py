"""UDP round-trip probe, run INSIDE the namespace (`ip netns exec NS python3 probe.py ...`): sends
`--count` datagrams, one every `--interval-ms`, to 127.0.0.1:`--port` (the relay, which forwards them to
an echo server in the root namespace) and prints one JSON line: sent, received, loss, RTT percentiles."""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netem_core import percentile  # noqa: E402

MAGIC = b"SNP1"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--interval-ms", type=float, default=5.0)
    ap.add_argument("--timeout-ms", type=float, default=1500.0, help="wait this long for the last echoes")
    args = ap.parse_args()
    try:  # like the relay: the probe measures the relay, not the machine's run queue
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except (OSError, AttributeError):
        pass
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.connect(("127.0.0.1", args.port))
    sock.setblocking(False)
    sent_at: dict[int, float] = {}
    rtts: list[float] = []
    dup = 0
    seen: set[int] = set()
    t0 = time.monotonic()
    seq = 0
    end = None
    while True:
        now = time.monotonic()
        if seq < args.count and now >= t0 + seq * args.interval_ms / 1000:
            sent_at[seq] = now
            try:
                sock.send(MAGIC + struct.pack("!Id", seq, now) + b"\0" * 80)
            except OSError:
                pass
            seq += 1
            if seq == args.count:
                end = now + args.timeout_ms / 1000
            continue
        if end is not None and (now >= end or len(seen) == args.count):
            break
        nxt = t0 + seq * args.interval_ms / 1000 if seq < args.count else end
        wait = max(0.0, (nxt or now) - now)
        r, _, _ = select.select([sock], [], [], wait)
        if not r:
            continue
        while True:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                break
            if len(data) < 16 or not data.startswith(MAGIC):
                continue
            (s, _) = struct.unpack("!Id", data[4:16])
            if s in seen:
                dup += 1
                continue
            seen.add(s)
            rtts.append((time.monotonic() - sent_at[s]) * 1000)
    xs = sorted(rtts)
    r3 = lambda v: None if v is None else round(v, 2)  # noqa: E731
    print(
        json.dumps(
            {
                "sent": args.count,
                "received": len(seen),
                "duplicates": dup,
                "loss": round(1 - len(seen) / args.count, 4),
                "rtt_ms": {
                    "min": r3(xs[0] if xs else None),
                    "p50": r3(percentile(xs, 50)),
                    "p95": r3(percentile(xs, 95)),
                    "max": r3(xs[-1] if xs else None),
                    "mean": r3(sum(xs) / len(xs) if xs else None),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

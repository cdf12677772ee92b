/**
 * Capture-to-consumer latency probe: a worker that sleeps on the capture probe's sequence word and, on
 * each wake, checks the new samples are readable in the ring and records how long after the worklet
 * wrote them it got to them (worklet `Date.now()` vs this worker's high-resolution wall clock).
 */
import { CaptureProbe } from '../../src/audio/capture-protocol.ts';
import { RingReader } from '../../src/audio/ring-buffer.ts';

interface Start {
  storage: SharedArrayBuffer;
  probe: SharedArrayBuffer;
  seconds: number;
}

self.onmessage = (e: MessageEvent<Start>) => {
  const { storage, probe, seconds } = e.data;
  const seq = new Int32Array(probe, 0, 1);
  const p = new Float64Array(probe);
  const reader = new RingReader(storage);
  const latencies: number[] = [];
  let missing = 0;
  let last = Atomics.load(seq, CaptureProbe.seq);
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    Atomics.wait(seq, CaptureProbe.seq, last, 200);
    const now = Atomics.load(seq, CaptureProbe.seq);
    if (now === last) continue;
    last = now;
    const seen = performance.timeOrigin + performance.now();
    const wrote = p[CaptureProbe.wallMs] ?? 0;
    // Probe first, ring second: the ring may only be ahead of the probe, never behind it.
    const announced = p[CaptureProbe.position] ?? 0;
    if (reader.writePosition() < announced) missing++;
    latencies.push(seen - wrote);
  }
  self.postMessage({ latencies, missing });
};

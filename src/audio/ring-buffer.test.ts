import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';
import { createRingStorage, RingBufferError, RingReader, RingWriter } from './ring-buffer.ts';

/** Canary value of the sample at absolute position `pos`: exact in Float32, different for neighbours. */
function canary(pos: number): number {
  return ((pos * 2654435761) % 8191) / 8192 - 0.5;
}

function fill(buf: Float32Array, start: number, n: number): void {
  for (let i = 0; i < n; i++) buf[i] = canary(start + i);
}

function expectCanaries(buf: Float32Array, start: number, n: number): void {
  for (let i = 0; i < n; i++) {
    if (buf[i] !== canary(start + i)) {
      throw new Error(`sample at ${start + i} is ${buf[i]}, want ${canary(start + i)}`);
    }
  }
}

describe('createRingStorage', () => {
  it('sizes the ring from seconds and rate, shared or not', () => {
    const shared = createRingStorage({ sampleRate: 16000, seconds: 10 });
    expect(shared).toBeInstanceOf(SharedArrayBuffer);
    expect(new RingWriter(shared).capacity).toBe(160000);
    const plain = createRingStorage({ capacity: 100, shared: false });
    expect(plain).toBeInstanceOf(ArrayBuffer);
    expect(new RingReader(plain).capacity).toBe(100);
    expect(new RingReader(plain).sampleRate).toBe(16000);
  });

  it('rejects bad options and foreign buffers with typed errors', () => {
    for (const options of [{ capacity: 0 }, { capacity: 1.5 }, { sampleRate: -1 }, { clockAnchors: 0 }]) {
      expect(() => createRingStorage(options)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    }
    expect(() => new RingReader(new ArrayBuffer(4096))).toThrow(RingBufferError);
    expect(() => new RingWriter(new ArrayBuffer(8))).toThrow(expect.objectContaining({ code: 'invalid_storage' }));
  });
});

describe.each([true, false])('RingWriter/RingReader (shared: %s)', (shared) => {
  it('keeps every sample through ~200 wrap-arounds with random sizes (seeded)', () => {
    const rng = new Prng(42);
    const capacity = 997;
    const storage = createRingStorage({ capacity, shared });
    const writer = new RingWriter(storage);
    const reader = new RingReader(storage);
    const src = new Float32Array(capacity);
    const dest = new Float32Array(capacity);
    let written = 0;
    let read = 0;
    while (written < capacity * 200) {
      const n = rng.int(0, capacity - (written - read));
      fill(src, written, n);
      expect(writer.write(src, 0, n)).toBe(n);
      written += n;
      expect(reader.available()).toBe(written - read);
      const m = reader.read(dest.subarray(0, rng.int(0, capacity)));
      expect(reader.lastReadStart).toBe(read);
      expectCanaries(dest, read, m);
      read += m;
    }
    expect(reader.overrunCount).toBe(0);
    expect(writer.position).toBe(written);
    expect(reader.writePosition()).toBe(written);
  });

  it('counts and skips what a lapped reader lost, then resumes at the oldest sample', () => {
    const storage = createRingStorage({ capacity: 100, shared });
    const writer = new RingWriter(storage);
    const reader = new RingReader(storage);
    const src = new Float32Array(250);
    fill(src, 0, 250);
    writer.write(src);
    const dest = new Float32Array(60);
    expect(reader.read(dest)).toBe(60);
    expect(reader.overrunCount).toBe(1);
    expect(reader.overrunSamples).toBe(150);
    expect(reader.lastReadStart).toBe(150);
    expectCanaries(dest, 150, 60);
    expect(reader.read(dest)).toBe(40);
    expectCanaries(dest, 210, 40);
    expect(reader.read(dest)).toBe(0);
  });

  it('reads any range still held, by absolute position', () => {
    const rng = new Prng(7);
    const storage = createRingStorage({ capacity: 64, shared });
    const writer = new RingWriter(storage);
    const reader = new RingReader(storage);
    const src = new Float32Array(50);
    for (let w = 0; w < 40; w++) {
      const n = rng.int(1, 50);
      fill(src, writer.position, n);
      writer.write(src, 0, n);
      const end = writer.position;
      expect(reader.oldestPosition()).toBe(Math.max(0, end - 64));
      const start = rng.int(Math.max(0, end - 80), end + 5);
      const dest = new Float32Array(rng.int(1, 30));
      const got = reader.readRange(start, dest);
      if (start < end - 64) expect(got).toBe(RingReader.OVERWRITTEN);
      else {
        expect(got).toBe(Math.max(0, Math.min(dest.length, end - start)));
        expectCanaries(dest, start, got);
      }
    }
    expect(reader.position).toBe(0);
  });

  it('stores non-finite samples as 0 and counts them for both sides', () => {
    const storage = createRingStorage({ capacity: 8, shared });
    const writer = new RingWriter(storage);
    const reader = new RingReader(storage);
    writer.write(Float32Array.of(1, NaN, Infinity, -Infinity, 0.5));
    const dest = new Float32Array(5);
    expect(reader.read(dest)).toBe(5);
    expect([...dest]).toEqual([1, 0, 0, 0, 0.5]);
    expect(writer.nonFiniteCount).toBe(3);
    expect(reader.nonFiniteCount()).toBe(3);
  });

  it('keeps the last capacity samples of a write longer than the ring', () => {
    const storage = createRingStorage({ capacity: 10, shared });
    const writer = new RingWriter(storage);
    const src = new Float32Array(35);
    fill(src, 0, 35);
    expect(writer.write(src, 0, 35)).toBe(35);
    const reader = new RingReader(storage);
    expect(reader.position).toBe(25);
    const dest = new Float32Array(10);
    expect(reader.readRange(25, dest)).toBe(10);
    expectCanaries(dest, 25, 10);
    expect(writer.write(src, 5, 0)).toBe(0);
    expect(writer.write(src, 30)).toBe(5);
  });

  it('lets a new writer continue where the previous one stopped', () => {
    const storage = createRingStorage({ capacity: 16, shared });
    new RingWriter(storage).write(new Float32Array(20));
    new RingWriter(storage).markTime(1);
    const again = new RingWriter(storage);
    expect(again.position).toBe(20);
    expect(again.markTime(1 + 0.5 / 16000)).toBe(false);
  });

  it('maps positions to context time through anchors stored only at discontinuities', () => {
    const storage = createRingStorage({ sampleRate: 16000, capacity: 16000, shared });
    const writer = new RingWriter(storage);
    const reader = new RingReader(storage);
    expect(reader.timeOfPosition(0)).toBeNaN();
    const block = new Float32Array(160);
    let stored = 0;
    for (let i = 0; i < 100; i++) {
      if (writer.markTime(2 + i * 0.01)) stored++;
      writer.write(block);
    }
    // The input stopped for 1 s, then resumed.
    for (let i = 0; i < 10; i++) {
      if (writer.markTime(4 + i * 0.01)) stored++;
      writer.write(block);
    }
    expect(stored).toBe(2);
    expect(reader.timeOfPosition(0)).toBeCloseTo(2, 9);
    expect(reader.timeOfPosition(8000)).toBeCloseTo(2.5, 9);
    expect(reader.timeOfPosition(16000)).toBeCloseTo(4, 9);
    expect(reader.timeOfPosition(16800)).toBeCloseTo(4.05, 9);
    expect(reader.positionAtTime(2.25)).toBe(4000);
    expect(reader.positionAtTime(3.5)).toBe(16000);
    expect(reader.positionAtTime(4.05)).toBe(16800);
    expect(writer.markTime(NaN)).toBe(false);
  });
});

describe('RingReader across a real worker thread', () => {
  it('reads every canary the writer wrote concurrently, or counts it as lost', async () => {
    const capacity = 4096;
    const total = capacity * 300;
    const storage = createRingStorage({ capacity, shared: true });
    const moduleUrl = new URL('./ring-buffer.ts', import.meta.url).href;
    // The worker loads the TypeScript source through tsx's ESM hooks.
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
    const worker = new Worker(
      `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.tsxApi)
        .then((api) => api.register())
        .then(() => import(workerData.moduleUrl))
        .then(({ RingWriter }) => {
        const writer = new RingWriter(workerData.storage);
        const src = new Float32Array(512);
        let seed = 1;
        while (writer.position < workerData.total) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          const n = Math.min(1 + (seed % 512), workerData.total - writer.position);
          for (let i = 0; i < n; i++) {
            const p = writer.position + i;
            src[i] = ((p * 2654435761) % 8191) / 8192 - 0.5;
          }
          writer.write(src, 0, n);
        }
        parentPort.postMessage('done');
      }).catch((e) => parentPort.postMessage(String(e)));
      `,
      { eval: true, workerData: { storage, total, moduleUrl, tsxApi } },
    );
    const done = new Promise<void>((resolve, reject) => {
      worker.once('message', (m) => {
        if (m === 'done') resolve();
        else reject(new Error(String(m)));
      });
      worker.once('error', reject);
    });
    const reader = new RingReader(storage);
    const dest = new Float32Array(700);
    let got = 0;
    const writer = { finished: false };
    done.then(
      () => (writer.finished = true),
      () => (writer.finished = true),
    );
    while (!writer.finished || reader.available() > 0) {
      const n = reader.read(dest);
      expectCanaries(dest, reader.lastReadStart, n);
      got += n;
      if (n === 0) await new Promise((r) => setImmediate(r));
    }
    await done;
    await worker.terminate();
    expect(got + reader.overrunSamples).toBe(total);
    expect(reader.position).toBe(total);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { isVadError } from './errors.ts';
import * as ort from 'onnxruntime-node';
import {
  fixture16k,
  MODEL_PATH,
  nodeSilero,
  to16k,
  vadFixtures,
  type FixtureManifest,
} from './node-runtime.test-util.ts';
import { SILERO_FRAME_SAMPLES, SileroVad, type SileroSession, type SileroTensor } from './silero.ts';

const F = SILERO_FRAME_SAMPLES;
let manifest: FixtureManifest;

beforeAll(async () => {
  manifest = await vadFixtures();
});

function entry(name: string) {
  const e = manifest.fixtures.find((f) => f.name === name);
  if (!e) throw new Error(`no fixture ${name}`);
  return e;
}

async function probabilities(samples: Float32Array): Promise<number[]> {
  const vad = await nodeSilero();
  const out: number[] = [];
  for (let i = 0; i + F <= samples.length; i += F) out.push(await vad.process(samples.subarray(i, i + F)));
  await vad.release();
  return out;
}

describe('SileroVad on the real Silero v5 model (onnxruntime-node)', () => {
  it('is high inside speech and low in silence (ground truth from the clean signal)', async () => {
    for (const name of ['clean-us-150', 'pink-10db', 'real-ls-f']) {
      const e = entry(name);
      const p = await probabilities(fixture16k(e));
      const speech = e.speech.map((s) => [to16k(s.startSample), to16k(s.endSample)] as const);
      const inside: number[] = [];
      const far: number[] = [];
      p.forEach((prob, k) => {
        const a = k * F;
        const b = a + F;
        // Frames well inside a speech segment (the model needs a few frames to rise), and frames 300 ms from any.
        if (speech.some(([s, t]) => a >= s + 1600 && b <= t - 800)) inside.push(prob);
        if (speech.every(([s, t]) => b <= s - 4800 || a >= t + 4800)) far.push(prob);
      });
      expect(inside.length, name).toBeGreaterThan(20);
      expect(far.length, name).toBeGreaterThan(5);
      expect(inside.filter((x) => x > 0.5).length / inside.length, name).toBeGreaterThan(0.9);
      expect(Math.max(...far), name).toBeLessThan(0.2);
    }
  });

  it('stays low on clicks, knocks and noise bursts', async () => {
    for (const name of ['clicks', 'bursts', 'knocks-clicks']) {
      const p = await probabilities(fixture16k(entry(name)));
      expect(Math.max(...p), name).toBeLessThan(0.3);
    }
  });

  it('carries the context and state: a stream split across two sessions gives the same output', async () => {
    const x = fixture16k(entry('hes-300'));
    const whole = await probabilities(x);
    const a = await nodeSilero();
    const b = await nodeSilero();
    const split: number[] = [];
    const half = Math.floor(whole.length / 2);
    for (let k = 0; k < whole.length; k++) {
      if (k === half) b.importState(a.exportState());
      split.push(await (k < half ? a : b).process(x.subarray(k * F, k * F + F)));
    }
    split.forEach((p, k) => {
      expect(p).toBeCloseTo(whole[k] ?? Number.NaN, 5);
    });
    // Without the handover the second half starts cold and differs.
    await b.release();
    const cold = await nodeSilero();
    const coldFirst = await cold.process(x.subarray(half * F, half * F + F));
    expect(Math.abs(coldFirst - (whole[half] ?? 0))).toBeGreaterThan(1e-4);
    await a.release();
    await cold.release();
  });

  it("matches a direct reference run (576 samples in: the previous frame's last 64, then the frame)", async () => {
    const x = fixture16k(entry('clean-gbf-170'));
    const ours = await probabilities(x);
    const session = await ort.InferenceSession.create(MODEL_PATH);
    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
    const sr = new ort.Tensor('int64', BigInt64Array.of(16_000n), []);
    for (let k = 0; k < ours.length; k++) {
      const input = new Float32Array(64 + F);
      if (k > 0) input.set(x.subarray(k * F - 64, k * F), 0);
      input.set(x.subarray(k * F, k * F + F), 64);
      const out = await session.run({ input: new ort.Tensor('float32', input, [1, 64 + F]), state, sr });
      if (!out.stateN) throw new Error('no state');
      state = out.stateN;
      expect(ours[k]).toBeCloseTo((out.output?.data as Float32Array)[0] ?? Number.NaN, 5);
    }
    await session.release();
  });

  it('reset() forgets state and context', async () => {
    const x = fixture16k(entry('clean-us-150'));
    const vad = await nodeSilero();
    const first: number[] = [];
    for (let k = 20; k < 40; k++) first.push(await vad.process(x.subarray(k * F, k * F + F)));
    vad.reset();
    for (let k = 20; k < 40; k++)
      expect(await vad.process(x.subarray(k * F, k * F + F))).toBeCloseTo(first[k - 20] ?? -1, 6);
    await vad.release();
  });

  it('rejects frames of the wrong size', async () => {
    const vad = await nodeSilero();
    await expect(vad.process(new Float32Array(480))).rejects.toThrow(RangeError);
    await vad.release();
  });
});

describe('SileroVad.create', () => {
  function fakeSession(inputs: string[], outputs: string[], run: () => Promise<Record<string, SileroTensor>>) {
    let released = false;
    const session: SileroSession<SileroTensor> = {
      inputNames: inputs,
      outputNames: outputs,
      run,
      release: () => {
        released = true;
        return Promise.resolve();
      },
    };
    return { session, released: () => released };
  }
  const tensors = { float32: (data: Float32Array) => ({ data }), int64: (data: BigInt64Array) => ({ data }) };

  it('refuses a model that is not Silero v5/v6 (e.g. the legacy model) and releases it', async () => {
    const legacy = fakeSession(['input', 'sr', 'h', 'c'], ['output', 'hn', 'cn'], () => Promise.resolve({}));
    const err = await SileroVad.create(legacy.session, tensors).catch((e: unknown) => e);
    expect(isVadError(err, 'model_invalid')).toBe(true);
    expect(String(err)).toMatch(/missing state, stateN/);
    expect(legacy.released()).toBe(true);
  });

  it('refuses a model whose first run fails or returns nothing', async () => {
    const failing = fakeSession(['input', 'state', 'sr'], ['output', 'stateN'], () => Promise.reject(new Error('bad')));
    expect(isVadError(await SileroVad.create(failing.session, tensors).catch((e: unknown) => e), 'model_invalid')).toBe(
      true,
    );
    expect(failing.released()).toBe(true);
    const empty = fakeSession(['input', 'state', 'sr'], ['output', 'stateN'], () => Promise.resolve({}));
    expect(isVadError(await SileroVad.create(empty.session, tensors).catch((e: unknown) => e), 'model_invalid')).toBe(
      true,
    );
  });
});

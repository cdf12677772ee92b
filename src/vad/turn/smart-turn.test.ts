import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { root } from '../node-runtime.test-util.ts';
import { SmartTurn } from './smart-turn.ts';

interface ClipSpec {
  readonly name: string;
  readonly parts: readonly unknown[];
}
interface Fixture {
  readonly clips: readonly (ClipSpec & { readonly probability: number })[];
}
interface ClipsModule {
  buildClip(spec: ClipSpec): Float32Array;
}
interface SetupModule {
  smartTurnModelPath(): string;
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'parity-fixture.json'), 'utf8')) as Fixture;

describe('Smart Turn v3.2: TypeScript front end + model against the Python reference', () => {
  it('matches every clip of the parity fixture within 0.02', { timeout: 600_000 }, async () => {
    const setup = (await import(pathToFileURL(join(root, 'scripts', 'models', 'smart-turn.mjs')).href)) as SetupModule;
    const clips = (await import(
      pathToFileURL(join(root, 'scripts', 'models', 'smart-turn-clips.mjs')).href
    )) as ClipsModule;
    const path = setup.smartTurnModelPath();
    expect(existsSync(path), `${path} is missing: run node scripts/setup.mjs`).toBe(true);
    expect(fixture.clips.length).toBeGreaterThanOrEqual(20);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const turn = new SmartTurn(session, (data, dims) => new ort.Tensor('float32', data, dims));
    let worst = 0;
    const rows: string[] = [];
    for (const clip of fixture.clips) {
      const p = await turn.predict(clips.buildClip(clip));
      const diff = Math.abs(p - clip.probability);
      worst = Math.max(worst, diff);
      rows.push(`${clip.name}: ${p.toFixed(4)} vs ${clip.probability.toFixed(4)}`);
    }
    await turn.release();
    console.log(`parity: ${fixture.clips.length} clips, max abs difference ${worst.toExponential(2)}`);
    expect(worst, rows.join('\n')).toBeLessThanOrEqual(0.02);
    // The fixture spans both answers, so a model stuck on one value fails.
    const probs = fixture.clips.map((c) => c.probability);
    expect(Math.min(...probs)).toBeLessThan(0.1);
    expect(Math.max(...probs)).toBeGreaterThan(0.9);
  });
});

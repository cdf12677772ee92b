import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FliteTts } from '../tts/flite.ts';
import { SileroModel, sileroModelPath } from './silero-model.ts';

describe('SileroModel', () => {
  it('loads the ONNX file shipped inside @livekit/agents-plugin-silero (no download)', () => {
    expect(sileroModelPath()).toMatch(/agents-plugin-silero\/dist\/silero_vad\.onnx$/);
    expect(existsSync(sileroModelPath())).toBe(true);
  });

  it('scores silence low and synthesized speech high', async () => {
    const model = await SileroModel.load();
    const silence = new Float32Array(512);
    let quiet = 0;
    for (let i = 0; i < 10; i++) quiet = Math.max(quiet, await model.run(silence));
    expect(quiet).toBeLessThan(0.1);

    model.reset();
    const speech = new FliteTts('rms').synthesize('Hello, this is a test of the voice detector.');
    let loud = 0;
    for (let at = 0; at + 512 <= speech.pcm.length; at += 512) {
      const w = Float32Array.from(speech.pcm.subarray(at, at + 512), (x) => x / 32768);
      loud = Math.max(loud, await model.run(w));
    }
    expect(loud).toBeGreaterThan(0.8);
  });
});

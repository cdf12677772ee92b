import { describe, expect, it } from 'vitest';
import { fliteWasm } from '../node-models.test-util.ts';
import { FliteSynth } from './flite.ts';
import { splitSpeech } from './sentences.ts';
import { parseWav, trimSilence } from './wav.ts';

describe('splitSpeech', () => {
  it('splits sentences and keeps the first piece short', () => {
    expect(splitSpeech('Hello!  How can I help?')).toEqual(['Hello!', 'How can I help?']);
    const long =
      "I'm offline right now, so I can't help with that yet, but I will remember it, and I'll follow up when I'm back online.";
    const pieces = splitSpeech(long, 40);
    expect(pieces[0]?.length).toBeLessThanOrEqual(41);
    expect(pieces.join(' ')).toBe(long);
    expect(splitSpeech('   ')).toEqual([]);
    expect(splitSpeech('a'.repeat(200), 60).join('')).toBe('a'.repeat(200));
  });
});

describe('wav', () => {
  it('trims silence with padding and refuses what is not a WAV', () => {
    const pcm = Int16Array.of(0, 1, 0, 900, -900, 5, 0, 0);
    expect([...trimSilence(pcm, 400, 1)]).toEqual([0, 900, -900, 5]);
    expect(trimSilence(Int16Array.of(1, 2), 400)).toHaveLength(0);
    expect(() => parseWav(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('FliteSynth (browser WASI shim, run in Node)', () => {
  it('speaks a sentence at 16 kHz with speech at the very start', async () => {
    const tts = await FliteSynth.create(fliteWasm());
    const s = tts.synthesize('Hello, I am running on this device.');
    expect(s.sampleRate).toBe(16_000);
    expect(s.pcm.length / s.sampleRate).toBeGreaterThan(1);
    expect(s.pcm.length / s.sampleRate).toBeLessThan(4);
    const head = s.pcm.subarray(0, Math.round(0.05 * s.sampleRate));
    expect(Math.max(...head.map(Math.abs))).toBeGreaterThanOrEqual(400);
    expect(tts.synthesize('ok', 'rms').pcm.length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses a module that is not a WASI command', async () => {
    // The smallest valid wasm module: magic + version, no imports.
    await expect(FliteSynth.create(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))).rejects.toThrow(/WASI/);
    await expect(FliteSynth.create(Uint8Array.of(1, 2, 3))).rejects.toThrow();
  });
});

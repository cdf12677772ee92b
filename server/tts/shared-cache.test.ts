import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Speech } from './flite.ts';
import { decodeSpeech, encodeSpeech, SharedSpeechCache } from './shared-cache.ts';

const dirs: string[] = [];
const freshDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sotto-tts-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Counts syntheses; speech = the text's char codes. */
class CountingTts {
  calls = 0;
  synthesize(text: string): Speech {
    this.calls++;
    return { pcm: Int16Array.from(text, (c) => c.charCodeAt(0)), sampleRate: 16_000 };
  }
}

describe('SharedSpeechCache', () => {
  it('round-trips speech through its file format and rejects damaged files', () => {
    const s = { pcm: Int16Array.from([1, -2, 32767, -32768]), sampleRate: 22_050 };
    expect(decodeSpeech(encodeSpeech(s))).toEqual(s);
    expect(decodeSpeech(new Uint8Array(3))).toBeNull();
    expect(decodeSpeech(encodeSpeech({ pcm: new Int16Array(2), sampleRate: 5 }))).toBeNull();
  });

  it('a phrase synthesized by one process is read by the next, not synthesized again', async () => {
    const dir = freshDir();
    const first = new CountingTts();
    const a = new SharedSpeechCache(first, 'v', dir);
    const said = await a.synthesize('You spoke for');
    const second = new CountingTts();
    const b = new SharedSpeechCache(second, 'v', dir); // another job process, same machine
    expect(await b.synthesize('You spoke for')).toEqual(said);
    expect([first.calls, second.calls]).toEqual([1, 0]);
    // Another voice is another phrase.
    await new SharedSpeechCache(second, 'other voice', dir).synthesize('You spoke for');
    expect(second.calls).toBe(1);
  });

  it('a damaged file is synthesized again; an unwritable folder still speaks', async () => {
    const dir = freshDir();
    const tts = new CountingTts();
    const c = new SharedSpeechCache(tts, 'v', dir);
    await c.synthesize('hello');
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'x');
    expect((await c.synthesize('hello')).pcm.length).toBe(5);
    expect(tts.calls).toBe(2);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const broken = new SharedSpeechCache(tts, 'v', join(file, 'sub'));
    expect((await broken.synthesize('hi')).pcm.length).toBe(2);
  });
});

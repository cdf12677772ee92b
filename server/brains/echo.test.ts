import { describe, expect, it } from 'vitest';
import type { Synthesizer } from '../tts/phrase-cache.ts';
import type { BrainTurn, ReplyPart } from './brain.ts';
import { EchoBrain, echoPhrases } from './echo.ts';

async function collect(it: AsyncIterable<ReplyPart>): Promise<ReplyPart[]> {
  const out: ReplyPart[] = [];
  for await (const p of it) out.push(p);
  return out;
}

/** A fake TTS: 16 kHz, 100 ms of a constant tone per word, so lengths are predictable. */
class FakeTts implements Synthesizer {
  readonly calls: string[] = [];
  synthesize(text: string): { pcm: Int16Array; sampleRate: number } {
    this.calls.push(text);
    const words = text.split(/\s+/).length;
    return { pcm: new Int16Array(1600 * words).fill(5000), sampleRate: 16_000 };
  }
}

const turn = (over: Partial<BrainTurn>): BrainTurn => ({
  items: [],
  audio: null,
  text: null,
  instructions: '',
  ...over,
});
const audioTurn = (seconds: number): BrainTurn =>
  turn({ audio: { pcm: new Int16Array(Math.round(48_000 * seconds)), sampleRate: 48_000 } });

describe('echoPhrases', () => {
  it('states the length of a spoken turn, reads back text, or says it heard nothing', () => {
    expect(echoPhrases(audioTurn(2.44))).toEqual(['You spoke for', '2.4 seconds.']);
    expect(echoPhrases(turn({ text: '  hello there ' }))).toEqual(['You wrote:', 'hello there']);
    expect(echoPhrases(turn({}))).toEqual(['I have not heard anything yet.']);
  });
});

describe('EchoBrain (speak)', () => {
  it('yields each phrase as a transcript delta followed by its audio in 20 ms chunks', async () => {
    const tts = new FakeTts();
    const brain = new EchoBrain({ tts });
    await brain.warm();
    expect(tts.calls).toEqual(['You spoke for']);
    const parts = await collect(brain.reply(audioTurn(2.4), new AbortController().signal));
    const transcript = parts.flatMap((p) => (p.type === 'transcript' ? [p.delta] : [])).join('');
    expect(transcript).toBe('You spoke for 2.4 seconds.');
    expect(parts[0]).toEqual({ type: 'transcript', delta: 'You spoke for' });
    const audio = parts.flatMap((p) => (p.type === 'audio' ? [p.pcm] : []));
    expect(audio.every((c) => c.length <= 960)).toBe(true);
    // 3 words + 2 words at 100 ms each, upsampled to 48 kHz (no silence to trim in the fake).
    expect(audio.reduce((n, c) => n + c.length, 0)).toBe(5 * 4800);
    await collect(brain.reply(audioTurn(2.4), new AbortController().signal));
    expect(tts.calls).toEqual(['You spoke for', '2.4 seconds.']); // cached after the first time
  });

  it('prepare() synthesizes likely durations ahead of the turn end', () => {
    const tts = new FakeTts();
    new EchoBrain({ tts }).prepare({ samples: 48_000 * 1.2, sampleRate: 48_000 });
    expect(tts.calls).toEqual(['1.2 seconds.', '1.3 seconds.', '1.4 seconds.', '1.5 seconds.']);
  });

  it('stops when aborted', async () => {
    const brain = new EchoBrain({ tts: new FakeTts() });
    const ac = new AbortController();
    let n = 0;
    for await (const p of brain.reply(audioTurn(3), ac.signal)) {
      if (p.type === 'audio' && ++n === 3) ac.abort();
    }
    expect(n).toBe(3);
  });
});

describe('EchoBrain (literal)', () => {
  it('replies with a chirp followed by the user audio, in 20 ms chunks', async () => {
    const brain = new EchoBrain({ mode: 'literal' });
    const pcm = Int16Array.from({ length: 48_000 }, (_, i) => (i % 100) - 50);
    const parts = await collect(
      brain.reply(turn({ audio: { pcm, sampleRate: 48_000 } }), new AbortController().signal),
    );
    const chunks = parts.flatMap((p) => (p.type === 'audio' ? [p.pcm] : []));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(total).toBe(48_000 + 5_760);
    const joined = new Int16Array(total);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    expect(Array.from(joined.subarray(5_760, 5_860))).toEqual(Array.from(pcm.subarray(0, 100)));
    expect(Math.max(...joined.subarray(0, 5_760))).toBeGreaterThan(8_000);
  });
});

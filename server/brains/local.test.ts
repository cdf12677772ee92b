import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import { FliteTts } from '../tts/flite.ts';
import type { ReplyPart } from './brain.ts';
import { LocalBrain, to16k, type Transcriber } from './local.ts';
import { respond } from './responder.ts';

async function collect(it: AsyncIterable<ReplyPart>): Promise<ReplyPart[]> {
  const out: ReplyPart[] = [];
  for await (const p of it) out.push(p);
  return out;
}

const modelDir = readConfig({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }).localModelDir;

describe('respond', () => {
  it('answers a few keywords and repeats anything else', () => {
    const noon = new Date(2026, 0, 5, 12, 7);
    expect(respond('what time is it', noon)).toEqual(['It is 12:07.']);
    expect(respond('hello there')).toEqual(['Hello!', 'How can I help?']);
    expect(respond('tell me a joke')).toHaveLength(2);
    expect(respond('')).toEqual(['Sorry, I did not catch that.']);
    expect(respond('blue whales')).toEqual(['I heard:', 'blue whales.']);
  });
});

describe('LocalBrain', () => {
  it('transcribes, reports the input transcript, then speaks the answer', async () => {
    const asr: Transcriber = { transcribe: () => Promise.resolve('what time is it') };
    const brain = new LocalBrain(asr);
    const turn = {
      items: [],
      audio: { pcm: new Int16Array(48_000), sampleRate: 48_000 },
      text: null,
      instructions: '',
    };
    const parts = await collect(brain.reply(turn, new AbortController().signal));
    expect(parts[0]).toEqual({ type: 'input_transcript', text: 'what time is it' });
    expect(parts[1]).toMatchObject({
      type: 'transcript',
      delta: expect.stringMatching(/^It is \d+:\d\d\.$/) as unknown,
    });
    expect(parts.filter((p) => p.type === 'audio').length).toBeGreaterThan(10);
  });

  it('downsamples 48 kHz to 16 kHz floats', () => {
    expect(Array.from(to16k(Int16Array.from([3, 3, 3, -6, -6, -6]), 48_000))).toEqual([3 / 32768, -6 / 32768]);
  });

  it.skipIf(!existsSync(modelDir))(
    'recognises synthesized speech with the shared zipformer, offline',
    async () => {
      const brain = await LocalBrain.load(modelDir);
      const speech = new FliteTts('rms').synthesize('What time is it?');
      const pcm48 = new Int16Array(speech.pcm.length * 3);
      speech.pcm.forEach((v, i) => pcm48.fill(v, i * 3, i * 3 + 3));
      const turn = { items: [], audio: { pcm: pcm48, sampleRate: 48_000 }, text: null, instructions: '' };
      const parts = await collect(brain.reply(turn, new AbortController().signal));
      const heard = parts.find((p) => p.type === 'input_transcript');
      expect(heard?.type === 'input_transcript' && heard.text).toContain('time');
      expect(parts.find((p) => p.type === 'transcript')).toMatchObject({
        delta: expect.stringMatching(/^It is/) as unknown,
      });
    },
    30_000,
  );
});

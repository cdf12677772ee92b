import { describe, expect, it } from 'vitest';
import { decodeAppendAudio } from '../offline/append-audio.ts';
import { MAX_EVENT_BYTES, encodeEvent } from '../protocol/index.ts';
import { appendEvents } from './reask-audio.ts';

describe('appendEvents', () => {
  it('carries a turn as 24 kHz PCM16 appends that each fit one message and decode back to the turn', () => {
    const n = 16_000 * 2.3;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16_000);
    const events = appendEvents(x);
    expect(events.length).toBe(Math.ceil((2.3 * 24_000) / 4800));
    let back: number[] = [];
    for (const e of events) {
      expect(e.type).toBe('input_audio_buffer.append');
      expect(encodeEvent(e).byteLength).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      if (e.type !== 'input_audio_buffer.append') continue;
      back = back.concat([...(decodeAppendAudio(e.audio) ?? [])]);
    }
    // Round trip 16k -> 24k -> 16k: about the same length, and the same tone in the middle.
    expect(Math.abs(back.length - n)).toBeLessThan(200);
    let err = 0;
    for (let i = 2000; i < 4000; i++) err = Math.max(err, Math.abs((back[i] ?? 0) - (x[i] ?? 0)));
    expect(err).toBeLessThan(0.05);
  });

  it('gives no events for no audio', () => {
    expect(appendEvents(new Float32Array(0))).toEqual([]);
  });
});

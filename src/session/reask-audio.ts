/**
 * A user turn read back from the capture ring (16 kHz floats), as `input_audio_buffer.append` events
 * (base64 of 16-bit little-endian PCM at 24 kHz, the Realtime `audio/pcm` format), each small enough for
 * one data-channel message. Pure: used to ask a re-dispatched agent a turn its crashed predecessor heard
 * but never answered.
 */
import { Resampler } from '../audio/resampler.ts';
import type { ClientEvent } from '../protocol/index.ts';

const APPEND_RATE = 24_000;
/** Samples (24 kHz) per event: 200 ms, 9.6 kB of PCM, 12.8 kB of base64 (a message may hold 15 kB). */
const CHUNK = 4800;

/** The `input_audio_buffer.append` events that carry `samples` (16 kHz). */
export function appendEvents(samples: Float32Array): ClientEvent[] {
  const r = new Resampler({ inputRate: 16_000, outputRate: APPEND_RATE });
  const out = new Float32Array(r.maxOutputFrames(samples.length) + r.maxOutputFrames(0) + r.taps);
  let n = r.process(samples, out);
  n += r.flush(out.subarray(n));
  const events: ClientEvent[] = [];
  for (let at = 0; at < n; at += CHUNK) {
    const end = Math.min(n, at + CHUNK);
    let bin = '';
    for (let i = at; i < end; i++) {
      const v = Math.max(-1, Math.min(1, out[i] ?? 0));
      const s = Math.round(v < 0 ? v * 32768 : v * 32767) & 0xffff;
      bin += String.fromCharCode(s & 0xff, s >> 8);
    }
    events.push({ type: 'input_audio_buffer.append', audio: btoa(bin) });
  }
  return events;
}

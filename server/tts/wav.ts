import type { Speech } from './flite.ts';

/** Reads a mono/stereo 16-bit PCM RIFF WAV (first channel). Throws on anything else. */
export function parseWav(bytes: Uint8Array): Speech {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let at = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = dv.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      channels = dv.getUint16(body + 2, true);
      rate = dv.getUint32(body + 4, true);
      bits = dv.getUint16(body + 14, true);
    } else if (id === 'data') {
      if (bits !== 16 || rate === 0) throw new Error(`unsupported WAV: ${bits}-bit, ${rate} Hz`);
      const end = Math.min(bytes.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) pcm[i] = dv.getInt16(body + i * 2 * channels, true);
      return { pcm, sampleRate: rate };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

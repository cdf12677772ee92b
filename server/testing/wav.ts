/** Reads a 16-bit PCM mono WAV (walking its RIFF chunks) for tests: the recordings in ../shared/audio. */
import { readFileSync } from 'node:fs';

export function readWavPcm16(path: string): { sampleRate: number; pcm: Int16Array } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a WAV file`);
  }
  let at = 12;
  let sampleRate = 0;
  let format = { channels: 0, bits: 0 };
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      format = { channels: buf.readUInt16LE(at + 10), bits: buf.readUInt16LE(at + 22) };
      sampleRate = buf.readUInt32LE(at + 12);
    } else if (id === 'data') {
      if (format.bits !== 16 || format.channels !== 1) throw new Error(`${path}: want 16-bit mono`);
      const n = Math.floor(Math.min(size, buf.length - at - 8) / 2);
      const pcm = new Int16Array(n);
      for (let i = 0; i < n; i++) pcm[i] = buf.readInt16LE(at + 8 + 2 * i);
      return { sampleRate, pcm };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/**
 * Builds a fake-mic WAV from pieces of a fixture (16-bit mono PCM WAV) and silences, so a test can place
 * each sentence where its timing needs it. Plain RIFF with a 44-byte header, as the fixtures are.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A span in seconds of the source (or of another WAV `file` of the same rate), or silence of `silence`
 * seconds.
 */
export type Piece = { from: number; to: number; file?: string } | { silence: number };

function readPcm(file: string): { rate: number; pcm: Int16Array } {
  const wav = readFileSync(file);
  const dataAt = wav.indexOf('data', 12) + 8;
  const pcm = new Int16Array(
    wav.buffer.slice(wav.byteOffset + dataAt, wav.byteOffset + wav.length - ((wav.length - dataAt) % 2)),
  );
  return { rate: wav.readUInt32LE(24), pcm };
}

export function composeWav(source: string, pieces: readonly Piece[], out: string): void {
  const { rate, pcm } = readPcm(source);
  const others = new Map<string, Int16Array>();
  const pcmOf = (file: string | undefined): Int16Array => {
    if (file === undefined || file === source) return pcm;
    let got = others.get(file);
    if (!got) {
      const w = readPcm(file);
      if (w.rate !== rate) throw new Error(`${file} is at ${String(w.rate)} Hz, ${source} at ${String(rate)} Hz`);
      got = w.pcm;
      others.set(file, got);
    }
    return got;
  };
  const parts: Int16Array[] = pieces.map((p) =>
    'silence' in p
      ? new Int16Array(Math.round(p.silence * rate))
      : pcmOf(p.file).slice(Math.round(p.from * rate), Math.round(p.to * rate)),
  );
  const samples = parts.reduce((n, p) => n + p.length, 0);
  const body = Buffer.alloc(44 + samples * 2);
  body.write('RIFF', 0);
  body.writeUInt32LE(36 + samples * 2, 4);
  body.write('WAVEfmt ', 8);
  body.writeUInt32LE(16, 16);
  body.writeUInt16LE(1, 20); // PCM
  body.writeUInt16LE(1, 22); // mono
  body.writeUInt32LE(rate, 24);
  body.writeUInt32LE(rate * 2, 28);
  body.writeUInt16LE(2, 32);
  body.writeUInt16LE(16, 34);
  body.write('data', 36);
  body.writeUInt32LE(samples * 2, 40);
  let at = 44;
  for (const p of parts) {
    Buffer.from(p.buffer, p.byteOffset, p.byteLength).copy(body, at);
    at += p.byteLength;
  }
  writeFileSync(out, body);
}

/** Reads the first channel of a 16-bit PCM RIFF WAV (what Flite writes). Pure; throws a `RangeError` on
 * anything else. */
export interface Pcm {
  /** Mono 16-bit samples. */
  pcm: Int16Array;
  /** Hz. */
  sampleRate: number;
}

export function parseWav(bytes: Uint8Array): Pcm {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new RangeError('not a RIFF/WAVE file');
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
      if (bits !== 16 || rate === 0) throw new RangeError(`unsupported WAV: ${bits}-bit, ${rate} Hz`);
      const end = Math.min(bytes.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) pcm[i] = dv.getInt16(body + i * 2 * channels, true);
      return { pcm, sampleRate: rate };
    }
    at = body + size + (size & 1);
  }
  throw new RangeError('WAV has no data chunk');
}

/**
 * Cuts leading and trailing silence (|sample| below `threshold`), keeping `pad` samples each side, so the
 * first sample of a reply is close to its speech onset and sentences join without long gaps.
 */
export function trimSilence(pcm: Int16Array, threshold = 400, pad = 0): Int16Array {
  let a = 0;
  while (a < pcm.length && Math.abs(pcm[a] ?? 0) < threshold) a++;
  let b = pcm.length;
  while (b > a && Math.abs(pcm[b - 1] ?? 0) < threshold) b--;
  if (a >= b) return pcm.subarray(0, 0);
  return pcm.subarray(Math.max(0, a - pad), Math.min(pcm.length, b + pad));
}

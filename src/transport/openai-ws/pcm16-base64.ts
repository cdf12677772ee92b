/**
 * The Realtime protocol's audio over a WebSocket: 16-bit little-endian mono PCM, base64 in a JSON string
 * (`input_audio_buffer.append.audio`, `response.output_audio.delta.delta`). Pure, main thread only.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENC = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Char code -> 6-bit value, 255 for a character outside the alphabet. */
const DEC = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) DEC[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='

/** Float samples to 16-bit integers: clamped to [-1, 1], rounded, -1 -> -32768, 1 -> 32767. */
export function floatToPcm16(x: number): number {
  const s = x > 1 ? 1 : x < -1 ? -1 : Number.isNaN(x) ? 0 : x;
  return (s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff)) | 0; // | 0: never -0
}

/**
 * Encodes float chunks as base64 PCM16. Its byte and character buffers grow to the largest chunk seen
 * and are reused, so a steady stream allocates only the returned string.
 */
export class Pcm16Base64Encoder {
  #bytes = new Uint8Array(0);
  #chars = new Uint8Array(0);
  readonly #ascii = new TextDecoder('latin1');

  /** Base64 of `samples[0..length)` as PCM16 LE. */
  encode(samples: Float32Array, length = samples.length): string {
    const nBytes = length * 2;
    if (this.#bytes.length < nBytes) {
      this.#bytes = new Uint8Array(nBytes);
      this.#chars = new Uint8Array(Math.ceil(nBytes / 3) * 4);
    }
    const bytes = this.#bytes;
    for (let i = 0; i < length; i++) {
      const v = floatToPcm16(samples[i] ?? 0);
      bytes[2 * i] = v & 0xff;
      bytes[2 * i + 1] = (v >> 8) & 0xff;
    }
    const n = base64Into(bytes, nBytes, this.#chars);
    return this.#ascii.decode(this.#chars.subarray(0, n));
  }
}

/** Writes base64 of `bytes[0..length)` into `out`; returns the characters written. */
function base64Into(bytes: Uint8Array, length: number, out: Uint8Array): number {
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ENC[v >> 18] ?? PAD;
    out[o++] = ENC[(v >> 12) & 63] ?? PAD;
    out[o++] = ENC[(v >> 6) & 63] ?? PAD;
    out[o++] = ENC[v & 63] ?? PAD;
  }
  const rest = length - i;
  if (rest > 0) {
    const v = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out[o++] = ENC[v >> 18] ?? PAD;
    out[o++] = ENC[(v >> 12) & 63] ?? PAD;
    out[o++] = rest === 2 ? (ENC[(v >> 6) & 63] ?? PAD) : PAD;
    out[o++] = PAD;
  }
  return o;
}

/**
 * Bytes of a base64 string (standard alphabet, padded), or null when it is not base64. Allocates the
 * result.
 */
export function decodeBase64(b64: string): Uint8Array | null {
  const len = b64.length;
  if (len % 4 !== 0) return null;
  if (len === 0) return new Uint8Array(0);
  const pad = b64.charCodeAt(len - 1) === PAD ? (b64.charCodeAt(len - 2) === PAD ? 2 : 1) : 0;
  const out = new Uint8Array((len / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const last = i + 4 === len;
    const a = sextet(b64, i);
    const b = sextet(b64, i + 1);
    const c = last && pad === 2 ? 0 : sextet(b64, i + 2);
    const d = last && pad >= 1 ? 0 : sextet(b64, i + 3);
    if ((a | b | c | d) > 63) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (DEC[c] ?? 255) : 255;
}

/**
 * PCM16 samples of a base64 delta (a fresh, aligned buffer, little-endian as every browser is), or null
 * when it is not base64 of whole 16-bit samples.
 */
export function decodePcm16Base64(b64: string): Int16Array | null {
  const bytes = decodeBase64(b64);
  if (!bytes || bytes.length % 2 !== 0) return null;
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const u = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
    out[i] = u >= 0x8000 ? u - 0x10000 : u;
  }
  return out;
}

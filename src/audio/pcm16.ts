/**
 * Streaming little-endian PCM16 decoding: chunks may split a sample across two messages (odd byte
 * counts); the spare byte is carried into the next chunk, never dropped or misaligned.
 */
export class Pcm16Decoder {
  #carry = -1;

  /** Decodes `bytes` to floats in [-1, 1). Allocates the output (main thread only). */
  decode(bytes: Uint8Array): Float32Array {
    if (bytes.length === 0) return new Float32Array(0);
    const start = this.#carry >= 0 ? 1 : 0;
    const total = bytes.length + start;
    const n = total >> 1;
    const out = new Float32Array(n);
    let i = 0;
    let at = 0;
    if (this.#carry >= 0) {
      out[0] = toFloat(this.#carry | ((bytes[0] ?? 0) << 8));
      i = 1;
      at = 1;
    }
    for (; i < n; i++, at += 2) out[i] = toFloat((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8));
    this.#carry = total % 2 === 1 ? (bytes[bytes.length - 1] ?? 0) : -1;
    return out;
  }

  /** True when a byte is waiting for its partner. */
  get pending(): boolean {
    return this.#carry >= 0;
  }

  reset(): void {
    this.#carry = -1;
  }
}

function toFloat(u16: number): number {
  return (u16 >= 0x8000 ? u16 - 0x10000 : u16) / 32768;
}

/** Int16 samples to floats in [-1, 1). */
export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

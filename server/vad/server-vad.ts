/**
 * Server VAD for one session: decimates the 48 kHz input to the model's 16 kHz, runs the model window by
 * window (one inference at a time, in order) and turns probabilities into speech_started /
 * speech_stopped decisions with positions in input samples (the InputAudioBuffer's clock).
 */
import type { ServerVadTurnDetection } from '../../src/protocol/index.ts';
import { SERVER_VAD_DEFAULTS } from '../../src/protocol/index.ts';
import type { SpeechModel } from './silero-model.ts';
import { VadDetector, type VadDecision } from './vad-detector.ts';

export class ServerVad {
  readonly #model: SpeechModel;
  readonly #detector: VadDetector;
  readonly #factor: number;
  readonly #onDecision: (d: VadDecision) => void;
  readonly #onError: (e: unknown) => void;
  /** Input position of the next window's first sample. */
  #windowStart: number;
  readonly #window: Float32Array;
  #filled = 0;
  #acc = 0;
  #accN = 0;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #closed = false;

  /**
   * @param inputRate rate of the audio pushed in (an integer multiple of the model's rate)
   * @param origin input position of the first sample that will be pushed
   */
  constructor(
    model: SpeechModel,
    config: ServerVadTurnDetection,
    inputRate: number,
    origin: number,
    onDecision: (d: VadDecision) => void,
    onError: (e: unknown) => void = () => undefined,
  ) {
    this.#model = model;
    this.#factor = Math.round(inputRate / model.sampleRate);
    const ms = (v: number): number => Math.round((v * inputRate) / 1000);
    this.#detector = new VadDetector(
      {
        threshold: config.threshold ?? SERVER_VAD_DEFAULTS.threshold,
        prefixPaddingSamples: ms(config.prefix_padding_ms ?? SERVER_VAD_DEFAULTS.prefix_padding_ms),
        silenceSamples: ms(config.silence_duration_ms ?? SERVER_VAD_DEFAULTS.silence_duration_ms),
      },
      origin,
    );
    this.#windowStart = origin;
    this.#window = new Float32Array(model.windowSamples);
    this.#onDecision = onDecision;
    this.#onError = onError;
    model.reset();
  }

  get speaking(): boolean {
    return this.#detector.speaking;
  }

  /** Windows waiting for inference (a growing number means the model cannot keep up). */
  get backlog(): number {
    return this.#pending;
  }

  /** Pushes input audio (mono 16-bit PCM at the input rate, contiguous with what came before). */
  push(pcm: Int16Array): void {
    if (this.#closed) return;
    for (const x of pcm) {
      this.#acc += x;
      if (++this.#accN < this.#factor) continue;
      this.#window[this.#filled++] = this.#acc / this.#accN / 32768;
      this.#acc = 0;
      this.#accN = 0;
      if (this.#filled === this.#window.length) this.#submit();
    }
  }

  /** Forgets speech in progress. Window positions continue (the input clock does not restart). */
  reset(_pos?: number): void {
    this.#detector.reset();
  }

  close(): void {
    this.#closed = true;
  }

  /** Re-reads the flag after an await (a plain read there looks constant to the type checker). */
  #isClosed(): boolean {
    return this.#closed;
  }

  #submit(): void {
    const window = this.#window.slice();
    const start = this.#windowStart;
    const end = start + window.length * this.#factor;
    this.#windowStart = end;
    this.#filled = 0;
    this.#pending++;
    this.#queue = this.#queue.then(async () => {
      try {
        if (this.#closed) return;
        const p = await this.#model.run(window);
        if (this.#isClosed()) return;
        const d = this.#detector.push(p, start, end);
        if (d) this.#onDecision(d);
      } catch (e) {
        this.#onError(e);
      } finally {
        this.#pending--;
      }
    });
  }
}

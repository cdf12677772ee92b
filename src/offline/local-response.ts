/**
 * One reply of the local transport: the reply text (the caller's `compose`, i.e. ASR result + responder),
 * spoken piece by piece (each piece synthesised while the previous one plays) into the reply output,
 * reported with the Realtime response lifecycle (`response.created` … `response.done`, transcript deltas,
 * `output_audio_buffer.started/stopped`) like the reference server's `ResponseRunner`. `cancel()` stops
 * synthesis and drops the queued audio; the transcript keeps only the pieces that started playing.
 */
import { SottoError } from '../errors.ts';
import type {
  AssistantMessageItem,
  OutgoingServerEvent,
  ResponseInfo,
  ResponseStatus,
  SottoTimings,
} from '../protocol/index.ts';
import { cancelledDetails } from '../protocol/index.ts';
import type { OfflineEngine } from './engine.ts';
import { newId } from './ids.ts';
import type { ReplyOutput } from './reply-output.ts';
import { splitSpeech } from './tts/sentences.ts';
import type { FliteVoice } from './tts/flite.ts';
import type { SpeechPiece } from './types.ts';

export type LocalCancelReason = 'client_cancelled' | 'output_cleared' | 'truncated' | 'session_closed';

export interface LocalResponseOptions {
  engine: OfflineEngine;
  output: ReplyOutput;
  send: (event: OutgoingServerEvent) => void;
  /** The reply text; the signal aborts when the response is cancelled. */
  compose: (signal: AbortSignal) => Promise<string>;
  voice: FliteVoice;
  /** Add the assistant item to the conversation (`conversation: "auto"`). */
  inConversation: boolean;
  /** The item the assistant item follows, for `conversation.item.added`. */
  previousItemId: string | null;
  metadata: Record<string, string> | null;
  /** performance.now() of the commit of the user turn this answers, or null (typed turn). */
  committedAt: number | null;
  /** Extra time allowed for the audio to drain beyond its length, ms. Default 5000. */
  drainSlackMs?: number;
}

/** How a response ended. */
export interface LocalResponseOutcome {
  status: ResponseStatus;
  /** The whole reply text, or null when it was never written. */
  reply: string | null;
  /** The pieces that started playing, joined. */
  heard: string;
  /** Playback position reached, ms (the truncation point). */
  playedMs: number;
  error: SottoError | null;
}

interface Segment {
  atMs: number;
  text: string;
}

export class LocalResponse {
  readonly id = newId('resp');
  readonly item: AssistantMessageItem & { id: string };
  readonly #o: LocalResponseOptions;
  readonly #abort = new AbortController();
  readonly #createdAt = performance.now();
  readonly #segments: Segment[] = [];
  #cancelReason: LocalCancelReason | null = null;
  #pushedMs = 0;
  #started = false;
  #done = false;
  #wake: (() => void) | null = null;

  constructor(options: LocalResponseOptions) {
    this.#o = options;
    this.item = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
  }

  get done(): boolean {
    return this.#done;
  }

  /** Audio handed to the output so far, ms. */
  get pushedMs(): number {
    return this.#pushedMs;
  }

  /** What the user has heard so far, ms (0 before playback starts). */
  get playedMs(): number {
    return this.#o.output.played(this.id)?.ms ?? 0;
  }

  /**
   * Stops the response now: synthesis ends and its queued audio is dropped (faded out within a quantum).
   * `flushed`: the caller has just flushed the whole output (barge-in), which already dropped it; a second
   * command in the same quantum would only race the flush's interruption report.
   */
  cancel(reason: LocalCancelReason, flushed = false): void {
    if (this.#done || this.#cancelReason) return;
    this.#cancelReason = reason;
    if (!flushed) this.#o.output.cancel(this.id);
    this.#abort.abort();
    this.#wake?.();
  }

  /** Runs to the end (completed, cancelled or failed). Never throws. */
  async run(): Promise<LocalResponseOutcome> {
    const o = this.#o;
    const signal = this.#abort.signal;
    const timings: SottoTimings = {};
    const ref = { response_id: this.id, item_id: this.item.id, output_index: 0, content_index: 0 };
    const offs: (() => void)[] = [];
    let drained = false;
    const cut: { ms: number | null } = { ms: null };
    offs.push(
      o.output.on('started', (e) => {
        if (e.responseId !== this.id || this.#started) return;
        this.#started = true;
        o.send({ type: 'output_audio_buffer.started', response_id: this.id });
      }),
      o.output.on('drained', (e) => {
        if (e.responseId !== this.id) return;
        drained = true;
        this.#wake?.();
      }),
      o.output.on('interrupted', (e) => {
        if (e.responseId !== this.id) return;
        cut.ms = e.playedMs;
        this.#wake?.();
      }),
    );

    o.send({ type: 'response.created', response: this.#info('in_progress') });
    o.send({ type: 'response.output_item.added', response_id: this.id, output_index: 0, item: this.item });
    if (o.inConversation) {
      o.send({ type: 'conversation.item.added', previous_item_id: o.previousItemId, item: this.item });
    }
    const part = { type: 'output_audio' as const, transcript: '' };
    this.item.content.push(part);
    o.send({ type: 'response.content_part.added', ...ref, part: { type: 'audio', transcript: '' } });

    let reply: string | null = null;
    let error: SottoError | null = null;
    try {
      reply = await o.compose(signal);
      if (!signal.aborted) await this.#speak(reply, timings);
      if (!signal.aborted) {
        o.output.end(this.id);
        await this.#until(() => drained || signal.aborted, this.#pushedMs + (o.drainSlackMs ?? 5000));
      }
    } catch (e) {
      // A cancel may make `compose` or a synthesis reject: that is the cancel, not a failure.
      if (!this.#cancelReason) {
        error =
          e instanceof SottoError
            ? e
            : new SottoError('offline_engine_error', `the reply failed: ${String(e)}`, { cause: e });
      }
      if (!this.#cancelReason) o.output.cancel(this.id);
    }
    const cancelled = this.#cancelReason !== null;
    if (cancelled && this.#started) {
      // The interruption report carries the exact truncation point; it follows the flush within a quantum.
      await this.#until(() => cut.ms !== null || drained, 250);
    }
    this.#done = true;
    for (const off of offs) off();

    const playedMs = cut.ms ?? this.playedMs;
    const heard = (
      cancelled || error
        ? this.#segments.filter((s) => s.atMs < playedMs || (s.atMs === 0 && playedMs > 0))
        : this.#segments
    )
      .map((s) => s.text)
      .join('');
    if (this.#started) {
      o.send({
        type: cancelled || error ? 'output_audio_buffer.cleared' : 'output_audio_buffer.stopped',
        response_id: this.id,
      });
    }
    part.transcript = heard;
    this.item.status = cancelled || error ? 'incomplete' : 'completed';
    o.send({ type: 'response.output_audio.done', ...ref });
    o.send({ type: 'response.output_audio_transcript.done', ...ref, transcript: heard });
    o.send({ type: 'response.content_part.done', ...ref, part: { type: 'audio', transcript: heard } });
    o.send({ type: 'response.output_item.done', response_id: this.id, output_index: 0, item: this.item });
    if (o.inConversation) o.send({ type: 'conversation.item.done', item: this.item });

    timings.audio_ms = Math.round(cancelled || error ? playedMs : this.#pushedMs);
    const status: ResponseStatus = error ? 'failed' : cancelled ? 'cancelled' : 'completed';
    const info = this.#info(status);
    info.output = [this.item];
    info['sotto:timings'] = timings;
    if (error) {
      info.status_details = {
        type: 'failed',
        error: { type: 'server_error', code: 'response_failed', message: error.message },
      };
    } else if (this.#cancelReason) {
      info.status_details = cancelledDetails(this.#cancelReason);
    }
    o.send({ type: 'response.done', response: info });
    return { status, reply, heard, playedMs, error };
  }

  /** Synthesises piece i+1 while piece i is handed over; stops at a cancel. */
  async #speak(reply: string, timings: SottoTimings): Promise<void> {
    const o = this.#o;
    const signal = this.#abort.signal;
    const ref = { response_id: this.id, item_id: this.item.id, output_index: 0, content_index: 0 };
    const pieces = splitSpeech(reply);
    const synth = (i: number): Promise<SpeechPiece> | null => {
      const text = pieces[i];
      return text === undefined ? null : o.engine.synthesize(text, i, o.voice);
    };
    let next = synth(0);
    for (let i = 0; next; i++) {
      const piece = await next;
      next = signal.aborted ? null : synth(i + 1);
      next?.catch(() => undefined); // awaited on the next turn of the loop
      if (signal.aborted) return;
      const delta = i === 0 ? piece.text : ` ${piece.text}`;
      this.#segments.push({ atMs: this.#pushedMs, text: delta });
      o.send({ type: 'response.output_audio_transcript.delta', ...ref, delta });
      if (piece.pcm.length === 0) continue;
      if (timings.commit_to_first_chunk_ms === undefined) {
        const now = performance.now();
        timings.response_to_first_audio_ms = round2(now - this.#createdAt);
        if (o.committedAt !== null) {
          timings.commit_to_first_chunk_ms = round2(now - o.committedAt);
          timings.commit_to_first_audio_ms = timings.commit_to_first_chunk_ms;
        }
      }
      o.output.push(this.id, piece.pcm, piece.sampleRate);
      this.#pushedMs += (piece.pcm.length * 1000) / piece.sampleRate;
    }
  }

  /** Resolves when `done()` holds (checked at every wake-up) or after `timeoutMs`. */
  async #until(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  #info(status: ResponseStatus): ResponseInfo {
    return {
      id: this.id,
      object: 'realtime.response',
      status,
      output: [],
      output_modalities: ['audio'],
      metadata: this.#o.metadata,
    };
  }
}

const round2 = (ms: number): number => Math.round(ms * 100) / 100;

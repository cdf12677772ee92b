/**
 * Runs one response: asks the brain, streams its audio into the sink as it is produced, and reports
 * the Realtime response lifecycle (response.created … response.done) with transcript events and
 * `sotto:timings`. `cancel()` drops queued audio at once, so output stops within one frame.
 */
import type {
  OutgoingServerEvent,
  ResponseInfo,
  ResponseStatus,
  AssistantMessageItem,
  SottoTimings,
} from '../src/protocol/index.ts';
import { cancelledDetails } from '../src/protocol/index.ts';
import type { AudioSink } from './audio-sink.ts';
import type { Brain, BrainTurn } from './brains/index.ts';
import type { Conversation, TranscriptSegment } from './conversation.ts';
import { newId } from './ids.ts';

export type CancelReason =
  'client_cancelled' | 'turn_detected' | 'output_cleared' | 'truncated' | 'client_left' | 'session_closed';

export interface ResponseRunnerOptions {
  brain: Brain;
  sink: AudioSink;
  conversation: Conversation;
  send: (event: OutgoingServerEvent) => void;
  now: () => number;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  turn: BrainTurn;
  /** Add the reply to the conversation (`conversation: "auto"`), or keep it out of band (`"none"`). */
  inConversation: boolean;
  metadata: Record<string, string> | null;
  /** When the user turn this answers was committed (performance.now ms), if it was spoken. */
  committedAt: number | null;
  /** The brain transcribed the user's audio. */
  onInputTranscript?: (text: string) => void;
  /** A transcript delta of the reply and where it starts in the reply's audio (ms), for paced captions. */
  onTranscript?: (delta: string, atMs: number) => void;
}

export class ResponseRunner {
  readonly id = newId('resp');
  #item: AssistantMessageItem & { id: string };
  readonly #o: ResponseRunnerOptions;
  readonly #abort = new AbortController();
  readonly #createdAt: number;
  #cancelReason: CancelReason | null = null;
  #writtenMs = 0;
  #droppedMs = 0;
  #started = false;
  #done = false;
  readonly #segments: TranscriptSegment[] = [];

  constructor(opts: ResponseRunnerOptions) {
    this.#o = opts;
    this.#createdAt = opts.now();
    this.#item = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
  }

  /** The assistant item this response produces (the conversation's own object once added). */
  get item(): AssistantMessageItem & { id: string } {
    return this.#item;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Audio handed to WebRTC for this response so far and not dropped, in ms. */
  get sentMs(): number {
    return Math.max(0, this.#writtenMs - this.#droppedMs);
  }

  /** Stops the response now: drops queued audio (output stops within one frame) and ends the brain. */
  cancel(reason: CancelReason): void {
    if (this.#done || this.#cancelReason) return;
    this.#cancelReason = reason;
    this.#droppedMs = Math.min(this.#writtenMs, this.#o.sink.clear());
    this.#recordAudio();
    this.#abort.abort();
  }

  /** Runs to the end (completed, cancelled or failed). Never throws. */
  async run(): Promise<void> {
    const o = this.#o;
    const timings: SottoTimings = {};
    o.send({ type: 'response.created', response: this.#info('in_progress') });
    o.send({ type: 'response.output_item.added', response_id: this.id, output_index: 0, item: this.item });
    if (o.inConversation) {
      const { item, previousItemId } = o.conversation.add(this.#item);
      if (item.type === 'message' && item.role === 'assistant') this.#item = item;
      o.send({ type: 'conversation.item.added', previous_item_id: previousItemId, item: this.#item });
    }
    const part = { type: 'output_audio' as const, transcript: '' };
    this.item.content.push(part);
    const ref = { response_id: this.id, item_id: this.item.id, output_index: 0, content_index: 0 };
    o.send({ type: 'response.content_part.added', ...ref, part: { type: 'audio', transcript: '' } });
    this.#recordAudio();

    let failure: string | null = null;
    try {
      for await (const p of o.brain.reply(o.turn, this.#abort.signal)) {
        if (this.#abort.signal.aborted) break;
        if (p.type === 'input_transcript') {
          o.onInputTranscript?.(p.text);
          continue;
        }
        if (p.type === 'transcript') {
          this.#segments.push({ atMs: this.#writtenMs, text: p.delta });
          o.onTranscript?.(p.delta, this.#writtenMs);
          o.send({ type: 'response.output_audio_transcript.delta', ...ref, delta: p.delta });
          continue;
        }
        if (p.pcm.length === 0) continue;
        if (timings.commit_to_first_chunk_ms === undefined && o.committedAt !== null) {
          timings.commit_to_first_chunk_ms = round2(o.now() - o.committedAt);
        }
        // Handed over at the call (the sink queues it at once); the promise only paces us.
        const writing = o.sink.write(p.pcm);
        this.#writtenMs += (p.pcm.length * 1000) / o.sink.sampleRate;
        this.#recordAudio();
        if (!this.#started) {
          this.#started = true;
          const t = o.now();
          timings.response_to_first_audio_ms = round2(t - this.#createdAt);
          if (o.committedAt !== null) timings.commit_to_first_audio_ms = round2(t - o.committedAt);
          o.send({ type: 'output_audio_buffer.started', response_id: this.id });
        }
        await this.#abortable(writing);
      }
      if (!this.#abort.signal.aborted) await this.#abortable(o.sink.drain());
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
      o.log('response failed', { error: failure, response: this.id });
      if (!this.#cancelReason) this.#droppedMs = Math.min(this.#writtenMs, o.sink.clear());
    }
    this.#done = true;
    this.#recordAudio();

    const cancelled = this.#cancelReason !== null;
    if (this.#started) {
      o.send({
        type: cancelled || failure ? 'output_audio_buffer.cleared' : 'output_audio_buffer.stopped',
        response_id: this.id,
      });
    }
    const transcript = this.#heardSegments()
      .map((s) => s.text)
      .join('');
    part.transcript = transcript;
    this.item.status = cancelled || failure ? 'incomplete' : 'completed';
    o.send({ type: 'response.output_audio.done', ...ref });
    o.send({ type: 'response.output_audio_transcript.done', ...ref, transcript });
    o.send({ type: 'response.content_part.done', ...ref, part: { type: 'audio', transcript } });
    o.send({ type: 'response.output_item.done', response_id: this.id, output_index: 0, item: this.item });
    if (o.inConversation) o.send({ type: 'conversation.item.done', item: this.item });

    timings.audio_ms = Math.round(this.sentMs);
    const status: ResponseStatus = failure ? 'failed' : cancelled ? 'cancelled' : 'completed';
    const info = this.#info(status);
    info.output = [this.item];
    info['sotto:timings'] = timings;
    if (failure) {
      info.status_details = {
        type: 'failed',
        error: { type: 'server_error', code: 'response_failed', message: failure },
      };
    } else if (this.#cancelReason) {
      info.status_details = cancelledDetails(this.#cancelReason);
    }
    o.send({ type: 'response.done', response: info });
  }

  /** Transcript segments that started within the audio actually sent. */
  #heardSegments(): TranscriptSegment[] {
    if (!this.#cancelReason) return this.#segments;
    const sent = this.sentMs;
    return this.#segments.filter((s) => s.atMs < sent || (s.atMs === 0 && sent > 0));
  }

  #recordAudio(): void {
    if (this.#o.inConversation)
      this.#o.conversation.setAssistantAudio(this.item.id, this.sentMs, this.#heardSegments());
  }

  #info(status: ResponseStatus): ResponseInfo {
    return {
      id: this.id,
      object: 'realtime.response',
      status,
      output: [],
      output_modalities: ['audio'],
      ...(this.#o.inConversation ? { conversation_id: this.#o.conversation.id } : {}),
      metadata: this.#o.metadata,
    };
  }

  /** Resolves when `p` settles or the response is aborted, whichever is first. */
  #abortable(p: Promise<void>): Promise<void> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}

const round2 = (ms: number): number => Math.round(ms * 100) / 100;

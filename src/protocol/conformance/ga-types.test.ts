/**
 * Compile-time conformance with the official `openai` SDK's GA Realtime types (checked by `tsc`, not at run
 * time): every event Sotto sends is a GA event (extensions aside), and the GA events Sotto reads fit the
 * types Sotto reads them as.
 */
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { describe, expect, it } from 'vitest';
import type { ClientEvent, ServerEvent } from '../index.ts';

/** Leaves out the `sotto.*` extension events (GA does not know them). */
type Plain<E> = E extends { type: `sotto.${string}` } ? never : E;

/** Each Sotto server event, as a GA server event (fails to compile on the member that does not fit). */
export const serverEventIsGa = (e: Plain<ServerEvent>): RealtimeServerEvent => e;
/** Each Sotto client event, as a GA client event. */
export const clientEventIsGa = (e: Plain<ClientEvent>): RealtimeClientEvent => e;

/** The GA event of type `T`. */
type Ga<T extends string> = Extract<RealtimeServerEvent, { type: T }>;
/** The Sotto event of type `T`. */
type Ours<T extends string> = Extract<ServerEvent, { type: T }>;

/**
 * GA -> Sotto for the events the client reads: what a GA server may send (`error.code: null`, a transcription
 * delta without `content_index`, a content part `audio`/`text`) fits Sotto's types.
 */
export const gaReadAsOurs = {
  error: (e: Ga<'error'>): Ours<'error'> => e,
  transcriptionDelta: (
    e: Ga<'conversation.item.input_audio_transcription.delta'>,
  ): Ours<'conversation.item.input_audio_transcription.delta'> => e,
  transcriptionCompleted: (
    e: Ga<'conversation.item.input_audio_transcription.completed'>,
  ): Ours<'conversation.item.input_audio_transcription.completed'> => e,
  speechStarted: (e: Ga<'input_audio_buffer.speech_started'>): Ours<'input_audio_buffer.speech_started'> => e,
  speechStopped: (e: Ga<'input_audio_buffer.speech_stopped'>): Ours<'input_audio_buffer.speech_stopped'> => e,
  truncated: (e: Ga<'conversation.item.truncated'>): Ours<'conversation.item.truncated'> => e,
  transcriptDelta: (e: Ga<'response.output_audio_transcript.delta'>): Ours<'response.output_audio_transcript.delta'> =>
    e,
  transcriptDone: (e: Ga<'response.output_audio_transcript.done'>): Ours<'response.output_audio_transcript.done'> => e,
  started: (e: Ga<'output_audio_buffer.started'>): Ours<'output_audio_buffer.started'> => e,
  stopped: (e: Ga<'output_audio_buffer.stopped'>): Ours<'output_audio_buffer.stopped'> => e,
  cleared: (e: Ga<'output_audio_buffer.cleared'>): Ours<'output_audio_buffer.cleared'> => e,
};

describe('GA type conformance', () => {
  it('is checked by the compiler (this file type-checks)', () => {
    expect(typeof serverEventIsGa).toBe('function');
    expect(typeof clientEventIsGa).toBe('function');
    expect(Object.keys(gaReadAsOurs).length).toBeGreaterThan(0);
  });
});

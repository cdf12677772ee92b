/**
 * Recognition of the on-device transport's spoken user items: each committed turn is transcribed at once
 * (with the phrases recognition is biased toward), the transcript is written into the item and the turn,
 * and reported as `conversation.item.input_audio_transcription.completed` (or `.failed`).
 */
import { SottoError } from '../errors.ts';
import type { OutgoingServerEvent, ServerItem } from '../protocol/index.ts';
import type { AsrOptions, OfflineEngine } from './engine.ts';
import type { OfflineTurn, Recognition } from './types.ts';

/** The rate of the input buffer and of the recogniser, Hz. */
export const INPUT_RATE = 16_000;

/** A committed spoken user item and its recognition (started at the commit). */
export interface AudioItem {
  item: ServerItem;
  recognition: Promise<Recognition | null>;
  turn: OfflineTurn;
  /** performance.now() of the commit (for `sotto:timings`). */
  committedAt: number;
}

/** Where recognition reports. */
export interface RecognitionSink {
  send(event: OutgoingServerEvent): void;
  error(e: SottoError): void;
}

/**
 * Transcribes `audio` (16 kHz mono) of the user item `item` and its `turn`; resolves with the result, or
 * null without an engine or when it failed (the failure is reported, never thrown).
 */
export async function recognise(
  engine: OfflineEngine | null,
  asr: AsrOptions,
  item: ServerItem,
  audio: Float32Array,
  turn: OfflineTurn,
  sink: RecognitionSink,
): Promise<Recognition | null> {
  if (!engine) return null;
  try {
    const r = await engine.transcribe(audio, asr);
    turn.user = r.text;
    turn.asrText = r.raw;
    turn.phrase = r.phrase;
    if (item.type === 'message' && item.content[0]?.type === 'input_audio') item.content[0].transcript = r.text;
    sink.send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: item.id,
      content_index: 0,
      transcript: r.text,
      usage: { type: 'duration', seconds: Math.round((audio.length / INPUT_RATE) * 1000) / 1000 },
    });
    return r;
  } catch (e) {
    const err = e instanceof SottoError ? e : new SottoError('offline_engine_error', String(e), { cause: e });
    sink.send({
      type: 'conversation.item.input_audio_transcription.failed',
      item_id: item.id,
      content_index: 0,
      error: { type: 'server_error', code: err.code, message: err.message },
    });
    sink.error(err);
    return null;
  }
}

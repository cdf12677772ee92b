/**
 * The effective session configuration and how `session.update` changes it. Pure: returns the new
 * session or the reason the update is refused; the caller applies side effects (server VAD on/off).
 */
import {
  PROTOCOL_VERSION,
  SERVER_VAD_DEFAULTS,
  SOTTO_EXTENSIONS,
  type SessionConfig,
  type SessionInfo,
  type TurnDetection,
} from '../src/protocol/index.ts';

/** Sample rate of `input_audio_buffer.append` audio (the GA `audio/pcm` format). */
export const APPEND_RATE = 24_000 as const;

export function initialSession(id: string, brainName: string, turnDetection: TurnDetection): SessionInfo {
  return {
    id,
    object: 'realtime.session',
    type: 'realtime',
    model: `sotto-${brainName}`,
    instructions: '',
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: APPEND_RATE },
        turn_detection: withVadDefaults(turnDetection),
      },
      output: { format: { type: 'audio/pcm', rate: APPEND_RATE }, voice: 'slt', speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    'sotto:protocol_version': PROTOCOL_VERSION,
    'sotto:extensions': [...SOTTO_EXTENSIONS],
  };
}

/** Fills every server_vad field the client left out with OpenAI's default. */
export function withVadDefaults(td: TurnDetection): TurnDetection {
  if (td?.type !== 'server_vad') return td;
  return { ...SERVER_VAD_DEFAULTS, ...td };
}

export type UpdateResult = { ok: true; session: SessionInfo } | { ok: false; param: string; message: string };

/** Applies a `session.update` to `current`. Omitted fields keep their values. */
export function applySessionUpdate(current: SessionInfo, update: SessionConfig): UpdateResult {
  const input = update.audio?.input;
  if (input?.turn_detection?.type === 'semantic_vad') {
    return {
      ok: false,
      param: 'session.audio.input.turn_detection.type',
      message: 'semantic_vad is not supported by this server; use server_vad or null',
    };
  }
  // The rate is typed 24000 (GA), but a client may send anything: check the value on the wire.
  const rate: number = input?.format?.type === 'audio/pcm' ? (input.format.rate ?? APPEND_RATE) : APPEND_RATE;
  if (input?.format && (input.format.type !== 'audio/pcm' || rate !== APPEND_RATE)) {
    return {
      ok: false,
      param: 'session.audio.input.format',
      message: `input audio must be audio/pcm at ${APPEND_RATE} Hz (user audio normally comes on the WebRTC track)`,
    };
  }
  const modalities = update.output_modalities;
  if (modalities && (modalities.length !== 1 || modalities[0] !== 'audio')) {
    return { ok: false, param: 'session.output_modalities', message: 'only ["audio"] is supported' };
  }
  const next: SessionInfo = {
    ...current,
    ...pick(update, ['instructions', 'model', 'tools', 'tool_choice', 'max_output_tokens']),
  };
  const curIn = current.audio?.input ?? {};
  const curOut = current.audio?.output ?? {};
  next.audio = {
    input: {
      ...curIn,
      ...withoutNulls(input ?? {}),
      ...(input && 'turn_detection' in input ? { turn_detection: withVadDefaults(input.turn_detection ?? null) } : {}),
    },
    output: { ...curOut, ...(update.audio?.output ?? {}) },
  };
  return { ok: true, session: next };
}

/** GA servers read `transcription: null` / `noise_reduction: null` as off, which is what absent means here. */
function withoutNulls<T extends object>(o: T): T {
  const out = { ...o } as Record<string, unknown>;
  if (out.transcription === null) delete out.transcription;
  if (out.noise_reduction === null) delete out.noise_reduction;
  return out as T;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

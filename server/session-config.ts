/**
 * The effective session configuration and how `session.update` changes it. Pure: returns the new
 * session and each field refused (with its `param`); the caller reports the refusals and applies side
 * effects (server VAD on/off). A refused field is left out and the rest of the update still applies, so
 * one unsupported setting (an official OpenAI client's defaults) never drops the instructions with it.
 */
import {
  PROTOCOL_VERSION,
  SERVER_VAD_DEFAULTS,
  SOTTO_EXTENSIONS,
  type AudioFormat,
  type AudioInputConfig,
  type SemanticVadTurnDetection,
  type ServerVadTurnDetection,
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

/**
 * Silence that ends a turn for each `semantic_vad` eagerness, in ms: the server has no semantic end-of-turn
 * model, so `semantic_vad` runs as server VAD with a silence as patient as the eagerness asked for.
 * `auto` is OpenAI's `medium`; `medium` is the server_vad default (500 ms).
 */
export const SEMANTIC_EAGERNESS_SILENCE_MS = { low: 1000, medium: 500, high: 300, auto: 500 } as const;

/** `semantic_vad` as the best turn detection this server has: server VAD (see SEMANTIC_EAGERNESS_SILENCE_MS). */
export function semanticAsServerVad(td: SemanticVadTurnDetection): ServerVadTurnDetection {
  return {
    ...SERVER_VAD_DEFAULTS,
    type: 'server_vad',
    silence_duration_ms: SEMANTIC_EAGERNESS_SILENCE_MS[td.eagerness ?? 'auto'],
    ...(td.create_response === undefined ? {} : { create_response: td.create_response }),
    ...(td.interrupt_response === undefined ? {} : { interrupt_response: td.interrupt_response }),
  };
}

/** One field of a `session.update` that was left out. `param` is its path (`session.audio.input.format`). */
export interface Refusal {
  param: string;
  message: string;
}

export interface UpdateResult {
  session: SessionInfo;
  /** Fields left out, one per unsupported setting. */
  refused: Refusal[];
  /** True when something of the update was kept (false: every field it set was refused). */
  applied: boolean;
}

/**
 * GA session fields this server has no counterpart for, each with the values that mean "the server's
 * default", which are accepted as such (anything else is refused).
 */
const GA_ONLY_FIELDS: Record<string, (v: unknown) => boolean> = {
  include: (v) => v === null || (Array.isArray(v) && v.length === 0),
  prompt: (v) => v === null,
  reasoning: (v) => v === null,
  // OpenAI's dashboard traces: this server records none, and whether the session would be traced does
  // not change the conversation. Accepted and ignored (official SDKs send `'auto'` on every connect).
  tracing: () => true,
  truncation: (v) => v === 'auto',
  // No brain calls tools, so none are ever called in parallel: either value holds.
  parallel_tool_calls: (v) => typeof v === 'boolean',
};

/** `T` with the fields `K` also nullable (as a GA client may send them). */
type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };

/** Rates are typed 24000 (GA), but a client may send anything: the value on the wire is checked. */
function isPcm24k(f: AudioFormat): boolean {
  const rate: number = f.type === 'audio/pcm' ? (f.rate ?? APPEND_RATE) : 0;
  return rate === APPEND_RATE;
}

/** Applies a `session.update` to `current`. Omitted fields keep their values; unsupported ones are refused. */
export function applySessionUpdate(current: SessionInfo, update: SessionConfig): UpdateResult {
  const refused: Refusal[] = [];
  const refuse = (param: string, message: string): void => {
    refused.push({ param: `session.${param}`, message });
  };
  const raw = update as Record<string, unknown>;
  for (const [field, isDefault] of Object.entries(GA_ONLY_FIELDS)) {
    if (Object.hasOwn(raw, field) && raw[field] !== undefined && !isDefault(raw[field])) {
      refuse(field, `${field} is not supported by this server`);
    }
  }

  const next: SessionInfo = { ...current };
  let applied = false;
  for (const k of ['instructions', 'model', 'tools', 'tool_choice', 'max_output_tokens'] as const) {
    if (update[k] !== undefined) {
      Object.assign(next, { [k]: update[k] });
      applied = true;
    }
  }
  const modalities = update.output_modalities;
  if (modalities) {
    if (modalities.length === 1 && modalities[0] === 'audio') applied = true;
    else refuse('output_modalities', 'only ["audio"] is supported (the transcript comes with the audio)');
  }

  const input = update.audio?.input;
  const nextIn = { ...(current.audio?.input ?? {}) };
  if (input) {
    if (input.format) {
      if (isPcm24k(input.format)) {
        nextIn.format = { type: 'audio/pcm', rate: APPEND_RATE };
        applied = true;
      } else refuse('audio.input.format', `input audio must be audio/pcm at ${String(APPEND_RATE)} Hz`);
    }
    if ('turn_detection' in input) {
      const td = input.turn_detection ?? null;
      nextIn.turn_detection = td?.type === 'semantic_vad' ? semanticAsServerVad(td) : withVadDefaults(td);
      applied = true;
    }
    // GA servers read `transcription: null` / `noise_reduction: null` as off, which is what absent means here.
    const wire = input as Nullable<AudioInputConfig, 'transcription' | 'noise_reduction'>;
    if (wire.transcription !== undefined) {
      if (wire.transcription === null) delete nextIn.transcription;
      else nextIn.transcription = wire.transcription;
      applied = true;
    }
    if (wire.noise_reduction !== undefined) {
      if (wire.noise_reduction === null) delete nextIn.noise_reduction;
      else nextIn.noise_reduction = wire.noise_reduction;
      applied = true;
    }
  }
  const output = update.audio?.output;
  const nextOut = { ...(current.audio?.output ?? {}) };
  if (output) {
    if (output.format) {
      if (isPcm24k(output.format)) {
        nextOut.format = { type: 'audio/pcm', rate: APPEND_RATE };
        applied = true;
      } else refuse('audio.output.format', `output audio is audio/pcm at ${String(APPEND_RATE)} Hz`);
    }
    for (const k of ['voice', 'speed'] as const) {
      if (output[k] !== undefined) {
        Object.assign(nextOut, { [k]: output[k] });
        applied = true;
      }
    }
  }
  next.audio = { input: nextIn, output: nextOut };
  return { session: next, refused, applied };
}

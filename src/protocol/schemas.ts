/**
 * Runtime shapes of every event, keyed by type. Checked against the TypeScript unions by the
 * `satisfies Record<...Type, Guard>` clauses: adding an event type without a guard does not compile.
 */
import type { ClientEventType } from './client-events.ts';
import { any, arr, bool, dict, id, int, lit, nullable, num, obj, opt, str, tagged, type Guard } from './guards.ts';
import type { ServerEventType } from './server-events.ts';
import { MAX_TEXT_CHARS } from './codec.ts';

/** Longest text we accept in one field (the whole event is bounded in bytes anyway). */
const TEXT = str(MAX_TEXT_CHARS);
const MS = int(0, 24 * 3600 * 1000);
const INDEX = int(0, 1024);
const optId = opt(id);

const content = tagged({
  input_audio: obj({ audio: opt(TEXT), transcript: opt(nullable(TEXT)) }),
  input_text: obj({ text: TEXT }),
  output_audio: obj({ transcript: opt(nullable(TEXT)) }),
  output_text: obj({ text: TEXT }),
});
const itemStatus = opt(lit('completed', 'incomplete', 'in_progress'));
const itemBase = { id: optId, status: itemStatus };
const item = tagged({
  message: obj({ ...itemBase, role: lit('user', 'assistant', 'system'), content: arr(content, 32) }),
  function_call: obj({ ...itemBase, call_id: id, name: str(128), arguments: TEXT }),
  function_call_output: obj({ ...itemBase, call_id: id, output: TEXT }),
});
const serverItem: Guard = (v, p) => item(v, p) ?? id((v as Record<string, unknown>).id, `${p}.id`);

const audioFormat = tagged({
  'audio/pcm': obj({ rate: opt(int(8_000, 48_000)) }),
  'audio/pcmu': obj({}),
  'audio/pcma': obj({}),
});
const turnDetection = nullable(
  tagged({
    server_vad: obj({
      threshold: opt(num(0, 1)),
      prefix_padding_ms: opt(int(0, 5_000)),
      silence_duration_ms: opt(int(0, 10_000)),
      idle_timeout_ms: opt(nullable(int(0, 3_600_000))),
      create_response: opt(bool),
      interrupt_response: opt(bool),
    }),
    semantic_vad: obj({
      eagerness: opt(lit('low', 'medium', 'high', 'auto')),
      create_response: opt(bool),
      interrupt_response: opt(bool),
    }),
  }),
);
const modalities = arr(lit('audio', 'text'), 2);
const maxTokens = (v: unknown, p: string): string | undefined => (v === 'inf' ? undefined : int(1, 1_000_000)(v, p));
const session = obj({
  type: opt(lit('realtime')),
  model: opt(str(128)),
  instructions: opt(TEXT),
  output_modalities: opt(modalities),
  audio: opt(
    obj({
      input: opt(
        obj({
          format: opt(audioFormat),
          turn_detection: opt(turnDetection),
          transcription: opt(nullable(obj({ model: opt(str(128)), language: opt(str(16)), prompt: opt(str(4096)) }))),
          noise_reduction: opt(nullable(obj({ type: lit('near_field', 'far_field') }))),
        }),
      ),
      output: opt(obj({ format: opt(audioFormat), voice: opt(str(64)), speed: opt(num(0.25, 4)) })),
    }),
  ),
  tools: opt(arr(obj({ type: lit('function'), name: str(128), description: opt(str(4096)), parameters: any }), 64)),
  tool_choice: opt((v, p) =>
    typeof v === 'string'
      ? lit('auto', 'none', 'required')(v, p)
      : obj({ type: lit('function'), name: str(128) })(v, p),
  ),
  max_output_tokens: opt(maxTokens),
});

const e = (shape: Record<string, Guard> = {}): Guard => obj({ event_id: optId, ...shape });

export const CLIENT_EVENT_SCHEMAS = {
  'session.update': e({ session }),
  'input_audio_buffer.append': e({ audio: TEXT }),
  'input_audio_buffer.commit': e(),
  'input_audio_buffer.clear': e(),
  'conversation.item.create': e({ previous_item_id: opt(nullable(id)), item }),
  'conversation.item.retrieve': e({ item_id: id }),
  'conversation.item.delete': e({ item_id: id }),
  'conversation.item.truncate': e({ item_id: id, content_index: INDEX, audio_end_ms: MS }),
  'response.create': e({
    response: opt(
      obj({
        instructions: opt(TEXT),
        output_modalities: opt(modalities),
        conversation: opt(lit('auto', 'none')),
        metadata: opt(nullable(dict(str(512)))),
        max_output_tokens: opt(maxTokens),
      }),
    ),
  }),
  'response.cancel': e({ response_id: optId }),
  'output_audio_buffer.clear': e(),
  'sotto.turn.ending': e({ 'sotto:silence_ms': opt(MS) }),
  'sotto.turn.resumed': e(),
  'sotto.ping': e({ 'sotto:nonce': int(0, Number.MAX_SAFE_INTEGER) }),
} satisfies Record<ClientEventType, Guard>;

// Server events are checked on the SDK side: strict on what the SDK reads, lenient on the rest.
const s = (shape: Record<string, Guard> = {}): Guard => obj({ event_id: opt(str(256)), ...shape });
const sessionInfo = obj({ id: opt(str(256)), 'sotto:protocol_version': opt(int(0, 1_000_000)) });
const response = obj({
  id: str(256),
  status: lit('in_progress', 'completed', 'cancelled', 'failed', 'incomplete'),
  output: opt(arr(serverItem, 64)),
  'sotto:timings': opt(dict((v, p) => num(-1e9, 1e9)(v, p), 16)),
});
const ref = { response_id: str(256), output_index: INDEX };
const cref = { ...ref, item_id: str(256), content_index: INDEX };
/** GA `audio` / `text`; older Sotto servers sent the item types `output_audio` / `output_text`. */
const part = tagged({
  audio: obj({ transcript: opt(TEXT), audio: opt(TEXT) }),
  text: obj({ text: opt(TEXT) }),
  output_audio: obj({ transcript: opt(nullable(TEXT)) }),
  output_text: obj({ text: opt(TEXT) }),
});

export const SERVER_EVENT_SCHEMAS = {
  error: s({
    error: obj({
      type: opt(str(256)),
      code: opt(nullable(str(256))),
      message: str(16_384),
      event_id: opt(nullable(str(256))),
    }),
  }),
  'session.created': s({ session: sessionInfo }),
  'session.updated': s({ session: sessionInfo }),
  'conversation.item.added': s({ item: serverItem }),
  'conversation.item.done': s({ item: serverItem }),
  'conversation.item.retrieved': s({ item: serverItem }),
  'conversation.item.truncated': s({ item_id: str(256), content_index: INDEX, audio_end_ms: MS }),
  'conversation.item.deleted': s({ item_id: str(256) }),
  'conversation.item.input_audio_transcription.delta': s({
    item_id: str(256),
    content_index: opt(INDEX),
    delta: opt(TEXT),
  }),
  'conversation.item.input_audio_transcription.completed': s({
    item_id: str(256),
    content_index: INDEX,
    transcript: TEXT,
  }),
  'conversation.item.input_audio_transcription.failed': s({ item_id: str(256), content_index: INDEX, error: any }),
  'input_audio_buffer.committed': s({ item_id: str(256), 'sotto:audio_ms': opt(num(0, 1e9)) }),
  'input_audio_buffer.cleared': s(),
  'input_audio_buffer.speech_started': s({ audio_start_ms: MS, item_id: str(256) }),
  'input_audio_buffer.speech_stopped': s({ audio_end_ms: MS, item_id: str(256) }),
  'input_audio_buffer.timeout_triggered': s({ audio_start_ms: MS, audio_end_ms: MS, item_id: str(256) }),
  'output_audio_buffer.started': s({ response_id: str(256) }),
  'output_audio_buffer.stopped': s({ response_id: str(256) }),
  'output_audio_buffer.cleared': s({ response_id: str(256) }),
  'response.created': s({ response }),
  'response.done': s({ response }),
  'response.output_item.added': s({ ...ref, item: serverItem }),
  'response.output_item.done': s({ ...ref, item: serverItem }),
  'response.content_part.added': s({ ...cref, part }),
  'response.content_part.done': s({ ...cref, part }),
  'response.output_audio.delta': s({ ...cref, delta: TEXT }),
  'response.output_audio.done': s(cref),
  'response.output_audio_transcript.delta': s({ ...cref, delta: TEXT }),
  'response.output_audio_transcript.done': s({ ...cref, transcript: TEXT }),
  'response.output_text.delta': s({ ...cref, delta: TEXT }),
  'response.output_text.done': s({ ...cref, text: TEXT }),
  'response.function_call_arguments.delta': s({ ...ref, item_id: str(256), call_id: str(256), delta: TEXT }),
  'response.function_call_arguments.done': s({ ...ref, item_id: str(256), call_id: str(256), arguments: TEXT }),
  'rate_limits.updated': s({
    rate_limits: arr(obj({ name: str(256), limit: num(0, 1e12), remaining: num(0, 1e12), reset_seconds: num(0, 1e9) })),
  }),
  'sotto.pong': s({
    'sotto:nonce': int(0, Number.MAX_SAFE_INTEGER),
    'sotto:audio_age_ms': opt(int(-1, Number.MAX_SAFE_INTEGER)),
    'sotto:audio_run_ms': opt(int(0, Number.MAX_SAFE_INTEGER)),
  }),
} satisfies Record<ServerEventType, Guard>;

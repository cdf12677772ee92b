import { describe, expect, it, vi } from 'vitest';
import type { PlaybackEvents, PlayedCount } from '../audio/playback-node.ts';
import { isSottoError, SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import { encodeEvent, parseServerEvent, type ClientEvent, type ServerEvent } from '../protocol/index.ts';
import type { AsrOptions, OfflineEngine } from './engine.ts';
import { LocalTransport, type LocalTransportOptions } from './local-transport.ts';
import type { ReplyOutput } from './reply-output.ts';
import { NOT_HEARD } from './responder.ts';
import type { OfflineResponder, Recognition, SpeechPiece } from './types.ts';

/** Plays nothing: counts pushed ms; drains on `end` unless held; a flush interrupts at `cutAtMs`. */
class FakeOutput extends TypedEmitter<PlaybackEvents> implements ReplyOutput {
  hold = false;
  cutAtMs = 120;
  flushes = 0;
  readonly pushedMs = new Map<string, number>();
  readonly playedMs = new Map<string, number>();
  readonly cancelled = new Set<string>();
  #current: string | null = null;

  push(id: string, chunk: Int16Array | Float32Array, rate: number): void {
    if (this.cancelled.has(id)) return;
    const first = !this.pushedMs.has(id);
    this.pushedMs.set(id, (this.pushedMs.get(id) ?? 0) + (chunk.length * 1000) / rate);
    if (first) {
      this.#current = id;
      queueMicrotask(() => {
        this.emit('started', { responseId: id, time: 0 });
      });
    }
  }
  end(id: string): void {
    if (this.hold) return;
    setTimeout(() => {
      this.playedMs.set(id, this.pushedMs.get(id) ?? 0);
      this.emit('drained', { responseId: id, time: 1, playedSamples: 1 });
    }, 1);
  }
  cancel(id: string): void {
    this.cancelled.add(id);
  }
  flush(): void {
    this.flushes++;
    const id = this.#current;
    if (!id || this.playedMs.has(id)) return;
    const ms = Math.min(this.cutAtMs, this.pushedMs.get(id) ?? 0);
    this.playedMs.set(id, ms);
    setTimeout(() => {
      this.emit('interrupted', { responseId: id, time: 1, playedSamples: ms * 48, playedMs: ms });
    }, 1);
  }
  played(id: string): PlayedCount | null {
    const ms = this.playedMs.get(id);
    return ms === undefined ? null : { samples: ms * 48, ms };
  }
}

/** Recognises by a script; speaks 10 ms of audio per character. */
class FakeEngine implements OfflineEngine {
  text = 'what time is it';
  failLoad: SottoError | null = null;
  failAsr = false;
  readonly asrCalls: AsrOptions[] = [];
  closed = false;
  load() {
    return this.failLoad ? Promise.reject(this.failLoad) : Promise.resolve({ loadMs: 1, bytes: {}, fromCache: {} });
  }
  transcribe(audio: Float32Array, options: AsrOptions): Promise<Recognition> {
    this.asrCalls.push(options);
    if (this.failAsr) return Promise.reject(new SottoError('offline_engine_error', 'asr broke'));
    return Promise.resolve({
      text: this.text,
      raw: this.text,
      phrase: null,
      confidence: null,
      audioMs: audio.length / 16,
      computeMs: 1,
    });
  }
  synthesize(text: string, index: number): Promise<SpeechPiece> {
    return Promise.resolve({
      index,
      text,
      pcm: new Int16Array(text.length * 160).fill(1000),
      sampleRate: 16_000,
      synthMs: 1,
    });
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

interface Rig {
  t: LocalTransport;
  engine: FakeEngine;
  output: FakeOutput;
  events: ServerEvent[];
  next: (type: ServerEvent['type']) => Promise<ServerEvent>;
}

async function rig(over: Partial<LocalTransportOptions> = {}): Promise<Rig> {
  const engine = new FakeEngine();
  const output = new FakeOutput();
  const t = new LocalTransport({ engine, output, ...over });
  const events: ServerEvent[] = [];
  t.on('server_event', (e) => {
    // Every event must pass the protocol's own validator, as one from a server would.
    const parsed = parseServerEvent(encodeEvent(e));
    if (!parsed.ok) throw new Error(`invalid ${e.type}: ${parsed.message}`);
    events.push(e);
  });
  const next = (type: ServerEvent['type']): Promise<ServerEvent> =>
    new Promise((resolve) => {
      const off = t.on('server_event', (e) => {
        if (e.type !== type) return;
        off();
        resolve(e);
      });
    });
  await t.connect({ micTrack: {} as MediaStreamTrack });
  await Promise.resolve();
  return { t, engine, output, events, next };
}

const turn = new Float32Array(16_000).fill(0.01);
const types = (events: ServerEvent[]): string[] => events.map((e) => e.type);
const send = async (t: LocalTransport, ...events: ClientEvent[]): Promise<void> => {
  for (const e of events) await t.send(e);
};

describe('LocalTransport', () => {
  it('connects without a network: status, health, session.created', async () => {
    const statuses: string[] = [];
    const engine = new FakeEngine();
    const t = new LocalTransport({ engine, output: new FakeOutput() });
    t.on('status', (s) => statuses.push(s));
    const created = t.next('server_event');
    await t.connect({ micTrack: {} as MediaStreamTrack });
    expect(statuses).toEqual(['connecting', 'connected']);
    expect(t.kind).toBe('local');
    expect(t.health.level).toBe('healthy');
    const e = await created;
    expect(e.type).toBe('session.created');
    if (e.type === 'session.created') expect(e.session['sotto:protocol_version']).toBe(2);
    await t.close();
    expect(engine.closed).toBe(true);
    expect(t.status).toBe('closed');
    await expect(t.send({ type: 'response.create' })).rejects.toSatisfy((x) => isSottoError(x, 'not_connected'));
  });

  it('answers a submitted turn like a Realtime server, every event valid', async () => {
    const { t, events, next, output } = await rig();
    await t.submitTurn(turn, { itemId: 'item_user1' });
    const done = next('response.done');
    await send(t, { type: 'input_audio_buffer.commit' }, { type: 'response.create' });
    const d = await done;
    const seq = types(events);
    const at = (type: string): number => seq.indexOf(type);
    expect(seq.slice(0, 4)).toEqual([
      'session.created',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
    ]);
    for (const [a, b] of [
      ['response.created', 'response.output_item.added'],
      ['response.output_item.added', 'response.content_part.added'],
      ['conversation.item.input_audio_transcription.completed', 'response.output_audio_transcript.delta'],
      ['response.output_audio_transcript.delta', 'output_audio_buffer.started'],
      ['output_audio_buffer.started', 'output_audio_buffer.stopped'],
      ['output_audio_buffer.stopped', 'response.output_audio_transcript.done'],
      ['response.output_item.done', 'response.done'],
    ] as const) {
      expect(at(a), `${a} before ${b}`).toBeLessThan(at(b));
      expect(at(a)).toBeGreaterThanOrEqual(0);
    }
    const committed = events.find((e) => e.type === 'input_audio_buffer.committed');
    expect(committed?.type === 'input_audio_buffer.committed' && committed.item_id).toBe('item_user1');
    expect(committed?.type === 'input_audio_buffer.committed' && committed['sotto:audio_ms']).toBe(1000);
    const tr = events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    expect(tr?.type === 'conversation.item.input_audio_transcription.completed' && tr.transcript).toBe(
      'what time is it',
    );
    if (d.type !== 'response.done') throw new Error('not done');
    expect(d.response.status).toBe('completed');
    expect(d.response.usage).toBeUndefined();
    const timings = d.response['sotto:timings'];
    expect(timings?.commit_to_first_audio_ms).toBeGreaterThanOrEqual(0);
    expect(timings?.audio_ms).toBe(Math.round(output.pushedMs.get(d.response.id) ?? -1));
    const [c] = t.conversation();
    expect(c).toMatchObject({
      userItemId: 'item_user1',
      source: 'audio',
      user: 'what time is it',
      status: 'completed',
    });
    expect(c?.reply).toMatch(/^It is \d+:\d\d\.$/);
    expect(c?.heardReply).toBe(c?.reply);
    expect(c?.at.end).toBeGreaterThanOrEqual(c?.at.user ?? Infinity);
    await t.close();
  });

  it('answers typed text through the app responder with context, and repeats via lastReply', async () => {
    const responder = vi.fn<OfflineResponder>((text) => `You said ${text}.`);
    const { t, next } = await rig({ onOfflineTurn: responder, instructions: 'be brief' });
    const done = next('response.done');
    await send(
      t,
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      },
      { type: 'response.create' },
    );
    await done;
    expect(responder).toHaveBeenCalledTimes(1);
    const [text, ctx] = responder.mock.calls[0] ?? [];
    expect(text).toBe('hi');
    expect(ctx).toMatchObject({ source: 'text', instructions: 'be brief', lastReply: null, phrase: null });
    const done2 = next('response.done');
    await send(
      t,
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] },
      },
      { type: 'response.create', response: { instructions: 'override' } },
    );
    await done2;
    expect(responder.mock.calls[1]?.[1]).toMatchObject({ lastReply: 'You said hi.', instructions: 'override' });
    expect(responder.mock.calls[1]?.[1].history).toHaveLength(1);
    expect(t.conversation().map((c) => c.reply)).toEqual(['You said hi.', 'You said again.']);
    await t.close();
  });

  it('barge-in: output_audio_buffer.clear flushes at once and reports what was heard', async () => {
    const long = 'First sentence here. Second one is longer than the first. Third.';
    const { t, output, events, next } = await rig({ onOfflineTurn: () => long });
    output.hold = true;
    output.cutAtMs = 120;
    await t.submitTurn(turn);
    const started = next('output_audio_buffer.started');
    await send(t, { type: 'input_audio_buffer.commit' }, { type: 'response.create' });
    await started;
    const active = t.activeResponse;
    expect(active).not.toBeNull();
    const done = next('response.done');
    await t.send({ type: 'output_audio_buffer.clear' });
    expect(output.flushes).toBe(1);
    const d = await done;
    if (d.type !== 'response.done') throw new Error('not done');
    expect(d.response.status).toBe('cancelled');
    expect(d.response.status_details).toMatchObject({ type: 'cancelled', 'sotto:reason': 'output_cleared' });
    expect(d.response['sotto:timings']?.audio_ms).toBe(120);
    expect(types(events)).toContain('output_audio_buffer.cleared');
    const tdone = events.find((e) => e.type === 'response.output_audio_transcript.done');
    expect(tdone?.type === 'response.output_audio_transcript.done' && tdone.transcript).toBe('First sentence here.');
    expect(t.conversation()[0]).toMatchObject({
      status: 'cancelled',
      playedMs: 120,
      heardReply: 'First sentence here.',
    });
    expect(t.played(active?.id ?? '')?.ms).toBe(120);
    expect(t.activeResponse).toBeNull();
    await t.close();
  });

  it('truncate cuts the active reply at the heard position; cancel reports its reason', async () => {
    const { t, output, events, next } = await rig({ onOfflineTurn: () => 'A fairly long reply to cut short.' });
    output.hold = true;
    await t.submitTurn(turn);
    const started = next('output_audio_buffer.started');
    await send(t, { type: 'input_audio_buffer.commit' }, { type: 'response.create' });
    await started;
    const itemId = t.activeResponse?.itemId ?? '';
    const done = next('response.done');
    await t.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 100 });
    const d = await done;
    expect(d.type === 'response.done' && d.response.status_details).toMatchObject({
      type: 'cancelled',
      'sotto:reason': 'truncated',
    });
    const tr = events.find((e) => e.type === 'conversation.item.truncated');
    expect(tr?.type === 'conversation.item.truncated' && tr.audio_end_ms).toBe(100);
    expect(output.flushes).toBe(1);

    output.hold = true;
    await t.submitTurn(turn);
    const started2 = next('output_audio_buffer.started');
    await send(t, { type: 'input_audio_buffer.commit' }, { type: 'response.create' });
    await started2;
    const done2 = next('response.done');
    await t.send({ type: 'response.cancel' });
    const d2 = await done2;
    expect(d2.type === 'response.done' && d2.response.status_details).toEqual({
      type: 'cancelled',
      reason: 'client_cancelled',
      'sotto:reason': 'client_cancelled',
    });
    await t.close();
  });

  it('reports protocol errors as error events, like the server', async () => {
    const { t, events, next } = await rig();
    const err = next('error');
    await t.send({ type: 'input_audio_buffer.commit', event_id: 'c1' });
    const e = await err;
    expect(e.type === 'error' && e.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'c1' });
    const err2 = next('error');
    await t.send({ type: 'response.cancel' });
    expect((await err2).type).toBe('error');
    const err3 = next('error');
    await t.send({ type: 'conversation.item.truncate', item_id: 'nope', content_index: 0, audio_end_ms: 1 });
    const e3 = await err3;
    expect(e3.type === 'error' && e3.error.code).toBe('item_not_found');
    const pong = next('sotto.pong');
    await t.send({ type: 'sotto.ping', 'sotto:nonce': 3 });
    expect(await pong).toMatchObject({ 'sotto:nonce': 3 });
    expect(types(events).filter((x) => x === 'error')).toHaveLength(3);
    await t.close();
  });

  it('takes phrases from session.update and passes them to the recogniser', async () => {
    const { t, engine, next } = await rig({ phrases: ['open the door'] });
    expect(t.phrases).toEqual(['open the door']);
    const updated = next('session.updated');
    // The extension field is not in the GA type: an app sends it as an extra (ignored by other servers).
    const update = { type: 'session.update', session: { instructions: 'x', 'sotto:phrases': ['lights on'] } };
    await t.send(update as ClientEvent);
    await updated;
    await t.submitTurn(turn);
    const tr = next('conversation.item.input_audio_transcription.completed');
    await t.send({ type: 'input_audio_buffer.commit' });
    await tr;
    expect(engine.asrCalls[0]?.phrases).toEqual(['lights on']);
    await t.close();
  });

  it('a failed recognition is reported (transcription.failed + error) and the reply asks again', async () => {
    const { t, engine, next } = await rig();
    engine.failAsr = true;
    const errors: SottoError[] = [];
    t.on('error', (e) => errors.push(e));
    await t.submitTurn(turn);
    const failed = next('conversation.item.input_audio_transcription.failed');
    const done = next('response.done');
    await send(t, { type: 'input_audio_buffer.commit' }, { type: 'response.create' });
    await failed;
    await done;
    expect(errors.map((e) => e.code)).toEqual(['offline_engine_error']);
    expect(t.conversation()[0]?.reply).toBe(NOT_HEARD);
    await t.close();
  });

  it('connect rejects with the engine error and leaves nothing open', async () => {
    const engine = new FakeEngine();
    engine.failLoad = new SottoError('model_unavailable', 'encoder is not in the offline cache');
    const t = new LocalTransport({ engine, output: new FakeOutput() });
    await expect(t.connect({ micTrack: {} as MediaStreamTrack })).rejects.toSatisfy((e) =>
      isSottoError(e, 'model_unavailable'),
    );
    expect(t.status).toBe('closed');
    expect(engine.closed).toBe(true);
    expect(() => new LocalTransport({ engine })).toThrow(RangeError);
  });
});

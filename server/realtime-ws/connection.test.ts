import { describe, expect, it } from 'vitest';
import type { OutgoingServerEvent } from '../../src/protocol/index.ts';
import type { Brain } from '../brains/index.ts';
import { LoudnessModel, ScriptedBrain, until, wire } from '../testing/fakes.ts';
import { decodePcm16Base64 } from '../tts/pcm.ts';
import { MAX_PENDING_BYTES, RealtimeWsConnection, type WsOutbound } from './connection.ts';

type Sent = OutgoingServerEvent & { event_id: string };

class FakeSocket implements WsOutbound {
  bufferedAmount = 0;
  open = true;
  readonly sent: Sent[] = [];
  closedWith: { code: number; reason: string } | null = null;
  isOpen(): boolean {
    return this.open;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Sent);
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.open = false;
  }
  of<T extends OutgoingServerEvent['type']>(type: T): Extract<Sent, { type: T }>[] {
    return this.sent.filter((e): e is Extract<Sent, { type: T }> => e.type === type);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function connect(brain: Promise<Brain>): { socket: FakeSocket; conn: RealtimeWsConnection } {
  const socket = new FakeSocket();
  const conn = new RealtimeWsConnection(socket, {
    brain,
    log: () => undefined,
    loadVadModel: () => Promise.resolve(new LoudnessModel()),
    turnDetection: null,
    model: 'gpt-realtime',
  });
  return { socket, conn };
}

const text = (v: unknown): Uint8Array => wire(v);

describe('RealtimeWsConnection', () => {
  it('holds the events that arrive before the session exists and handles them in order once it does', async () => {
    const brain = deferred<Brain>();
    const { socket, conn } = connect(brain.promise);
    conn.handleMessage(text({ type: 'session.update', event_id: 'e1', session: { instructions: 'one' } }), false);
    conn.handleMessage(text({ type: 'session.update', event_id: 'e2', session: { instructions: 'two' } }), false);
    conn.handleMessage(text({ type: 'no.such.event', event_id: 'e3' }), false);
    expect(socket.sent).toEqual([]);
    brain.resolve(new ScriptedBrain());
    await until(() => socket.sent.length >= 4);
    expect(socket.sent.map((e) => e.type)).toEqual(['session.created', 'session.updated', 'session.updated', 'error']);
    expect(socket.of('session.updated').map((e) => e.session.instructions)).toEqual(['one', 'two']);
    expect(socket.of('error')[0]?.error).toMatchObject({ code: 'unknown_event', event_id: 'e3' });
    expect(socket.sent.every((e) => e.event_id.startsWith('event_'))).toBe(true);
  });

  it('sends the reply audio as 24 kHz base64 deltas of its content part, and no WebRTC-only event', async () => {
    const { socket, conn } = connect(Promise.resolve(new ScriptedBrain(['hello', 'there'], 5)));
    await until(() => socket.sent.length >= 1);
    conn.handleMessage(
      text({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      }),
      false,
    );
    conn.handleMessage(text({ type: 'response.create' }), false);
    await until(() => socket.of('response.done').length === 1);
    const part = socket.of('response.content_part.added')[0];
    const deltas = socket.of('response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const d of deltas) {
      expect(d).toMatchObject({
        response_id: part?.response_id,
        item_id: part?.item_id,
        output_index: 0,
        content_index: 0,
      });
    }
    // 10 chunks of 20 ms at 48 kHz: 200 ms, i.e. 4800 samples at 24 kHz (the filter's tail flushed at the end).
    const samples = deltas.reduce((n, d) => n + decodePcm16Base64(d.delta).length, 0);
    expect(Math.abs(samples - 4800)).toBeLessThanOrEqual(2);
    const types = socket.sent.map((e) => e.type);
    expect(types.lastIndexOf('response.output_audio.delta')).toBeLessThan(types.indexOf('response.output_audio.done'));
    expect(types.some((t) => t.startsWith('output_audio_buffer.'))).toBe(false);
    expect(socket.of('response.done')[0]?.response.status).toBe('completed');
  });

  it('answers a binary frame with a typed error and goes on', async () => {
    const { socket, conn } = connect(Promise.resolve(new ScriptedBrain()));
    await until(() => socket.sent.length >= 1);
    conn.handleMessage(new Uint8Array([1, 2, 3]), true);
    conn.handleMessage(text({ type: 'session.update', session: { instructions: 'x' } }), false);
    expect(socket.of('error')[0]?.error).toMatchObject({ code: 'invalid_event' });
    expect(socket.of('session.updated')).toHaveLength(1);
  });

  it('closes a client that floods a session that does not exist yet, and never opens it', async () => {
    const brain = deferred<Brain>();
    const { socket, conn } = connect(brain.promise);
    const big = text({ type: 'input_audio_buffer.append', audio: 'A'.repeat(1024 * 1024) });
    for (let sent = 0; sent <= MAX_PENDING_BYTES; sent += big.byteLength) conn.handleMessage(big, false);
    expect(socket.closedWith?.code).toBe(1008);
    brain.resolve(new ScriptedBrain());
    await new Promise((r) => setTimeout(r, 10));
    expect(socket.sent).toEqual([]);
  });

  it('tells the client when the brain cannot load, and closes', async () => {
    const brain = deferred<Brain>();
    const { socket } = connect(brain.promise);
    brain.reject(new Error('no model'));
    await until(() => socket.closedWith !== null);
    expect(socket.of('error')[0]?.error).toMatchObject({ type: 'server_error' });
    expect(socket.closedWith?.code).toBe(1011);
  });

  it('waits while the socket is backed up, and ends the reply when the socket closes', async () => {
    const { socket, conn } = connect(Promise.resolve(new ScriptedBrain(['a', 'b', 'c', 'd'], 50)));
    await until(() => socket.sent.length >= 1);
    socket.bufferedAmount = 2 * 1024 * 1024; // the client reads slower than the brain speaks
    conn.handleMessage(
      text({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      }),
      false,
    );
    conn.handleMessage(text({ type: 'response.create' }), false);
    await until(() => socket.of('response.output_audio.delta').length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.of('response.output_audio.delta')).toHaveLength(1);
    conn.handleClose();
    await until(() => socket.of('response.done').length === 1);
    expect(socket.of('response.done')[0]?.response.status).toBe('cancelled');
    expect(socket.of('response.output_audio.delta')).toHaveLength(1);
  });
});

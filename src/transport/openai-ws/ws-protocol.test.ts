import { describe, expect, it } from 'vitest';
import type { ClientEvent, ServerEvent, SessionInfo } from '../../protocol/index.ts';
import {
  AudioLedger,
  GA_PCM_RATE,
  localOutputEvent,
  pcmRate,
  routeClientEvent,
  routeServerEvent,
  serverBargeIn,
  truncationPointMs,
} from './ws-protocol.ts';

/** Base64 of `n` zero samples. */
const silence = (n: number): string => Buffer.alloc(2 * n).toString('base64');

const delta = (itemId: string, responseId: string, samples: number): ServerEvent => ({
  type: 'response.output_audio.delta',
  event_id: 'e',
  response_id: responseId,
  item_id: itemId,
  output_index: 0,
  content_index: 0,
  delta: silence(samples),
});

const truncate = (itemId: string, ms: number): ClientEvent => ({
  type: 'conversation.item.truncate',
  item_id: itemId,
  content_index: 0,
  audio_end_ms: ms,
});

describe('truncationPointMs', () => {
  it('is the heard point, never past what was received or played, a whole ms >= 0', () => {
    expect(truncationPointMs(1234.9, 5000, 4000)).toBe(1234);
    expect(truncationPointMs(1500, 1200.5, 4000)).toBe(1200); // the reply stopped arriving
    expect(truncationPointMs(1500, 5000, 900.2)).toBe(900); // an underrun stretched wall time
    expect(truncationPointMs(1500, null, null)).toBe(1500); // nothing known: the session's point
    expect(truncationPointMs(-3, 10, 10)).toBe(0);
    expect(truncationPointMs(Number.NaN, 10, 10)).toBe(0);
  });
});

describe('the WebSocket event mapping', () => {
  it('plays reply audio instead of forwarding it, and counts it per item', () => {
    const ledger = new AudioLedger();
    const r = routeServerEvent(delta('item_1', 'resp_1', 2400), ledger);
    expect(r).toMatchObject({ kind: 'audio', responseId: 'resp_1', itemId: 'item_1' });
    expect(r.kind === 'audio' && r.pcm.length).toBe(2400);
    routeServerEvent(delta('item_1', 'resp_1', 1200), ledger);
    expect(ledger.receivedMs('item_1')).toBe(150); // 3600 samples at 24 kHz
    expect(ledger.responseOf('item_1')).toBe('resp_1');
    expect(ledger.receivedMs('item_2')).toBeNull();
    const bad = { ...delta('item_1', 'resp_1', 1), delta: 'AA==' } as ServerEvent; // half a sample
    expect(routeServerEvent(bad, ledger).kind).toBe('bad_audio');
  });

  it('ends playback at response.done, drops a server output buffer, forwards the rest', () => {
    const ledger = new AudioLedger();
    const done = {
      type: 'response.done',
      event_id: 'e',
      response: { id: 'resp_9', object: 'realtime.response', status: 'completed', output: [] },
    } as unknown as ServerEvent;
    expect(routeServerEvent(done, ledger)).toMatchObject({ kind: 'forward', endResponse: 'resp_9' });
    const stopped: ServerEvent = { type: 'output_audio_buffer.stopped', event_id: 'e', response_id: 'r' };
    expect(routeServerEvent(stopped, ledger)).toEqual({ kind: 'drop' });
    const cleared: ServerEvent = { type: 'input_audio_buffer.cleared', event_id: 'e' };
    expect(routeServerEvent(cleared, ledger)).toEqual({
      kind: 'forward',
      event: cleared,
      endResponse: null,
      formatProblem: null,
    });
  });

  it('takes the audio formats from the session, and says when they are not PCM16', () => {
    const ledger = new AudioLedger();
    const session = (audio: SessionInfo['audio']): ServerEvent =>
      ({ type: 'session.created', event_id: 'e', session: { type: 'realtime', audio } }) as ServerEvent;
    const ok = routeServerEvent(session({ output: { format: { type: 'audio/pcm', rate: 24_000 } } }), ledger);
    expect(ok).toMatchObject({ kind: 'forward', formatProblem: null });
    expect(ledger.outputRate).toBe(GA_PCM_RATE);
    const g711 = routeServerEvent(session({ input: { format: { type: 'audio/pcmu' } } }), ledger);
    expect(g711.kind === 'forward' && g711.formatProblem).toMatch(/not 16-bit PCM.*input audio\/pcmu/);
    expect(ledger.inputRate).toBe(GA_PCM_RATE); // unchanged
    expect(pcmRate(undefined)).toBe(24_000);
    expect(pcmRate({ type: 'audio/pcm' })).toBe(24_000);
    expect(pcmRate({ type: 'audio/pcma' })).toBeNull();
  });

  it('flushes the local player for output_audio_buffer.clear (WebRTC-only in GA) instead of sending it', () => {
    const ledger = new AudioLedger();
    expect(routeClientEvent({ type: 'output_audio_buffer.clear' }, ledger, () => null)).toEqual({
      kind: 'clear_output',
    });
    const commit: ClientEvent = { type: 'input_audio_buffer.commit' };
    expect(routeClientEvent(commit, ledger, () => null)).toEqual({ kind: 'send', event: commit });
  });

  it('clamps a truncation to what was received and played of that item', () => {
    const ledger = new AudioLedger();
    routeServerEvent(delta('item_1', 'resp_1', 24_000), ledger); // 1000 ms received
    const played = (id: string): number | null => (id === 'resp_1' ? 800.7 : null);
    const out = (ms: number): unknown => routeClientEvent(truncate('item_1', ms), ledger, played);
    expect(out(600)).toEqual({ kind: 'send', event: truncate('item_1', 600) });
    expect(out(950)).toEqual({ kind: 'send', event: truncate('item_1', 800) }); // played only 800 ms
    expect(routeClientEvent(truncate('item_1', 1500), ledger, () => null)).toEqual({
      kind: 'send',
      event: truncate('item_1', 1000), // received only 1000 ms
    });
    // An item this connection never played audio of: the session's point goes out as is.
    expect(routeClientEvent(truncate('item_x', 420), ledger, played)).toEqual({
      kind: 'send',
      event: truncate('item_x', 420),
    });
  });

  it('forgets the oldest items beyond 64, and everything on reset', () => {
    const ledger = new AudioLedger();
    for (let i = 0; i < 70; i++) routeServerEvent(delta(`item_${String(i)}`, `r${String(i)}`, 24), ledger);
    expect(ledger.receivedMs('item_0')).toBeNull();
    expect(ledger.receivedMs('item_69')).toBe(1);
    ledger.reset();
    expect(ledger.receivedMs('item_69')).toBeNull();
  });

  it('server VAD over a playing reply: truncate its item where the player was', () => {
    const ledger = new AudioLedger();
    routeServerEvent(delta('item_1', 'resp_1', 48_000), ledger); // 2000 ms received
    expect(serverBargeIn(ledger, 'resp_1', 730.6)).toEqual(truncate('item_1', 730));
    expect(serverBargeIn(ledger, 'resp_1', null)).toEqual(truncate('item_1', 0));
    expect(serverBargeIn(ledger, null, 100)).toBeNull(); // nothing playing
    expect(serverBargeIn(ledger, 'resp_unknown', 100)).toBeNull();
  });

  it('reports the local player as a WebRTC server reports its output buffer', () => {
    expect(localOutputEvent('output_audio_buffer.stopped', 'resp_1', 3)).toEqual({
      type: 'output_audio_buffer.stopped',
      response_id: 'resp_1',
      event_id: 'event_local_3',
    });
  });
});

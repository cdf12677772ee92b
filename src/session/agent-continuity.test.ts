import { afterEach, describe, expect, it } from 'vitest';
import { createRingStorage, RingReader, RingWriter } from '../audio/ring-buffer.ts';
import type { ClientEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import { AgentContinuity, joinSpans, type ContinuityHost } from './agent-continuity.ts';
import type { ReplyController } from './reply-controller.ts';
import type { TurnTaking } from './turn-taking.ts';
import type { TurnTracker } from './turn-tracker.ts';

/** A ring holding `seconds` of a 16 kHz tone from position 0. */
function ring(seconds: number): RingReader {
  const storage = createRingStorage({ capacity: 16_000 * 8, shared: false });
  const w = new RingWriter(storage);
  const n = Math.round(seconds * 16_000);
  const chunk = new Float32Array(160);
  for (let at = 0; at < n; at += chunk.length) {
    for (let i = 0; i < chunk.length; i++) chunk[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (at + i)) / 16_000);
    w.write(chunk, 0, Math.min(chunk.length, n - at));
  }
  return new RingReader(storage);
}

/** The parts of a session continuity uses, with a transport that records what it was sent. */
function host(open: { speaking: boolean; turnId: string | null }, mode: 'remote' | 'local' = 'remote') {
  const sent: ClientEvent[] = [];
  const transport = {
    status: 'connected',
    send: (e: ClientEvent) => {
      sent.push(e);
      return Promise.resolve();
    },
  } as unknown as Transport;
  const reader = ring(3);
  const h: ContinuityHost = {
    turns: {
      get userSpeaking() {
        return open.speaking;
      },
      get turnId() {
        return open.turnId;
      },
    } as unknown as TurnTaking,
    tracker: { awaiting: false } as unknown as TurnTracker,
    replies: {} as unknown as ReplyController,
    mode: () => mode,
    remote: () => transport,
    ring: () => reader,
    failover: () => false,
    emit: () => undefined,
    update: () => undefined,
  };
  return { h, sent };
}

let live: AgentContinuity | null = null;
afterEach(() => {
  live?.close();
  live = null;
});

describe('AgentContinuity: a turn open when the agent announced itself', () => {
  it('is committed with its whole audio: clear, then the span from the ring', async () => {
    const open = { speaking: true, turnId: 'vad-3' };
    const { h, sent } = host(open);
    live = new AgentContinuity(h);
    live.agentSession('sess_b'); // the agent (re)joined while the user was talking
    open.speaking = false;
    await live.resendPartial('vad-3', { unit: 'sample', start: 8000, end: 40_000 });
    expect(sent[0]).toEqual({ type: 'input_audio_buffer.clear' });
    const appends = sent.slice(1);
    expect(appends.every((e) => e.type === 'input_audio_buffer.append')).toBe(true);
    // 2 s at 16 kHz as 24 kHz PCM16: 48000 samples, 96000 bytes, in 200 ms chunks.
    const bytes = appends.reduce((n, e) => n + (e.type === 'input_audio_buffer.append' ? atob(e.audio).length : 0), 0);
    expect(Math.abs(bytes - 96_000)).toBeLessThan(200);
    expect(appends.length).toBe(10);
    // Once only.
    sent.length = 0;
    await live.resendPartial('vad-3', { unit: 'sample', start: 8000, end: 40_000 });
    expect(sent).toEqual([]);
  });

  it('leaves other turns alone: one that started after the announcement, or when nothing was open', async () => {
    const open = { speaking: false, turnId: null as string | null };
    const { h, sent } = host(open);
    live = new AgentContinuity(h);
    live.agentSession('sess_c');
    await live.resendPartial('vad-4', { unit: 'sample', start: 0, end: 16_000 });
    expect(sent).toEqual([]);
  });

  it('sends nothing when the device answers the turn', async () => {
    const open = { speaking: true, turnId: 'vad-5' };
    const { h, sent } = host(open, 'local');
    live = new AgentContinuity(h);
    live.agentSession('sess_d');
    await live.resendPartial('vad-5', { unit: 'sample', start: 0, end: 16_000 });
    expect(sent).toEqual([]);
  });
});

const appendedSeconds = (sent: ClientEvent[]): number =>
  sent.reduce((n, e) => n + (e.type === 'input_audio_buffer.append' ? atob(e.audio).length : 0), 0) / 2 / 24_000;

describe('AgentContinuity: turns spoken while no agent was ready', () => {
  it('joins turns held one after another into one span, in order, at most 8 s long', () => {
    expect(
      joinSpans({ unit: 'sample', start: 1000, end: 9000 }, { unit: 'sample', start: 20_000, end: 30_000 }),
    ).toEqual({ unit: 'sample', start: 1000, end: 30_000 });
    const later = { unit: 'sample' as const, start: 200_000, end: 220_000 };
    expect(joinSpans({ unit: 'sample', start: 0, end: 16_000 }, later)).toBe(later); // 13.75 s apart
    expect(joinSpans({ unit: 'time', start: 1, end: 2 }, later)).toBe(later); // other units
    expect(joinSpans(null, later)).toBe(later);
  });

  it('goes with the commit of the turn the user is speaking when the agent announces itself', async () => {
    const open = { speaking: false, turnId: null as string | null };
    const { h, sent } = host(open);
    live = new AgentContinuity(h);
    live.hold('vad-1', { unit: 'sample', start: 0, end: 8000 }); // 0-0.5 s, no agent
    open.speaking = true;
    open.turnId = 'vad-2';
    live.agentSession('sess_e'); // back while the user talks: the held turn is not asked over it
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([]);
    open.speaking = false;
    await live.resendPartial('vad-2', { unit: 'sample', start: 16_000, end: 40_000 });
    expect(sent[0]).toEqual({ type: 'input_audio_buffer.clear' });
    // 0 s to 2.5 s: the held turn, the gap and this turn.
    expect(appendedSeconds(sent)).toBeCloseTo(2.5, 1);
    sent.length = 0;
    await live.resendPartial('vad-3', { unit: 'sample', start: 40_000, end: 44_000 });
    expect(sent).toEqual([]); // asked once
  });

  it('goes with the next commit when the user starts speaking after the agent announced itself', async () => {
    const open = { speaking: false, turnId: null as string | null };
    const { h, sent } = host(open);
    live = new AgentContinuity(h);
    live.hold('vad-1', { unit: 'sample', start: 0, end: 8000 });
    open.speaking = true; // speaking again before the agent's announcement is handled
    live.agentSession('sess_f');
    open.speaking = false;
    open.turnId = null;
    await live.resendPartial('vad-2', { unit: 'sample', start: 24_000, end: 32_000 });
    expect(appendedSeconds(sent)).toBeCloseTo(2, 1);
  });
});

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

/** What a test host's session is doing; the test changes it as it goes. */
interface HostState {
  /** The user is speaking, in turn `turnId`. */
  speaking: boolean;
  turnId: string | null;
  mode: 'remote' | 'local';
  /** The transport's health. */
  level: 'healthy' | 'down';
  /** The tracker awaits a reply. */
  awaiting: boolean;
  /** A reply is playing, and the user has heard less than a second of it. */
  agentSpeaking: boolean;
  cutShort: boolean;
  /** What the transport says of the agent hearing the mic (`micHeardSince`). */
  heardSince: number | null | undefined;
}

/**
 * The parts of a session continuity uses, read from `state` (`init`, else not speaking, remote, healthy,
 * nothing awaited), with a transport that records what it was sent. The last committed turn is `vad-2`
 * (0.5-1.5 s in the ring); commits are recorded (and then awaited, as the tracker does until a reply
 * starts), and so are the codes of the errors emitted.
 */
function host(init: Partial<HostState> = {}) {
  const state: HostState = {
    speaking: false,
    turnId: null,
    mode: 'remote',
    level: 'healthy',
    awaiting: false,
    agentSpeaking: false,
    cutShort: false,
    heardSince: undefined,
    ...init,
  };
  const sent: ClientEvent[] = [];
  const commits: string[] = [];
  const errors: string[] = [];
  const transport = {
    status: 'connected',
    get health() {
      return { level: state.level };
    },
    send: (e: ClientEvent) => {
      sent.push(e);
      return Promise.resolve();
    },
    micHeardSince: () => state.heardSince,
  } as unknown as Transport;
  const reader = ring(3);
  const h: ContinuityHost = {
    turns: {
      get userSpeaking() {
        return state.speaking;
      },
      get turnId() {
        return state.turnId;
      },
      lastCommitted: () => ({ turnId: 'vad-2', span: { unit: 'sample', start: 8000, end: 24_000 } }),
      commit: (id: string) => {
        commits.push(id);
        state.awaiting = true; // as the tracker does until a reply starts
        return Promise.resolve();
      },
    } as unknown as TurnTaking,
    tracker: {
      get awaiting() {
        return state.awaiting;
      },
      abandonPending: () => {
        state.awaiting = false;
      },
    } as unknown as TurnTracker,
    replies: {
      pending: () => false,
      get agentSpeaking() {
        return state.agentSpeaking;
      },
      cutShort: () => state.cutShort,
      abandon: () => {
        state.agentSpeaking = false;
        state.cutShort = false;
      },
      cancelAbandoned: () => undefined,
    } as unknown as ReplyController,
    mode: () => state.mode,
    remote: () => transport,
    agentReady: () => true,
    ring: () => reader,
    failover: () => false,
    emit: (name, payload) => {
      if (name === 'error') errors.push((payload as { code: string }).code);
    },
    update: () => undefined,
  };
  return { h, state, sent, commits, errors };
}

let live: AgentContinuity | null = null;
afterEach(() => {
  live?.close();
  live = null;
});

describe('AgentContinuity: a turn open when the agent announced itself', () => {
  it('is committed with its whole audio: clear, then the span from the ring', async () => {
    const { h, sent, state: open } = host({ speaking: true, turnId: 'vad-3' });
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
    const { h, sent } = host();
    live = new AgentContinuity(h);
    live.agentSession('sess_c');
    await live.resendPartial('vad-4', { unit: 'sample', start: 0, end: 16_000 });
    expect(sent).toEqual([]);
  });

  it('sends nothing when the device answers the turn', async () => {
    const { h, sent } = host({ speaking: true, turnId: 'vad-5', mode: 'local' });
    live = new AgentContinuity(h);
    live.agentSession('sess_d');
    await live.resendPartial('vad-5', { unit: 'sample', start: 0, end: 16_000 });
    expect(sent).toEqual([]);
  });
});

const appendedSeconds = (sent: ClientEvent[]): number =>
  sent.reduce((n, e) => n + (e.type === 'input_audio_buffer.append' ? atob(e.audio).length : 0), 0) / 2 / 24_000;

describe('AgentContinuity: turns spoken while no agent was ready', () => {
  it('joins turns held one after another into one span, in order, at most 20 s long', () => {
    expect(
      joinSpans({ unit: 'sample', start: 1000, end: 9000 }, { unit: 'sample', start: 20_000, end: 30_000 }),
    ).toEqual({ unit: 'sample', start: 1000, end: 30_000 });
    const later = { unit: 'sample' as const, start: 400_000, end: 420_000 };
    expect(joinSpans({ unit: 'sample', start: 0, end: 16_000 }, later)).toBe(later); // 26 s apart
    // Longer than 20 s together: the oldest audio is cut.
    expect(joinSpans({ unit: 'sample', start: 0, end: 120_000 }, later)).toEqual({
      unit: 'sample',
      start: 100_000,
      end: 420_000,
    });
    expect(joinSpans({ unit: 'time', start: 1, end: 2 }, later)).toBe(later); // other units
    expect(joinSpans(null, later)).toBe(later);
  });

  it('goes with the commit of the turn the user is speaking when the agent announces itself', async () => {
    const { h, sent, state: open } = host();
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
    const { h, sent, state: open } = host();
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

describe('AgentContinuity: a turn that began before the agent heard the mic', () => {
  // The ring holds 3 s; this turn is 0.5-1.5 s in it, so it began 2.5 s before the newest sample.
  const span = { unit: 'sample' as const, start: 8000, end: 24_000 };

  it('is sent whole when the agent heard nothing, or only since after the turn began', async () => {
    for (const heardSince of [null, performance.now() - 1000]) {
      const { h, sent } = host({ heardSince });
      live = new AgentContinuity(h);
      await live.resendPartial('vad-2', span);
      expect(sent[0]).toEqual({ type: 'input_audio_buffer.clear' });
      expect(appendedSeconds(sent)).toBeCloseTo(1, 1);
      live.close();
    }
  });

  it('goes as it is when the agent heard the mic since before the turn, or does not say', async () => {
    for (const heardSince of [performance.now() - 5000, undefined]) {
      const { h, sent } = host({ heardSince });
      live = new AgentContinuity(h);
      await live.resendPartial('vad-2', span);
      expect(sent).toEqual([]);
      live.close();
    }
  });
});

const created = (id: string) =>
  ({ type: 'response.created', event_id: 'e', response: { id, status: 'in_progress' } }) as unknown as Parameters<
    AgentContinuity['serverEvent']
  >[0];
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AgentContinuity: turns around a stalled or replaced agent', () => {
  it('asks a turn held while the link was down of the same agent once the link is back and idle', async () => {
    const x = host();
    live = new AgentContinuity(x.h);
    live.agentSession('sess_a');
    await settle(20);
    x.state.level = 'down';
    live.hold('vad-3', { unit: 'sample', start: 16_000, end: 32_000 });
    await settle(400);
    expect(x.commits).toEqual([]); // never sent into the dead link
    x.state.level = 'healthy';
    await settle(400);
    expect(x.commits).toEqual(['vad-3']);
    expect(x.sent[0]).toEqual({ type: 'input_audio_buffer.clear' });
    expect(appendedSeconds(x.sent)).toBeCloseTo(1, 1);
    expect(x.errors).toEqual(['agent_unresponsive']); // the hold is reported once
  });

  it('keeps asking an unanswered turn of each new agent until one answers it', async () => {
    const x = host();
    live = new AgentContinuity(x.h);
    live.agentSession('sess_a');
    await settle(20);
    x.state.awaiting = true; // vad-2 was committed and asked
    live.agentLeft(); // the job died before answering
    live.agentSession('sess_b'); // re-dispatched: asked again
    await settle(50);
    expect(x.commits).toEqual(['vad-2']);
    // That agent went away too before answering (its request still awaited): the next one is asked.
    live.agentSession('sess_c');
    await settle(50);
    expect(x.commits).toEqual(['vad-2', 'vad-2']);
    live.serverEvent(created('resp_1'), false, null); // sess_c answers it
    x.state.awaiting = false; // (the tracker's reply started)
    live.agentSession('sess_d');
    await settle(50);
    expect(x.commits).toEqual(['vad-2', 'vad-2']);
  });

  it('asks a turn again of the next agent when its reply was cut before a second of it was heard', async () => {
    const x = host();
    live = new AgentContinuity(x.h);
    live.agentSession('sess_a');
    await settle(20);
    x.state.agentSpeaking = true; // vad-2's reply started...
    x.state.cutShort = true; // ...and its job died 0.1 s into it
    live.agentLeft();
    expect(x.errors).toEqual(['agent_unresponsive']);
    live.agentSession('sess_b');
    await settle(50);
    expect(x.commits).toEqual(['vad-2']);
    expect(appendedSeconds(x.sent)).toBeCloseTo(1, 1);

    // A reply the user heard more of stands: the next agent is not asked the turn again.
    const y = host();
    live.close();
    live = new AgentContinuity(y.h);
    live.agentSession('sess_a');
    await settle(20);
    y.state.agentSpeaking = true;
    live.agentLeft();
    live.agentSession('sess_b');
    await settle(50);
    expect(y.commits).toEqual([]);
  });

  it('leaves a turn sent before a stall to the same agent, and asks it again only if no answer starts', async () => {
    const x = host();
    live = new AgentContinuity(x.h, { replyTimeoutMs: 300 });
    live.agentSession('sess_a');
    await settle(20);
    x.state.awaiting = true;
    live.sent({ type: 'response.create' }, true);
    await settle(600); // no reply within 300 ms: reported, kept for this agent
    expect(x.errors).toContain('agent_unresponsive');
    expect(x.commits).toEqual([]);
    live.serverEvent(created('resp_late'), false, null); // the late answer came: nothing to ask
    await settle(700);
    expect(x.commits).toEqual([]);

    const y = host();
    live.close();
    live = new AgentContinuity(y.h, { replyTimeoutMs: 300 });
    live.agentSession('sess_a');
    await settle(20);
    y.state.awaiting = true;
    live.sent({ type: 'response.create' }, true);
    await settle(2200); // reported at ~300-550 ms, no late answer within 1 s more: asked again
    expect(y.commits).toEqual(['vad-2']);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import type { AgentOutput } from './agent-output.ts';
import { ReplyController } from './reply-controller.ts';
import { TurnTracker } from './turn-tracker.ts';

/** An output whose clock and audible samples the test sets by hand. */
class FakeOutput implements AgentOutput {
  gain: number | null = null;
  start: number | null = null;
  heard: number | null = null;
  audibleNow = false;
  readonly ctx: { currentTime: number };
  constructor(ctx: { currentTime: number }) {
    this.ctx = ctx;
  }
  duck(gain: number): number {
    this.gain = gain;
    return this.ctx.currentTime;
  }
  restore(): void {
    this.gain = null;
  }
  armReply(): void {
    this.start = null;
  }
  replyStartTime(): number | null {
    return this.start;
  }
  lastHeardTime(): number | null {
    return this.heard;
  }
  lastAudibleTime(): number | null {
    return this.heard;
  }
  audible(): boolean {
    return this.audibleNow;
  }
  setVolume(): void {
    // not modelled
  }
  setSinkId(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    // nothing to release
  }
}

function setup() {
  const ctx = { currentTime: 10 };
  const out = new FakeOutput(ctx);
  const sent: ClientEvent[] = [];
  const emitted: string[] = [];
  const agentStopped = vi.fn();
  const tracker = new TurnTracker();
  const replies = new ReplyController({
    ctx: ctx as unknown as AudioContext,
    tracker,
    output: () => out,
    send: (e) => sent.push(e),
    emit: (name) => emitted.push(name),
    changed: () => undefined,
    agentStopped,
  });
  const server = (e: Omit<ServerEvent, 'event_id'>): void => {
    replies.onServerEvent({ event_id: 'e', ...e } as ServerEvent);
  };
  const create = (id: string): void => {
    server({ type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress' } } as never);
    server({
      type: 'response.output_item.added',
      response_id: id,
      output_index: 0,
      item: { id: `item-${id}`, object: 'realtime.item', type: 'message', role: 'assistant', content: [] },
    } as never);
  };
  /** The tap sees the reply's first sample at `t`; one poll runs. */
  const becomesAudible = (t: number): void => {
    out.start = t;
    out.heard = t;
    out.audibleNow = true;
    vi.advanceTimersByTime(15);
  };
  return { ctx, out, sent, emitted, replies, tracker, create, becomesAudible, agentStopped };
}

describe('ReplyController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a reply on its way is pending: requested, then created, until its first audible sample', () => {
    const h = setup();
    expect(h.replies.pending(false)).toBe(false);
    expect(h.replies.pending(true)).toBe(true);
    h.create('r1');
    expect(h.replies.pending(false)).toBe(true);
    h.becomesAudible(10.5);
    expect(h.replies.pending(false)).toBe(false);
    expect(h.replies.audible()).toBe(true);
    h.replies.close();
  });

  it('held before its audio starts, a created reply stays ducked, and comes back on restore', () => {
    const h = setup();
    h.replies.duck(0, 'vad-1', 10); // the user's onset while the reply was requested
    h.create('r1');
    expect(h.out.gain).toBe(0);
    expect(h.agentStopped).not.toHaveBeenCalled();
    h.replies.restore(); // a cough: not a turn
    expect(h.out.gain).toBeNull();
    expect(h.sent.map((e) => e.type)).toEqual([]);
    h.replies.close();
  });

  it('confirmed before its audio starts, the reply is cancelled without a truncation or an interruption', () => {
    const h = setup();
    h.create('r1');
    h.replies.duck(0, 'vad-2', 10);
    h.replies.interrupt(10, false);
    expect(h.sent.map((e) => e.type)).toEqual(['response.cancel', 'output_audio_buffer.clear']);
    expect(h.emitted).not.toContain('interrupted');
    h.replies.close();
  });

  it('confirmed while nothing was created yet, the requested reply is cancelled', () => {
    const h = setup();
    h.replies.duck(0, 'vad-2', 10);
    h.replies.interrupt(10, true);
    expect(h.sent).toEqual([{ type: 'response.cancel' }]);
  });

  it('a playing reply is cut short until the user has heard a second of it', () => {
    const h = setup();
    expect(h.replies.cutShort()).toBe(false); // no reply
    h.create('r1');
    expect(h.replies.cutShort()).toBe(false); // not audible yet: pending, not cut
    h.becomesAudible(10);
    h.out.heard = 10.9;
    expect(h.replies.cutShort()).toBe(true);
    h.out.heard = 11;
    expect(h.replies.cutShort()).toBe(false);
    h.replies.close();
  });

  it('confirmed while audible: cancel, clear and truncate at the last heard sample', () => {
    const h = setup();
    h.create('r1');
    h.becomesAudible(10);
    h.ctx.currentTime = 10.8;
    h.out.heard = 10.79;
    h.replies.duck(0, 'vad-2', 10.75);
    h.replies.interrupt(10.75);
    expect(h.sent).toEqual([
      { type: 'response.cancel', response_id: 'r1' },
      { type: 'output_audio_buffer.clear' },
      { type: 'conversation.item.truncate', item_id: 'item-r1', content_index: 0, audio_end_ms: 790 },
    ]);
    expect(h.emitted).toContain('interrupted');
    h.replies.close();
  });

  it('a duck on a first hint (no turn yet) is claimed by the turn that begins: its barge-in timing', () => {
    const h = setup();
    h.tracker.mark('vad-3', 'speechStart', 10.7);
    h.create('r1');
    h.becomesAudible(10);
    h.ctx.currentTime = 10.72;
    h.out.heard = 10.715;
    h.replies.duck(0, null, 10.72); // the level of "Stop" rose before Silero called it speech
    h.replies.claimDuck('vad-3');
    h.replies.claimDuck('vad-4'); // a later turn does not take it over
    h.replies.interrupt(10.7);
    expect(h.tracker.marks('vad-3')).toMatchObject({ bargeInOnset: 10.7, bargeInSilent: 10.715 });
    h.replies.close();
  });

  it('a reply the tap has just heard (before the next poll) is not cancelled as never heard', () => {
    const h = setup();
    h.create('r1');
    h.out.start = 10.1; // first audible sample, not polled yet
    h.out.heard = 10.1;
    h.out.audibleNow = true;
    h.replies.cancelPending(true); // e.g. the user resumed after an eager commit
    expect(h.emitted).toContain('agent_audio_start');
    expect(h.sent).toEqual([]);
    expect(h.replies.audible()).toBe(true); // barge-in decides from here
    h.replies.close();
  });

  it("a response_cancel_not_active answers the session's own cancel once, within the race window", () => {
    const h = setup();
    expect(h.replies.ownCancelRace()).toBe(false); // no cancel of its own: the error is the app's or a fault
    h.replies.cancelPending(true); // nothing created yet: a bare cancel for the reply about to start
    expect(h.sent).toEqual([{ type: 'response.cancel' }]);
    expect(h.replies.ownCancelRace()).toBe(true);
    expect(h.replies.ownCancelRace()).toBe(false); // one answer per cancel
    h.replies.cancelPending(true);
    vi.advanceTimersByTime(16_000); // too late to be the answer to it
    expect(h.replies.ownCancelRace()).toBe(false);
    h.replies.close();
  });

  it('ducked before the reply became audible, the truncation is at 0 ms', () => {
    const h = setup();
    h.create('r1');
    h.replies.duck(0, 'vad-2', 10);
    h.ctx.currentTime = 10.3;
    h.out.start = 10.2; // the first sample arrived while ducked: the user heard nothing
    h.out.heard = null;
    h.out.audibleNow = true;
    vi.advanceTimersByTime(15);
    h.replies.interrupt(10);
    expect(h.sent.at(-1)).toEqual({
      type: 'conversation.item.truncate',
      item_id: 'item-r1',
      content_index: 0,
      audio_end_ms: 0,
    });
    h.replies.close();
  });

  it('interrupted after the server sent all of its audio, the reply is not truncated', () => {
    const h = setup();
    h.create('r1');
    h.becomesAudible(10);
    h.replies.onServerEvent({ event_id: 'e', type: 'output_audio_buffer.stopped', response_id: 'r1' });
    h.ctx.currentTime = 11.5;
    h.out.heard = 11.49;
    h.replies.duck(0, 'vad-2', 11.45);
    h.replies.interrupt(11.45);
    expect(h.sent.map((e) => e.type)).toEqual(['response.cancel', 'output_audio_buffer.clear']);
    expect(h.emitted).toContain('interrupted');
    h.replies.close();
  });

  it('a new reply after an interruption is not ducked', () => {
    const h = setup();
    h.create('r1');
    h.becomesAudible(10);
    h.replies.duck(0, 'vad-2', 10.2);
    h.replies.interrupt(10.2);
    expect(h.out.gain).toBe(0);
    h.create('r2');
    expect(h.out.gain).toBeNull();
    h.replies.close();
  });
});

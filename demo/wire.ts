/**
 * The demo page follows its session: every session event goes to the page's record (`window.sottoDemo`,
 * which the e2e tests read), its controls, its VAD trace, transcript and waterfall, and its event log.
 */
import type { Interruption, Transcript, TurnMetrics, VoiceSession, VoiceSessionEvents } from '../src/index.ts';
import type { TranscriptView } from './ui/transcript-view.ts';
import type { VadTrace } from './ui/vad-trace.ts';
import { renderWaterfall } from './ui/waterfall.ts';

/** One reply as the page saw it (kept for the e2e tests). */
export interface Turn {
  committedAt: number;
  responseId?: string;
  status?: string;
  serverMs?: number;
}

/** What the page saw of its session, for the e2e tests. */
export interface SessionRecord {
  turns: Turn[];
  metrics: TurnMetrics[];
  interruptions: Interruption[];
  transcripts: Transcript[];
  /** The end-of-turn model's verdicts and the turn ends, from the session's first event on (tests read them). */
  turnVerdicts: VoiceSessionEvents['turn_model'][];
  turnEnds: { startSample: number; endSample: number; reason: string; time: number }[];
  errors: { code: string; message: string }[];
  states: string[];
  reconnects: { phase: string; attempt: number; delayMs: number }[];
  /**
   * Every session event type with its AudioContext time, in order; `agent_audio_end` also says whether the
   * reply was cut (barge-in, its agent went away, the session switched).
   */
  events: { type: string; time: number; interrupted?: boolean }[];
  /** Mode changes (remote / local) with their reasons. */
  modes: { mode: string; reason: string; time: number }[];
  /** Turns whose audio went to the on-device engine (read back from the capture ring). */
  localTurnAudio: {
    turnId: string;
    samples: number;
    lostSamples: number;
    startSample: number;
    endSample: number;
  }[];
  /** Offline turns handed to the remote agent. */
  handovers: { turns: number }[];
}

/** A record with nothing seen yet. */
export function emptyRecord(): SessionRecord {
  return {
    turns: [],
    metrics: [],
    interruptions: [],
    transcripts: [],
    turnVerdicts: [],
    turnEnds: [],
    errors: [],
    states: [],
    reconnects: [],
    events: [],
    modes: [],
    localTurnAudio: [],
    handovers: [],
  };
}

/** The parts of the page that follow the session. */
export interface WiredPage {
  record: SessionRecord;
  ui: {
    connect: HTMLButtonElement;
    talk: HTMLButtonElement;
    commit: HTMLButtonElement;
    mute: HTMLButtonElement;
    disconnect: HTMLButtonElement;
    text: HTMLInputElement;
    send: HTMLButtonElement;
    mode: HTMLElement;
    trace: VadTrace;
    transcript: TranscriptView;
    waterfall: HTMLElement;
    stats: HTMLElement;
    set: { offline: HTMLInputElement };
  };
  /** Adds a line to the event log. */
  log: (line: string) => void;
  /** Shows the conversation state. */
  setState: (state: string) => void;
}

function renderStats(el: HTMLElement, session: VoiceSession): void {
  const s = session.stats();
  const v = s.voice_to_voice;
  el.textContent = v
    ? `${String(s.turns)} turns — voice-to-voice p50 ${v.p50.toFixed(0)} ms, p95 ${v.p95.toFixed(0)} ms`
    : '';
}

/** Wires `session`'s events to `page` (`endpointing`: the session's, which decides the controls enabled). */
export function wire(session: VoiceSession, endpointing: string, page: WiredPage): void {
  const { record: demo, ui, log, setState } = page;
  /** Records an event at `time` (its own AudioContext time when it has one, else now). */
  const note = (type: string, time = session.audioContext.currentTime): void => {
    demo.events.push({ type, time });
  };
  session.remoteTransport?.on('reconnect', (step) => {
    demo.reconnects.push(step);
    log(`reconnect: ${step.phase} attempt ${String(step.attempt)} in ${String(step.delayMs)} ms`);
  });
  session.on('state', (s) => {
    demo.states.push(s);
    note(`state:${s}`);
    setState(s);
    const live = s !== 'connecting' && s !== 'closed';
    ui.commit.disabled = !live || endpointing !== 'manual';
    ui.talk.disabled = !live || endpointing !== 'push-to-talk';
    ui.mute.disabled = !live;
    ui.text.disabled = !live;
    ui.send.disabled = !live;
    ui.set.offline.disabled = !live || session.localTransport === null;
    if (s === 'closed') {
      ui.connect.disabled = false;
      ui.disconnect.disabled = true;
    }
  });
  session.on('mode', (m) => {
    demo.modes.push({ ...m, time: session.audioContext.currentTime });
    note(`mode:${m.mode}`);
    ui.mode.textContent = m.mode === 'local' ? 'on-device' : 'remote';
    ui.mode.dataset.mode = m.mode;
    ui.mode.title = m.reason;
    log(`mode ${m.mode} (${m.reason})`);
  });
  session.on('local_turn_audio', (a) => {
    demo.localTurnAudio.push(a);
    log(
      `turn ${a.turnId}: ${(a.samples / 16).toFixed(0)} ms of audio from the ring to the on-device engine (${String(a.lostSamples)} lost)`,
    );
  });
  session.on('handover', (h) => {
    demo.handovers.push(h);
    log(`back online: ${String(h.turns)} offline turn(s) handed to the agent`);
    ui.transcript.note('assistant', `↺ ${String(h.turns)} offline turn(s) shared with the agent`);
  });
  session.on('server_event', (e) => {
    log(`← ${e.type}`);
  });
  session.on('vad_frame', (f) => {
    ui.trace.push(f.time, f.probability);
  });
  session.on('turn_model', (v) => {
    demo.turnVerdicts.push(v);
    if (v.probability !== null) ui.trace.mark(v.time, v.probability, v.complete);
    log(
      `end-of-turn model: p=${(v.probability ?? Number.NaN).toFixed(2)} after ${v.pauseMs.toFixed(0)} ms of pause (${v.inferenceMs.toFixed(0)} ms)${v.complete ? ' → turn over' : ' → keep listening'}`,
    );
  });
  for (const type of ['speech_start', 'turn_ending', 'turn_resumed', 'misfire'] as const) {
    session.on(type, () => {
      note(type);
      log(type.replace('_', ' '));
    });
  }
  session.on('turn_end', (t) => {
    note('turn_end');
    demo.turnEnds.push({ startSample: t.startSample, endSample: t.endSample, reason: t.reason, time: t.decisionTime });
    log(`turn end (${t.speechMs.toFixed(0)} ms of speech) → commit + response.create`);
    ui.transcript.note('user', `🎤 ${(t.speechMs / 1000).toFixed(1)} s of speech`);
    demo.turns.push({ committedAt: session.audioContext.currentTime });
  });
  session.on('transcript', (t) => {
    demo.transcripts.push(t);
    ui.transcript.update(t);
  });
  session.on('response_created', (r) => {
    note('response_created');
    const turn = demo.turns.findLast((t) => t.responseId === undefined);
    if (turn) turn.responseId = r.id;
    else demo.turns.push({ committedAt: session.audioContext.currentTime, responseId: r.id });
  });
  session.on('response_done', (r) => {
    note('response_done');
    const turn = demo.turns.find((t) => t.responseId === r.id);
    if (turn) {
      turn.status = r.status;
      const ms = r['sotto:timings']?.commit_to_first_audio_ms;
      if (ms !== undefined) turn.serverMs = ms;
    }
  });
  session.on('agent_audio_start', (a) => {
    note('agent_audio_start', a.time);
    ui.trace.agentStart(a.time);
  });
  session.on('agent_audio_end', (a) => {
    demo.events.push({ type: 'agent_audio_end', time: a.time, interrupted: a.interrupted });
    ui.trace.agentEnd(a.time);
  });
  session.on('interrupted', (i) => {
    note('interrupted');
    demo.interruptions.push(i);
    ui.transcript.markInterrupted(i.itemId);
    log(
      `interrupted: agent silent ${((i.silentTime - i.onsetTime) * 1000).toFixed(0)} ms after your onset; heard ${String(i.playedMs)} ms`,
    );
  });
  session.on('metrics', (m) => {
    demo.metrics.push(m);
    renderWaterfall(ui.waterfall, demo.metrics);
    renderStats(ui.stats, session);
  });
  session.on('error', (e) => {
    demo.errors.push({ code: e.code, message: e.message });
    log(`error ${e.code}: ${e.message}`);
  });
}

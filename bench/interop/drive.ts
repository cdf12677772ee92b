/**
 * One conversation of Sotto's client (demo/interop/, the page the stock-agent e2e uses: `connect()` with its
 * defaults, fallback off) with a stock LiveKit Agents agent, in Chromium with a fake mic that speaks the
 * bench's script once. Returns what the page saw: the protocol it found, its states, both transcripts,
 * local interruptions, voice-to-voice on its own clock (endpointer's speech end -> first audible reply
 * sample), errors; and whether the barge-in worked on the agent's side (its reply cut short, the
 * interrupting turn answered).
 */
import type { Browser, Page } from '@playwright/test';
import { RoomServiceClient } from 'livekit-server-sdk';
import { launchChromium } from '../../e2e/browser.ts';
import { pageProblems } from '../../e2e/support/page-problems.ts';
import type { StockStack } from '../../e2e/support/stock-agent/stack.ts';
import { groupCpu, type GroupCpu } from './proc-cpu.ts';

/** What demo/interop/main.ts records in `window.sottoInterop`. */
export interface InteropRecord {
  states: string[];
  transcripts: { role: string; itemId: string; text: string; final: boolean }[];
  responses: { id: string; status: string }[];
  interruptions: number;
  v2vMs: number[];
  turns: { marks: Record<string, number | undefined>; stages: Record<string, number | undefined> }[];
  stateTimes: [string, number][];
  agentEvents: [string, number][];
  errors: string[];
  agentAudioStarts: number;
  agentProtocol: string | null;
}

/**
 * One voice turn as Sotto measured it, split at the agent's own decisions as the page saw them: its
 * `lk.agent.state` going to thinking (Sotto's adapter: `response.created`) and to speaking
 * (`output_audio_buffer.started`). Every figure in ms; null where an event was not seen.
 */
export interface TurnSplit {
  /** Sotto's voice-to-voice: its endpointer's speech end -> first audible reply sample. */
  v2v: number;
  /** Sotto's own endpointing (speech end -> its endpoint; it is not what the agent waits for). */
  sottoEndpointing: number | null;
  /** Speech end -> the agent is thinking (the agent's VAD and endpointing, STT, the attribute's trip). */
  toAgentThinking: number | null;
  /** Thinking -> the agent says it is speaking (LLM, TTS, the agent's playout start). */
  thinkingToSpeaking: number | null;
  /** The agent speaking -> the first reply sample played on the page (media path, jitter buffer, playout). */
  speakingToAudio: number | null;
}

export interface PeerRun {
  peer: string;
  round: number;
  /** Room created -> the agent participant in it (dispatch, job start, connect), ms. */
  agentJoinMs: number | null;
  /** Connect click -> `agentProtocol` known and the session `listening`, ms. */
  readyMs: number | null;
  agentProtocol: string | null;
  /** The session's states in order, repeats removed. */
  states: string[];
  /** Final user transcripts (the fake STT's "I spoke for N.N seconds"). */
  userTranscripts: string[];
  /** The agent's transcripts, the last text per segment. */
  agentTranscripts: string[];
  /** Sotto's local barge-ins (`interrupted` events). */
  interruptions: number;
  /** Agent replies whose transcript stopped short of the full echo (truncated at the heard position). */
  agentRepliesCut: number;
  /** The interrupting sentence was transcribed and answered after the cut. */
  bargeAnswered: boolean;
  /** Sotto's barge-in: the user's onset over the reply -> the reply silent on the page (Sotto's local duck), ms. */
  bargeLocalSilenceMs: number | null;
  /**
   * The same onset -> the agent ended its reply by itself (its `lk.agent.state` left speaking: Sotto's
   * adapter `response.done`), ms.
   */
  bargeAgentStopMs: number | null;
  bargeInWorked: boolean;
  /** Typed text on `lk.chat` was answered. */
  typedAnswered: boolean;
  /** Voice turns only (the typed turn's figure is left out: see `typedTurnV2vMs`). */
  v2vMs: number[];
  turnSplits: TurnSplit[];
  /**
   * What Sotto reported as voice_to_voice for the typed turn: measured from the last spoken turn's speech
   * end, so not a voice-to-voice figure (kept to show it).
   */
  typedTurnV2vMs: number[];
  responses: Record<string, number>;
  errors: string[];
  pageProblems: string[];
  /** CPU of the agent worker's process group (worker, job and idle processes) over the conversation. */
  agentCpu: GroupCpu | null;
}

export interface Script {
  wav: string;
  seconds: number;
  /** Spoken turns before the barge-in pair (each answered in full). */
  plainTurns: number;
}

const read = (page: Page): Promise<InteropRecord> =>
  page.evaluate(() => {
    const r = (window as unknown as { sottoInterop: InteropRecord & { session: unknown } }).sottoInterop;
    return { ...r, session: undefined } as InteropRecord;
  });

async function waitFor(page: Page, pred: string, timeout: number): Promise<boolean> {
  try {
    await page.waitForFunction(`(() => { const d = window.sottoInterop; return Boolean(d && (${pred})); })()`, null, {
      timeout,
      polling: 50,
    });
    return true;
  } catch {
    return false;
  }
}

/** `ParticipantInfo_Kind.AGENT` of LiveKit's protocol. */
const AGENT_KIND = 4;

async function waitForAgent(rooms: RoomServiceClient, room: string, timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const ps = await rooms.listParticipants(room).catch(() => []);
    if (ps.some((p) => (p.kind as number) === AGENT_KIND)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

const distinct = (xs: readonly string[]): string[] => xs.filter((x, i) => i === 0 || xs[i - 1] !== x);

/** The echo the fake LLM gives to a user transcript. */
const echoOf = (user: string): string => `You said: ${user}.`;

export async function runPeer(opts: {
  peer: string;
  round: number;
  stack: StockStack;
  demoUrl: string;
  script: Script;
}): Promise<PeerRun> {
  const { stack, script } = opts;
  const room = `interop-${opts.peer}-${String(opts.round)}-${String(Date.now())}`;
  const rooms = new RoomServiceClient(
    stack.livekit.url.replace(/^ws/, 'http'),
    stack.livekit.apiKey,
    stack.livekit.apiSecret,
  );
  // The room first, so the agent is in it before the fake mic starts speaking (its dispatch is timed apart).
  await rooms.createRoom({ name: room, emptyTimeout: 60 });
  const agentJoinMs = await waitForAgent(rooms, room, 60_000);
  const cpu0 = groupCpu(stack.agent.pid);
  let browser: Browser | null = null;
  try {
    browser = await launchChromium({ wav: script.wav });
    const page = await browser.newPage();
    const problems = pageProblems(page);
    const u = new URL('interop/', opts.demoUrl);
    u.searchParams.set('url', stack.livekit.url);
    u.searchParams.set('token', await stack.token(room, 'sotto-user'));
    u.searchParams.set('silenceMs', '500');
    await page.goto(u.toString());
    await page.waitForFunction(() => 'sottoInterop' in window, null, { timeout: 120_000 });
    const clicked = performance.now();
    await page.click('#connect');
    // Ready: the protocol found and a state that only the agent can drive (listening, thinking, speaking).
    const ready = await waitFor(
      page,
      "d.agentProtocol !== null && d.states.some((s) => ['listening', 'thinking', 'agent-speaking'].includes(s))",
      60_000,
    );
    const readyMs = ready ? performance.now() - clicked : null;
    // The script plays from the mic's opening (about the click); then the last reply.
    await page.waitForTimeout(Math.max(0, script.seconds * 1000 + 2000 - (performance.now() - clicked)));
    await waitFor(page, "d.states.at(-1) === 'listening'", 15_000);
    const voiceTurns = (await read(page)).turns.length;
    // Typed text on lk.chat.
    await page.evaluate(() =>
      (
        window as unknown as { sottoInterop: { session: { sendText(t: string): Promise<void> } | null } }
      ).sottoInterop.session?.sendText('good morning'),
    );
    const typedAnswered = await waitFor(
      page,
      "d.transcripts.some((t) => t.role === 'assistant' && t.text.includes('good morning'))",
      20_000,
    );
    await waitFor(page, "d.states.at(-1) === 'listening'", 15_000);
    const agentCpu = cpu0 ? groupCpu(stack.agent.pid, cpu0) : null;
    const r = await read(page);

    // The last text per transcript item (the whole text so far on each update). The user's count once
    // final; an interrupted reply of the agent may end without a final update (its reply ended first).
    const texts = (role: string, finalOnly: boolean): string[] => {
      const byItem = new Map<string, string>();
      for (const t of r.transcripts) if (t.role === role && (t.final || !finalOnly)) byItem.set(t.itemId, t.text);
      return [...byItem.values()];
    };
    const userTranscripts = texts('user', true);
    const agentTranscripts = texts('assistant', false);
    // A reply cut short: an agent transcript that is a strict prefix of the echo of some user transcript.
    const echoes = userTranscripts.map(echoOf);
    const agentRepliesCut = agentTranscripts.filter((a) =>
      echoes.some((e) => e.startsWith(a.trim()) && a.trim().length < e.length),
    ).length;
    // The interrupting sentence is the last spoken one (the typed text is not transcribed as speech).
    const bargeUser = userTranscripts.filter((t) => t.startsWith('I spoke for')).at(-1);
    const bargeAnswered = bargeUser !== undefined && agentTranscripts.includes(echoOf(bargeUser));
    const split = (t: InteropRecord['turns'][number]): TurnSplit | null => {
      const { speechEnd, firstAudioPlayed, endpoint } = t.marks;
      const v2v = t.stages.voice_to_voice;
      if (v2v === undefined || speechEnd === undefined || firstAudioPlayed === undefined) return null;
      // Marks and event times are on the session's AudioContext clock, in seconds.
      const after = (type: string, from: number): number | null =>
        r.agentEvents.find(([e, at]) => e === type && at >= from && at <= firstAudioPlayed + 1)?.[1] ?? null;
      const thinking = after('response.created', speechEnd);
      const speaking = after('output_audio_buffer.started', thinking ?? speechEnd);
      const ms = (a: number | null | undefined, b: number | null | undefined): number | null =>
        a === null || a === undefined || b === null || b === undefined ? null : Math.round((b - a) * 1000);
      return {
        v2v: Math.round(v2v),
        sottoEndpointing: ms(speechEnd, endpoint),
        toAgentThinking: ms(speechEnd, thinking),
        thinkingToSpeaking: ms(thinking, speaking),
        speakingToAudio: ms(speaking, firstAudioPlayed),
      };
    };
    const turnSplits = r.turns
      .slice(0, voiceTurns)
      .map(split)
      .filter((x): x is TurnSplit => x !== null);
    const typedTurnV2vMs = r.turns
      .slice(voiceTurns)
      .flatMap((t) => (t.stages.voice_to_voice === undefined ? [] : [Math.round(t.stages.voice_to_voice)]));
    // The barge-in: the first turn with an onset over the agent's reply.
    const barge = r.turns.find((t) => t.marks.bargeInOnset !== undefined);
    const onset = barge?.marks.bargeInOnset;
    const agentStop =
      onset === undefined ? undefined : r.agentEvents.find(([e, at]) => e === 'response.done' && at >= onset)?.[1];
    const bargeLocalSilenceMs =
      barge?.stages.barge_in_silence === undefined ? null : Math.round(barge.stages.barge_in_silence);
    const bargeAgentStopMs =
      onset === undefined || agentStop === undefined ? null : Math.round((agentStop - onset) * 1000);
    const responses: Record<string, number> = {};
    for (const x of r.responses) responses[x.status] = (responses[x.status] ?? 0) + 1;
    return {
      peer: opts.peer,
      round: opts.round,
      agentJoinMs: agentJoinMs === null ? null : Math.round(agentJoinMs),
      readyMs: readyMs === null ? null : Math.round(readyMs),
      agentProtocol: r.agentProtocol,
      states: distinct(r.states),
      userTranscripts,
      agentTranscripts,
      interruptions: r.interruptions,
      agentRepliesCut,
      bargeAnswered,
      bargeLocalSilenceMs,
      bargeAgentStopMs,
      bargeInWorked: r.interruptions >= 1 && agentRepliesCut >= 1 && bargeAnswered,
      typedAnswered,
      v2vMs: turnSplits.map((t) => t.v2v),
      turnSplits,
      typedTurnV2vMs,
      responses,
      errors: r.errors,
      pageProblems: problems,
      agentCpu,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await rooms.deleteRoom(room).catch(() => undefined);
  }
}

/**
 * The demo page: connect, speak, press "End my turn", hear the agent. Also the page the e2e tests drive:
 * `window.sottoDemo` exposes the session for them.
 */
import { connect, isSottoError, type VoiceSession } from '../src/index.ts';

interface TokenReply {
  url: string;
  token: string;
  room: string;
}

interface Turn {
  committedAt: number;
  responseId?: string;
  status?: string;
  serverMs?: number;
}

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

const ui = {
  state: $('state'),
  connect: $('connect') as HTMLButtonElement,
  commit: $('commit') as HTMLButtonElement,
  disconnect: $('disconnect') as HTMLButtonElement,
  level: $('agent-level') as HTMLMeterElement,
  stats: $('agent-stats'),
  turns: $('turns'),
  log: $('log'),
};

const demo = {
  /** The SDK entry point, for tests that drive it directly. */
  sdk: { connect },
  session: null as VoiceSession | null,
  turns: [] as Turn[],
  errors: [] as { code: string; message: string }[],
  states: [] as string[],
  reconnects: [] as { phase: string; attempt: number; delayMs: number }[],
};
(window as unknown as { sottoDemo: typeof demo }).sottoDemo = demo;

function log(line: string): void {
  const t = (performance.now() / 1000).toFixed(3);
  ui.log.textContent = `${t}  ${line}\n${ui.log.textContent}`.slice(0, 20_000);
}

function setState(state: string): void {
  ui.state.textContent = state;
  ui.state.dataset.state = state;
}

async function fetchToken(): Promise<TokenReply> {
  const params = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  const room = params.get('room');
  if (room) q.set('room', room);
  const r = await fetch(`/api/token?${q.toString()}`);
  if (!r.ok) throw new Error(`token endpoint answered ${r.status}`);
  return (await r.json()) as TokenReply;
}

function renderTurns(): void {
  ui.turns.replaceChildren(
    ...demo.turns.map((t) => {
      const li = document.createElement('li');
      li.textContent = `${t.status ?? 'waiting'}${t.serverMs === undefined ? '' : ` — server commit→first audio ${t.serverMs.toFixed(1)} ms`}`;
      return li;
    }),
  );
}

async function onConnect(): Promise<void> {
  ui.connect.disabled = true;
  setState('connecting');
  try {
    const { url, token, room } = await fetchToken();
    log(`joining room ${room}`);
    const endpointing = new URLSearchParams(location.search).get('endpointing') === 'manual' ? 'manual' : 'client';
    const session = await connect({ url, token, endpointing, microphone: { autoGainControl: false } });
    demo.session = session;
    session.transport.on('reconnect', (step) => {
      demo.reconnects.push(step);
      log(`reconnect: ${step.phase} attempt ${step.attempt} in ${step.delayMs} ms`);
    });
    session.on('state', (s) => {
      demo.states.push(s);
      setState(s);
      log(`state ${s}`);
      ui.commit.disabled = s !== 'ready';
      if (s === 'closed') {
        ui.connect.disabled = false;
        ui.disconnect.disabled = true;
      }
    });
    session.on('server_event', (e) => {
      log(`← ${e.type}`);
    });
    session.on('speech_start', () => {
      log('speech started');
    });
    session.on('turn_end', (t) => {
      log(`turn end (${t.speechMs.toFixed(0)} ms of speech) → commit + response.create`);
      demo.turns.push({ committedAt: session.audioContext.currentTime });
      renderTurns();
    });
    session.on('response_created', (r) => {
      const turn = demo.turns.at(-1);
      if (turn) turn.responseId = r.id;
    });
    session.on('response_done', (r) => {
      const turn = demo.turns.find((t) => t.responseId === r.id);
      if (turn) {
        turn.status = r.status;
        const ms = r['sotto:timings']?.commit_to_first_audio_ms;
        if (ms !== undefined) turn.serverMs = ms;
      }
      renderTurns();
    });
    session.on('error', (e) => {
      demo.errors.push({ code: e.code, message: e.message });
      log(`error ${e.code}: ${e.message}`);
    });
    setState(session.state);
    ui.disconnect.disabled = false;
  } catch (e) {
    const code = isSottoError(e) ? e.code : 'internal';
    demo.errors.push({ code, message: String(e) });
    log(`connect failed: ${code}: ${String(e)}`);
    setState('error');
    ui.connect.disabled = false;
  }
}

async function onCommit(): Promise<void> {
  if (!demo.session) return;
  demo.turns.push({ committedAt: demo.session.audioContext.currentTime });
  renderTurns();
  log('→ input_audio_buffer.commit + response.create');
  await demo.session.commit();
}

ui.connect.addEventListener('click', () => void onConnect());
ui.commit.addEventListener('click', () => void onCommit());
ui.disconnect.addEventListener('click', () => void demo.session?.close());

setInterval(() => {
  const s = demo.session?.agentAudio();
  if (!s) return;
  ui.level.value = s.peak;
  ui.stats.textContent = `${(s.audibleFrames / 48_000).toFixed(2)} s audible of ${(s.framesSeen / 48_000).toFixed(1)} s`;
}, 200);

/**
 * The demo page: connect, talk (hands-free, push-to-talk or a button), interrupt the agent, and watch the
 * VAD trace, transcripts and per-turn latency waterfall. Also the page the e2e tests drive:
 * `window.sottoDemo` exposes the session and what the page saw.
 *
 * URL parameters (settings for tests and links): `endpointing=client|manual|push-to-talk`, `silenceMs=N`,
 * `eagerness=normal|eager`, `turnDetector=smart-turn|silence`, `bargeIn=0`, `agc=1`, `room=NAME`, `fallback=auto|off|force`,
 * `phrases=a|b|c` (phrases the on-device recogniser is biased toward), `url=ws://…` (another LiveKit server),
 * `endpointing=server` (the server's VAD), `transport=openai-ws|openai-webrtc&realtimeUrl=…` (OpenAI's
 * Realtime protocol to an OpenAI-compatible endpoint instead of LiveKit), and for the latency lab
 * `lab=latency` and `endpointing=peer`.
 *
 * The on-device engine's ASR model is served by the dev server at /models/ (from ../shared/models).
 */
import {
  connect,
  gigaspeech3mAssets,
  isSottoError,
  preload,
  prepareOffline,
  type OfflineModelConfig,
  type ConnectOptions,
  type RealtimeTransportConfig,
  type VoiceSession,
} from '../src/index.ts';
import { ColdStartRecorder } from './lab/cold-start-recorder.ts';
import { EventLog } from './ui/event-log.ts';
import { TranscriptView } from './ui/transcript-view.ts';
import { VadTrace } from './ui/vad-trace.ts';
import { emptyRecord, wire } from './wire.ts';

/** The on-device engine's files (the zipformer from ../shared/models; Flite and onnxruntime bundled). */
const OFFLINE_MODELS: OfflineModelConfig = { asr: gigaspeech3mAssets('/models/kws-zipformer-gigaspeech-3.3M/') };

interface TokenReply {
  url: string;
  token: string;
  room: string;
}

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

const ui = {
  state: $('state'),
  mode: $('mode'),
  connect: $('connect') as HTMLButtonElement,
  talk: $('talk') as HTMLButtonElement,
  commit: $('commit') as HTMLButtonElement,
  mute: $('mute') as HTMLButtonElement,
  disconnect: $('disconnect') as HTMLButtonElement,
  micLevel: $('mic-level') as HTMLMeterElement,
  agentLevel: $('agent-level') as HTMLMeterElement,
  agentStats: $('agent-stats'),
  trace: new VadTrace($('vad-trace') as HTMLCanvasElement),
  transcript: new TranscriptView($('transcript') as HTMLOListElement),
  textForm: $('text-form') as HTMLFormElement,
  text: $('text') as HTMLInputElement,
  send: $('send') as HTMLButtonElement,
  waterfall: $('waterfall'),
  stats: $('stats'),
  log: $('log'),
  set: {
    endpointing: $('set-endpointing') as HTMLSelectElement,
    silence: $('set-silence') as HTMLInputElement,
    silenceOut: $('silence-out'),
    eagerness: $('set-eagerness') as HTMLSelectElement,
    agc: $('set-agc') as HTMLInputElement,
    bargeIn: $('set-bargein') as HTMLInputElement,
    fallback: $('set-fallback') as HTMLSelectElement,
    offline: $('set-offline') as HTMLInputElement,
    prepare: $('prepare-offline') as HTMLButtonElement,
    prepareProgress: $('prepare-progress') as HTMLProgressElement,
    prepareOut: $('prepare-out'),
  },
};

const demo = {
  /** The SDK entry point, for tests that drive it directly. */
  sdk: { connect },
  session: null as VoiceSession | null,
  /** What the page saw of the session (turns, events, errors, …; demo/wire.ts fills it). */
  ...emptyRecord(),
  micPeak: 0,
  /** `?lab=coldstart` (bench/coldstart.ts): ready time, VAD lag per frame, turn stages. */
  /** The event log, newest first (also while its panel is closed and not drawn). */
  logText: (): string => eventLog.text(),
  coldStart: new URLSearchParams(location.search).get('lab') === 'coldstart' ? new ColdStartRecorder() : null,
};
(window as unknown as { sottoDemo: typeof demo }).sottoDemo = demo;

const eventLog = new EventLog(ui.log);

function log(line: string): void {
  eventLog.add(line);
}

function setState(state: string): void {
  ui.state.textContent = state;
  ui.state.dataset.state = state;
}

/** `?endpointing=peer` (latency lab): manual turns ended by @ricky0123/vad-web's MicVAD. */
const peerEndpointing = new URLSearchParams(location.search).get('endpointing') === 'peer';

/** Settings from the URL first (tests, shared links), then the form. */
function settings(): Omit<ConnectOptions, 'url' | 'token'> {
  const q = new URLSearchParams(location.search);
  const endpointing = (peerEndpointing ? 'manual' : (q.get('endpointing') ?? ui.set.endpointing.value)) as NonNullable<
    ConnectOptions['endpointing']
  >;
  const silenceMs = Number(q.get('silenceMs') ?? ui.set.silence.value);
  const eagerness = (q.get('eagerness') ?? ui.set.eagerness.value) as NonNullable<ConnectOptions['eagerness']>;
  const agc = q.has('agc') ? q.get('agc') === '1' : ui.set.agc.checked;
  const bargeIn = q.has('bargeIn') ? q.get('bargeIn') !== '0' : ui.set.bargeIn.checked;
  const fallback = (q.get('fallback') ?? ui.set.fallback.value) as NonNullable<ConnectOptions['fallback']>;
  const phrases = (q.get('phrases') ?? '').split('|').filter((p) => p.trim() !== '');
  const turnDetector = q.get('turnDetector') as ConnectOptions['turnDetector'] | null;
  ui.set.endpointing.value = endpointing;
  ui.set.silence.value = String(silenceMs);
  ui.set.silenceOut.textContent = `${String(silenceMs)} ms`;
  ui.set.eagerness.value = eagerness;
  ui.set.agc.checked = agc;
  ui.set.bargeIn.checked = bargeIn;
  ui.set.fallback.value = fallback;
  return {
    fallback,
    ...(fallback === 'off' ? {} : { offline: { models: OFFLINE_MODELS, phrases } }),
    endpointing,
    eagerness,
    ...(turnDetector ? { turnDetector } : {}),
    microphone: { autoGainControl: agc },
    vad: { endpointer: { silenceMs } },
    bargeIn: { enabled: bargeIn },
  };
}

/** `?transport=openai-ws|openai-webrtc&realtimeUrl=…[&apiKey=…]`: an OpenAI-protocol endpoint, or null. */
function realtimeTransport(): RealtimeTransportConfig | null {
  const q = new URLSearchParams(location.search);
  const kind = q.get('transport');
  const url = q.get('realtimeUrl');
  if ((kind !== 'openai-ws' && kind !== 'openai-webrtc') || !url) return null;
  const apiKey = q.get('apiKey');
  return { kind, url, ...(apiKey ? { apiKey } : {}) };
}

async function fetchToken(): Promise<TokenReply> {
  const q = new URLSearchParams();
  const room = new URLSearchParams(location.search).get('room');
  if (room) q.set('room', room);
  const r = await fetch(`/api/token?${q.toString()}`);
  if (!r.ok) throw new Error(`token endpoint answered ${String(r.status)}`);
  return (await r.json()) as TokenReply;
}

/** Mic level from an analyser on the session's own AudioContext (display only). */
function meterMic(session: VoiceSession, stream: MediaStream): () => number {
  const ctx = session.audioContext;
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  return () => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    return Math.min(1, Math.sqrt(sum / buf.length) * 4);
  };
}

let micLevel: (() => number) | null = null;

async function onConnect(): Promise<void> {
  demo.coldStart?.clicked();
  ui.connect.disabled = true;
  setState('connecting');
  try {
    const opts = settings();
    // `?transport=openai-ws|openai-webrtc&realtimeUrl=…` talks OpenAI's Realtime protocol to that endpoint
    // (Sotto's /v1/realtime) instead of joining a LiveKit room.
    const realtime = realtimeTransport();
    let link: Pick<ConnectOptions, 'url' | 'token' | 'transport'>;
    if (realtime) {
      link = { transport: realtime };
      log(`connecting ${realtime.kind} to ${realtime.url}`);
    } else {
      const reply = await fetchToken();
      // `?url=` points the session at another LiveKit server (tests: a dead port, to start offline).
      link = { url: new URLSearchParams(location.search).get('url') ?? reply.url, token: reply.token };
      log(`joining room ${reply.room}`);
    }
    const mic = await navigator.mediaDevices
      .getUserMedia({
        audio: {
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: opts.microphone?.autoGainControl ?? false,
        },
      })
      .catch(() => null);
    // The latency lab (`?lab=latency`, bench/latency.ts): its probe records the mic on the session's clock
    // from before the connection, so the page makes the AudioContext and hands it to the session.
    const lab = new URLSearchParams(location.search).get('lab') === 'latency' && mic !== null;
    const ctx = lab ? new AudioContext({ latencyHint: 'interactive' }) : null;
    const probe = ctx && mic ? await (await import('./lab/latency-probe.ts')).LatencyProbe.start(ctx, mic) : null;
    (window as unknown as { latencyProbe?: unknown }).latencyProbe = probe;
    // The page opens the mic itself (to meter it) when it can; the SDK's own errors show otherwise.
    const session = await connect({
      ...link,
      ...opts,
      ...(mic ? { mediaStream: mic } : {}),
      ...(ctx ? { audioContext: ctx } : {}),
    });
    demo.session = session;
    demo.coldStart?.watch(session);
    probe?.watch(session, peerEndpointing ? 'peer' : (opts.endpointing ?? 'client'), opts.eagerness === 'eager');
    if (peerEndpointing && mic) {
      // The `peer_vad_web` baseline: @ricky0123/vad-web's MicVAD ends the turns (lab only).
      const { startPeerEndpointing } = await import('./lab/peer-endpointing.ts');
      await startPeerEndpointing(session, mic, () => probe?.endpoint('peer'));
      log('turns ended by @ricky0123/vad-web (MicVAD defaults)');
    }
    if (mic) micLevel = meterMic(session, mic);
    wire(session, opts.endpointing ?? 'client', { record: demo, ui, log, setState });
    setState(session.state);
    ui.disconnect.disabled = false;
    session.on('state', (s) => {
      if (s !== 'closed') return;
      for (const t of mic?.getTracks() ?? []) t.stop();
      preloadVad();
    });
  } catch (e) {
    const code = isSottoError(e) ? e.code : 'internal';
    demo.errors.push({ code, message: String(e) });
    log(`connect failed: ${code}: ${String(e)}`);
    setState('error');
    ui.connect.disabled = false;
  }
}

/**
 * The VAD loads and warms while the page is read (`preload()`), so Connect is `listening` as soon as the
 * agent answers and the VAD analyses the present from its first frame. Again when a setting it depends on
 * changes, and after a session ends.
 */
function preloadVad(): void {
  if (demo.session && demo.session.state !== 'closed') return;
  try {
    demo.coldStart?.preloaded(preload(settings()));
  } catch (e) {
    log(`preload failed: ${String(e)}`);
  }
}
preloadVad();
for (const el of [ui.set.endpointing, ui.set.silence, ui.set.eagerness, ui.set.fallback]) {
  el.addEventListener('change', preloadVad);
}

ui.connect.addEventListener('click', () => void onConnect());
ui.commit.addEventListener('click', () => {
  if (!demo.session) return;
  demo.turns.push({ committedAt: demo.session.audioContext.currentTime });
  log('→ input_audio_buffer.commit + response.create');
  void demo.session.commit();
});
ui.talk.addEventListener('pointerdown', () => void demo.session?.startTurn());
for (const ev of ['pointerup', 'pointerleave'] as const) {
  ui.talk.addEventListener(ev, () => {
    const s = demo.session;
    if (s?.state === 'user-speaking') void s.endTurn();
  });
}
ui.mute.addEventListener('click', () => {
  const s = demo.session;
  if (!s) return;
  const next = !s.muted;
  void (next ? s.mute() : s.unmute());
  ui.mute.setAttribute('aria-pressed', String(next));
  ui.mute.textContent = next ? 'Unmute' : 'Mute';
});
ui.disconnect.addEventListener('click', () => void demo.session?.close());
ui.textForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !demo.session) return;
  ui.text.value = '';
  ui.transcript.note('user', text);
  void demo.session.sendText(text);
});
ui.set.silence.addEventListener('input', () => {
  ui.set.silenceOut.textContent = `${ui.set.silence.value} ms`;
});
ui.set.bargeIn.addEventListener('change', () => {
  demo.session?.setBargeIn(ui.set.bargeIn.checked);
});
ui.set.offline.addEventListener('change', () => {
  demo.session?.setOffline(ui.set.offline.checked);
});
ui.set.prepare.addEventListener('click', () => void onPrepare());

/** Downloads the on-device engine's files into Cache Storage, with progress. */
async function onPrepare(): Promise<void> {
  ui.set.prepare.disabled = true;
  const loaded = new Map<string, { loaded: number; total: number | null }>();
  try {
    const r = await prepareOffline(OFFLINE_MODELS, {
      onProgress: (p) => {
        loaded.set(p.name, { loaded: p.loaded, total: p.total });
        const all = [...loaded.values()];
        const got = all.reduce((n, f) => n + f.loaded, 0);
        const total = all.reduce((n, f) => n + (f.total ?? f.loaded), 0);
        ui.set.prepareProgress.value = total > 0 ? got / total : 0;
        ui.set.prepareOut.textContent = `${p.name}: ${(got / 1e6).toFixed(1)} MB`;
      },
    });
    ui.set.prepareProgress.value = 1;
    ui.set.prepareOut.textContent = `ready offline: ${(r.totalBytes / 1e6).toFixed(1)} MB cached (${(r.downloadedBytes / 1e6).toFixed(1)} MB downloaded)`;
    log(`prepareOffline: ${String(r.files.length)} files, ${(r.totalBytes / 1e6).toFixed(1)} MB`);
  } catch (e) {
    ui.set.prepareOut.textContent = `failed: ${String(e)}`;
    log(`prepareOffline failed: ${String(e)}`);
  } finally {
    ui.set.prepare.disabled = false;
  }
}
settings();

function frame(): void {
  const s = demo.session;
  if (s) {
    ui.trace.draw(s.audioContext.currentTime);
    const level = micLevel?.() ?? 0;
    demo.micPeak = Math.max(demo.micPeak, level);
    ui.micLevel.value = level;
    const a = s.agentAudio();
    if (a) {
      ui.agentLevel.value = s.state === 'agent-speaking' ? a.peak : 0;
      const rate = s.audioContext.sampleRate;
      ui.agentStats.textContent = `${(a.heardFrames / rate).toFixed(1)} s heard`;
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

/**
 * `npm run bench -- transports` (issue 14): one client, three ways to reach the same echo agent, on the
 * same impaired network. The seed of this product claims WebRTC degrades more gracefully than a WebSocket
 * stream; this measures it. Chromium runs in a network namespace behind the impairment relay
 * (scripts/netem/, as `latency-net`), and for each condition the latency lab's 22 spoken turns go through:
 *
 * - `livekit`: the SDK's default, a LiveKit room (Opus over WebRTC with RED; Sotto's agent worker);
 * - `openai_webrtc`: `transport: { kind: 'openai-webrtc' }` to Sotto's `/v1/realtime/calls` (Opus over a
 *   plain peer connection, no RED, no SFU);
 * - `openai_ws`: `transport: { kind: 'openai-ws' }` to Sotto's `/v1/realtime` (PCM16 base64 events over
 *   one TCP connection, played through the SDK's jitter buffer).
 *
 * The relay runs with `tcpLoss`: a TCP chunk hit by the loss rate arrives one retransmission timeout late
 * (max(200 ms, 2 RTT)) and holds up the stream behind it, as TCP recovers a lost segment; UDP loses it.
 * Per transport and condition: v2v p50/p95 (true speech end -> first audible reply sample, the page's
 * clock), turns answered, errors, and how the reply audio suffered: WebRTC's concealment (receiver stats:
 * concealed %, concealment events) or the WebSocket player's underruns (a reply running dry mid-play).
 * Writes bench/results/transports.json. Knobs: SOTTO_TRANSPORTS_CONDITIONS=clean,loss5,
 * SOTTO_TRANSPORTS=livekit,openai_ws, SOTTO_TRANSPORTS_MERGE=1 (keep the previous file's other cells).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../e2e/browser.ts';
import { CONDITIONS, type Condition } from '../scripts/netem/conditions.ts';
import { netemUnavailable, startNetem, type Netem, type ProbeResult } from '../scripts/netem/relay.ts';
import { freeTcpPort } from '../scripts/stack/index.ts';
import { udpPortFree } from '../scripts/stack/ports.ts';
import { startRealtime, type RealtimeHandle } from '../scripts/stack/realtime.ts';
import { loadFixture, runConfig, startLabStack, summarise, type Config, type Fixture, type RawRun } from './latency.ts';
import type { ConfigSummary } from './latency-report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
/** Each run is the fixture (~110 s) plus connection; the relay outlives the whole matrix, bounded. */
const RELAY_MAX_S = 60 * 60;
const DEFAULT_CONDITIONS = ['clean', 'rtt50_jitter20', 'loss5', 'loss5_rtt50_jitter20'];
const TRANSPORTS = ['livekit', 'openai_webrtc', 'openai_ws'] as const;

const list = (env: string | undefined): string[] | null => env?.split(',').filter(Boolean) ?? null;

/** UDP ports the realtime endpoint's calls may use: a call the browser left holds its port until ICE gives up. */
const RTC_PORTS = 16;

/** `count` consecutive free UDP ports (tried from random bases in 40000-59999). */
async function freeUdpRange(count: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 40_000 + Math.floor(Math.random() * (20_000 - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await udpPortFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${String(count)} consecutive free UDP ports found`);
}

/**
 * `SOTTO_TRANSPORTS_MERGE=1`: cells (condition x transport) of the previous results that this run did not
 * measure are kept, each marked with the run it came from, so one transport can be measured again alone.
 */
function mergePrevious(conditions: Record<string, Record<string, unknown>>, file: string): void {
  if (!existsSync(file)) return;
  const prev = JSON.parse(readFileSync(file, 'utf8')) as {
    started?: string;
    results?: { conditions?: Record<string, Record<string, unknown>> };
  };
  for (const [cond, cells] of Object.entries(prev.results?.conditions ?? {})) {
    const here = (conditions[cond] ??= { ...cells, ...Object.fromEntries(TRANSPORTS.map((t) => [t, undefined])) });
    for (const t of TRANSPORTS) {
      const old = cells[t];
      if (old !== undefined && here[t] === undefined) here[t] = { ...(old as object), from_run: prev.started ?? null };
    }
    // This run's cells against the kept LiveKit figure of the same condition.
    const lk = (here.livekit as { v2v_ms_p50?: number | null } | undefined)?.v2v_ms_p50 ?? null;
    for (const t of TRANSPORTS) {
      const cell = here[t] as { v2v_ms_p50?: number | null; v2v_p50_vs_livekit?: number | null } | undefined;
      if (cell && lk && cell.v2v_ms_p50) cell.v2v_p50_vs_livekit = round(cell.v2v_ms_p50 / lk, 3);
    }
  }
}

interface Row {
  condition: string;
  transport: string;
  summary: ConfigSummary;
  underruns: number | null;
}

function configs(realtime: RealtimeHandle): Config[] {
  return [
    { name: 'livekit', what: 'LiveKit room (WebRTC via the SFU, RED)', params: { endpointing: 'client' } },
    {
      name: 'openai_webrtc',
      what: "OpenAI-WebRTC transport to Sotto's /v1/realtime/calls (plain peer connection)",
      params: { endpointing: 'client', transport: 'openai-webrtc', realtimeUrl: realtime.callsUrl },
    },
    {
      name: 'openai_ws',
      what: "WebSocket transport to Sotto's /v1/realtime (PCM16 events over TCP, the SDK's jitter buffer)",
      params: { endpointing: 'client', transport: 'openai-ws', realtimeUrl: realtime.url },
    },
  ];
}

async function runOne(netem: Netem, demoUrl: string, fx: Fixture, c: Config, cond: Condition, n: number): Promise<Row> {
  await netem.stats(true);
  const wav = join(root, '.fixtures', 'latency.wav');
  const browser = await launchChromium({ wav, netns: netem });
  let raw: RawRun;
  try {
    raw = await runConfig(browser, demoUrl, fx, c, n);
  } catch (e) {
    // A run the page did not survive counts as a run with no answered turn, and the matrix goes on.
    console.log(`${cond.name} ${c.name}: the run failed: ${String(e).slice(0, 300)}`);
    const error = { code: 'run_failed', message: String(e).slice(0, 2000) };
    raw = { turns: [], stages: {}, errors: [error], replies: 0, events: [], sessionTurns: [], receiver: null };
  } finally {
    await browser.close();
  }
  const summary = summarise(c, cond.name, raw);
  const r = summary.receiver;
  const underruns = raw.playback?.underruns ?? null;
  console.log(
    `${cond.name} ${c.name}: v2v p50 ${String(summary.v2v_ms_p50)} / p95 ${String(summary.v2v_ms_p95)} ms, ${String(summary.turns)}/${String(summary.utterances)} answered, ${String(summary.errors.length)} errors; ${r ? `WebRTC concealed ${String(r.audible_concealed_pct)} % audible, ${String(r.concealmentEvents)} concealment events, lost ${String(r.lost_pct)} %` : `player underruns ${String(underruns)}`}`,
  );
  return { condition: cond.name, transport: c.name, summary, underruns };
}

function figures(row: Row): Record<string, unknown> {
  const s = row.summary;
  const r = s.receiver ?? null;
  return {
    v2v_ms_p50: s.v2v_ms_p50,
    v2v_ms_p95: s.v2v_ms_p95,
    answered_pct: s.utterances > 0 ? round((100 * s.turns) / s.utterances) : 0,
    turns: s.turns,
    utterances: s.utterances,
    errors: s.errors.length,
    error_codes: [...new Set(s.errors.map((e) => e.code))],
    // WebRTC transports: the receiver's concealment; the WebSocket transport: its player's underruns.
    audible_concealed_pct: r?.audible_concealed_pct ?? null,
    concealment_events: r?.concealmentEvents ?? null,
    lost_pct: r?.lost_pct ?? null,
    jitter_buffer_ms: r?.jitter_buffer_ms ?? null,
    player_underruns: row.underruns,
  };
}

/** Per condition and transport, and each transport's p50 against LiveKit's in the same condition. */
function table(rows: Row[], conds: Condition[], probes: Map<string, ProbeResult>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const cond of conds) {
    const byTransport: Record<string, unknown> = {};
    const lk = rows.find((r) => r.condition === cond.name && r.transport === 'livekit')?.summary.v2v_ms_p50 ?? null;
    const clean = (t: string): number | null =>
      rows.find((r) => r.condition === 'clean' && r.transport === t)?.summary.v2v_ms_p50 ?? null;
    for (const row of rows.filter((r) => r.condition === cond.name)) {
      const p50 = row.summary.v2v_ms_p50;
      const c = clean(row.transport);
      byTransport[row.transport] = {
        ...figures(row),
        v2v_p50_vs_livekit: p50 !== null && lk ? round(p50 / lk, 3) : null,
        v2v_p50_vs_own_clean: p50 !== null && c ? round(p50 / c, 3) : null,
      };
    }
    out[cond.name] = {
      what: cond.what,
      up: cond.up,
      down: cond.down,
      probe: probes.get(cond.name) ?? null,
      ...byTransport,
    };
  }
  return out;
}

export async function runTransportsBench(): Promise<Record<string, unknown>> {
  const why = netemUnavailable();
  if (why) {
    console.log(`transports: SKIPPED: ${why}`);
    return { skipped: `not run: ${why}` };
  }
  const t0 = performance.now();
  const loadBefore = loadavg().map((x) => round(x, 2));
  const fx = loadFixture();
  const wantConds = list(process.env.SOTTO_TRANSPORTS_CONDITIONS) ?? DEFAULT_CONDITIONS;
  const conds = CONDITIONS.filter((c) => wantConds.includes(c.name));
  const wantTransports = list(process.env.SOTTO_TRANSPORTS) ?? [...TRANSPORTS];
  const stack = await startLabStack('bench-transports');
  const rows: Row[] = [];
  const probes = new Map<string, ProbeResult>();
  let netem: Netem | null = null;
  let realtime: RealtimeHandle | null = null;
  try {
    // The OpenAI-compatible endpoint, its WebRTC media on one known UDP port the relay carries.
    const rtcBase = await freeUdpRange(RTC_PORTS);
    const rtcPorts = Array.from({ length: RTC_PORTS }, (_, i) => rtcBase + i);
    realtime = await startRealtime({
      root,
      runDir: join(root, 'test-results', `bench-transports-${String(process.pid)}`),
      port: await freeTcpPort(),
      env: { SOTTO_REALTIME_RTC_PORTS: `${String(rtcBase)}-${String(rtcBase + RTC_PORTS - 1)}` },
    });
    const realtimePort = Number(new URL(realtime.callsUrl).port);
    netem = await startNetem({
      tcpPorts: [stack.demo.port, stack.livekitPort, realtimePort],
      udpPorts: [stack.rtcPort, ...rtcPorts],
      maxSeconds: RELAY_MAX_S,
      seed: 1,
      tcpLoss: true,
    });
    const all = configs(realtime).filter((c) => wantTransports.includes(c.name));
    let n = 0;
    for (const cond of conds) {
      await netem.set(cond);
      const probe = await netem.probe({ count: 600, intervalMs: 5 });
      probes.set(cond.name, probe);
      console.log(
        `${cond.name}: probe RTT p50 ${String(probe.rtt_ms.p50)} / p95 ${String(probe.rtt_ms.p95)} ms, loss ${String(round(probe.loss * 100))} % (${String(probe.sent)} sent)`,
      );
      for (const c of all) rows.push(await runOne(netem, stack.demo.url, fx, c, cond, n++));
    }
  } finally {
    await netem?.stop();
    await realtime?.stop();
    await stack.stop();
  }
  const conditions = table(rows, conds, probes) as Record<string, Record<string, unknown>>;
  if (process.env.SOTTO_TRANSPORTS_MERGE === '1') {
    mergePrevious(conditions, join(root, 'bench', 'results', 'transports.json'));
  }
  return {
    schema:
      'conditions.<condition>.<transport>: v2v_ms_p50|p95, answered_pct, errors, audible_concealed_pct + concealment_events (WebRTC receiver stats) or player_underruns (WebSocket), v2v_p50_vs_livekit, v2v_p50_vs_own_clean; probe: UDP RTT/loss through the relay',
    note: 'Chromium in a network namespace behind the userspace relay (scripts/netem/); UDP loses packets at the loss rate, TCP delivers a hit chunk one retransmission timeout (max(200 ms, 2 RTT)) late, holding up the stream behind it; one echo agent brain for all three transports; livekit-server, the agent worker, the realtime endpoint, the relay and Chromium share this machine',
    load_before: loadBefore,
    load_after: loadavg().map((x) => round(x, 2)),
    conditions,
    configs: rows.map((r) => r.summary),
    wall_s: round((performance.now() - t0) / 1000),
  };
}

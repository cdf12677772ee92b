/**
 * `npm run bench -- latency-net`: the latency lab (bench/latency.ts) under network conditions. Chromium
 * runs in a network namespace of its own; the impairment relay (scripts/netem/) carries the page, the
 * signalling and the media to the real stack in the root namespace and adds loss, delay and jitter.
 *
 * For each condition (`clean` through the relay, `rtt50_jitter20`, `loss5`, `loss5_rtt50_jitter20`,
 * `loss10`): a UDP probe through the relay (measured RTT and loss), then the lab's 22-turn run for `sotto`
 * (SDK defaults; the `server_vad` baseline under `clean` and `loss5_rtt50_jitter20`), each with the WebRTC receiver stats of the agent's track
 * and how late the relay's timers fired. Writes bench/results/latency-net.json and the `conditions` block
 * of bench/results/latency.json.
 *
 * Knobs (for quick iterations; the full run uses the defaults): SOTTO_LAB_CONFIGS=sotto,
 * SOTTO_LAB_CONDITIONS=clean,loss5, SOTTO_LAB_RED_AB=0 (skips the agent-RED comparison), SOTTO_LAB_DIRECT=0
 * (skips the control run without namespace and relay).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../e2e/browser.ts';
import { CONDITIONS, type Condition } from '../scripts/netem/conditions.ts';
import { netemUnavailable, startNetem, type Netem, type ProbeResult, type RelayStats } from '../scripts/netem/relay.ts';
import {
  CONFIGS,
  loadFixture,
  runConfig,
  startLabStack,
  summarise,
  type Config,
  type Fixture,
  type RawRun,
} from './latency.ts';
import type { ConfigSummary } from './latency-report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

/** Each run is the fixture (~110 s) plus connection; the relay outlives the whole matrix, bounded. */
const RELAY_MAX_S = 75 * 60;

interface Row {
  condition: string;
  /** `sotto`, `server_vad`, or `sotto_red` (the agent publishing with RED, for the comparison). */
  config: string;
  summary: ConfigSummary;
  relay: RelayStats;
}

const list = (env: string | undefined): string[] | null => env?.split(',').filter(Boolean) ?? null;

/** Not a relay condition: Chromium in the root namespace, no relay (the control). */
const NO_RELAY = { n: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null, over_5ms: 0 };
const DIRECT: Condition = { name: 'direct', what: 'no namespace, no relay (the control)', up: {}, down: {} };

async function runOne(
  netem: Netem | null,
  demoUrl: string,
  fx: Fixture,
  c: Config,
  cond: Condition,
  n: number,
): Promise<{ summary: ConfigSummary; relay: RelayStats }> {
  await netem?.stats(true);
  const wav = join(root, '.fixtures', 'latency.wav');
  const browser = await launchChromium(netem ? { wav, netns: netem } : { wav });
  try {
    let raw: RawRun;
    try {
      raw = await runConfig(browser, demoUrl, fx, c, n);
    } catch (e) {
      // A run the page did not survive counts as a run with no answered turn, and the matrix goes on.
      console.log(`${cond.name} ${c.name}: the run failed: ${String(e).slice(0, 300)}`);
      const error = { code: 'run_failed', message: String(e).slice(0, 2000) };
      raw = { turns: [], stages: {}, errors: [error], replies: 0, events: [], sessionTurns: [], receiver: null };
    }
    const summary = summarise(c, cond.name, raw);
    const relay = netem ? await netem.stats(true) : { counts: {}, lateness: NO_RELAY };
    const r = summary.receiver;
    console.log(
      `${cond.name} ${c.name}: v2v p50 ${String(summary.v2v_ms_p50)} / p95 ${String(summary.v2v_ms_p95)} ms, ${String(summary.turns)}/${String(summary.utterances)} answered, ${String(summary.errors.length)} errors; agent track ${String(r?.codec)} lost ${String(r?.lost_pct)} % concealed ${String(r?.concealed_pct)} % (audible ${String(r?.audible_concealed_pct)} %) fec ${String(r?.fecPacketsReceived)} jitter buffer ${String(r?.jitter_buffer_ms)} ms, ICE ${String(r?.remoteCandidate)}; relay late p95 ${String(relay.lateness.p95_ms)} / max ${String(relay.lateness.max_ms)} ms`,
    );
    return { summary, relay };
  } finally {
    await browser.close();
  }
}

/** The per-condition figures of one configuration. */
function figures(row: Row | undefined): Record<string, unknown> | null {
  if (!row) return null;
  const s = row.summary;
  const r = s.receiver ?? null;
  return {
    v2v_ms_p50: s.v2v_ms_p50,
    v2v_ms_p95: s.v2v_ms_p95,
    endpoint_ms_p50: s.endpoint_ms_p50,
    answered_pct: s.utterances > 0 ? round((100 * s.turns) / s.utterances) : 0,
    turns: s.turns,
    utterances: s.utterances,
    concealed_pct: r?.concealed_pct ?? null,
    audible_concealed_pct: r?.audible_concealed_pct ?? null,
    lost_pct: r?.lost_pct ?? null,
    jitter_buffer_ms: r?.jitter_buffer_ms ?? null,
    bargein_silence_ms_p95: s.bargein_silence_ms_p95,
    errors: s.errors.length,
    error_codes: [...new Set(s.errors.map((e) => e.code))],
    receiver: r,
    relay_timer_lateness_ms: row.relay.lateness,
  };
}

function conditionsBlock(rows: Row[], probes: Map<string, ProbeResult>, conds: Condition[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const cond of conds) {
    const get = (config: string): Row | undefined => rows.find((r) => r.condition === cond.name && r.config === config);
    const main = figures(get('sotto'));
    const byConfig: Record<string, unknown> = {};
    for (const config of ['sotto', 'server_vad', 'sotto_red']) {
      const f = figures(get(config));
      if (f) byConfig[config] = f;
    }
    out[cond.name] = {
      what: cond.what,
      up: cond.up,
      down: cond.down,
      probe: probes.get(cond.name) ?? null,
      // The headline keys are Sotto's default configuration; every configuration is under `configs`.
      ...(main ?? { not_run: 'sotto was not run under this condition' }),
      configs: byConfig,
    };
  }
  return out;
}

function targets(rows: Row[]): Record<string, unknown>[] {
  const get = (cond: string, config = 'sotto'): ConfigSummary | undefined =>
    rows.find((r) => r.condition === cond && r.config === config)?.summary;
  const clean = get('clean');
  const bad = get('loss5_rtt50_jitter20');
  const answered = bad && bad.utterances > 0 ? round((100 * bad.turns) / bad.utterances) : null;
  const ratio = bad?.v2v_ms_p50 && clean?.v2v_ms_p50 ? round(bad.v2v_ms_p50 / clean.v2v_ms_p50, 3) : null;
  return [
    { target: 'loss5_rtt50_jitter20: every turn answered (sotto)', value: answered, limit: 100, met: answered === 100 },
    {
      target: 'loss5_rtt50_jitter20 v2v p50 <= 1.5 x clean v2v p50 (sotto, same run)',
      value: ratio,
      limit: 1.5,
      met: ratio !== null && ratio <= 1.5,
    },
  ];
}

/** Puts this run's conditions into bench/results/latency.json (where the tooling reads them). */
function mergeIntoLatencyJson(conditions: Record<string, unknown>): string {
  const file = join(root, 'bench', 'results', 'latency.json');
  if (!existsSync(file)) return 'bench/results/latency.json does not exist yet: run npm run bench -- latency';
  const j = JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown> };
  j.results = { ...(j.results ?? {}), conditions };
  writeFileSync(file, `${JSON.stringify(j, null, 2)}\n`);
  return `wrote conditions into ${file}`;
}

export async function runLatencyNetBench(): Promise<Record<string, unknown>> {
  const why = netemUnavailable();
  if (why) {
    console.log(`latency-net: SKIPPED: ${why}`);
    return { skipped: `not run: ${why}` };
  }
  const t0 = performance.now();
  const started = new Date().toISOString();
  const loadBefore = loadavg().map((x) => round(x, 2));
  const fx = loadFixture();
  const onlyConfigs = list(process.env.SOTTO_LAB_CONFIGS);
  const onlyConds = list(process.env.SOTTO_LAB_CONDITIONS);
  const conds = CONDITIONS.filter((c) => !onlyConds || onlyConds.includes(c.name));
  // Default plan: sotto under every condition; the server_vad baseline under clean and the worst
  // combined condition (a full matrix takes twice as long on a 2-core machine).
  const planned = (cond: string, config: string): boolean =>
    onlyConfigs
      ? onlyConfigs.includes(config)
      : config === 'sotto' || (config === 'server_vad' && ['clean', 'loss5_rtt50_jitter20'].includes(cond));
  const redAb = process.env.SOTTO_LAB_RED_AB !== '0';
  const direct = process.env.SOTTO_LAB_DIRECT !== '0';
  const stack = await startLabStack('bench-latency-net');
  const rows: Row[] = [];
  const probes = new Map<string, ProbeResult>();
  let netem: Netem | null = null;
  let relayFinal: RelayStats | null;
  try {
    netem = await startNetem({
      tcpPorts: [stack.demo.port, stack.livekitPort],
      udpPorts: [stack.rtcPort],
      maxSeconds: RELAY_MAX_S,
      seed: 1,
    });
    let n = 0;
    // The control: Chromium in the root namespace, straight to the servers (what the clean lab measures),
    // in this run, so `clean` shows what the namespace and the relay cost by themselves.
    const sotto = CONFIGS.find((c) => c.name === 'sotto');
    if (direct && sotto) {
      const r = await runOne(null, stack.demo.url, fx, sotto, DIRECT, n++);
      rows.push({ condition: DIRECT.name, config: 'sotto', ...r });
    }
    for (const cond of conds) {
      await netem.set(cond);
      const probe = await netem.probe({ count: 600, intervalMs: 5 });
      probes.set(cond.name, probe);
      console.log(
        `${cond.name}: probe RTT p50 ${String(probe.rtt_ms.p50)} / p95 ${String(probe.rtt_ms.p95)} ms, loss ${String(round(probe.loss * 100))} % (${String(probe.sent)} sent)`,
      );
      for (const c of CONFIGS.filter((x) => planned(cond.name, x.name))) {
        const r = await runOne(netem, stack.demo.url, fx, c, cond, n++);
        rows.push({ condition: cond.name, config: c.name, ...r });
      }
    }
    // The agent's track with RED (the SDK publishes the mic with RED; the agent did not): same conditions.
    const redConds = conds.filter((c) => c.name === 'loss5');
    if (redAb && sotto && redConds.length > 0) {
      await stack.restartAgent({ SOTTO_AGENT_RED: '1' });
      for (const cond of redConds) {
        await netem.set(cond);
        const r = await runOne(netem, stack.demo.url, fx, { ...sotto, name: 'sotto_red' }, cond, n++);
        rows.push({ condition: cond.name, config: 'sotto_red', ...r });
      }
    }
  } finally {
    relayFinal = (await netem?.stop()) ?? null;
    await stack.stop();
  }
  const conditions = {
    run: {
      bench: 'latency-net',
      started,
      load_before: loadBefore,
      load_after: loadavg().map((x) => round(x, 2)),
      note: 'Chromium in a network namespace; the userspace relay (scripts/netem/) adds the impairment; livekit-server, the agent, the relay and Chromium share this 2-core machine (also shared with other jobs)',
    },
    ...conditionsBlock(rows, probes, direct ? [DIRECT, ...conds] : conds),
  };
  const merged = mergeIntoLatencyJson(conditions);
  console.log(merged);
  return {
    schema:
      'conditions.<condition>: probe (UDP RTT/loss through the relay), sotto headline keys v2v_ms_p50|p95, answered_pct, concealed_pct (audible concealment of the agent track, %), lost_pct, jitter_buffer_ms, errors, relay_timer_lateness_ms; configs.<config> the same per configuration; targets[]; see docs/latency-lab.md',
    conditions,
    targets: targets(rows),
    configs: rows.map((r) => r.summary),
    relay_total: relayFinal,
    wall_s: round((performance.now() - t0) / 1000),
  };
}

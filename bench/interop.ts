/**
 * `npm run bench -- interop` (issue 14): Sotto's client, unchanged, against two stock LiveKit Agents voice
 * agents in the same run, with the same fakes (an STT that reports the segment's length, an echo LLM,
 * espeak-ng TTS) and the framework's defaults for turn handling and interruptions:
 *
 * - `node`: `@livekit/agents` 1.9 `voice.AgentSession` + Silero (e2e/support/stock-agent/, STOCK_AGENT_TTS=espeak);
 * - `python`: `livekit-agents` 1.8.9 `AgentSession` + `livekit-plugins-silero` (bench/interop/agent.py, in a
 *   venv made on first use by bench/interop/python-env.ts).
 *
 * Each has a LiveKit server of its own on loopback. Per round, each peer gets one conversation in a fresh
 * Chromium (fake mic): six plain turns, then a sentence whose reply the next sentence talks over, then a
 * typed message on `lk.chat`; the order of the peers alternates between rounds (SOTTO_INTEROP_ROUNDS,
 * default 2). Reported per peer: the protocol Sotto detected, the states it showed, user and agent
 * transcripts received, barge-in (Sotto's local cut, the agent's reply cut short, the interruption
 * answered), voice-to-voice p50/p95 on Sotto's clock, readiness, the job's CPU, errors; and python / node
 * ratios. Every process started here is stopped on every exit path, and the run is bounded (15 min).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeWav, type Piece } from '../e2e/support/compose-wav.ts';
import {
  nodeStockWorker,
  startStockStack,
  type StockStack,
  type StockWorker,
} from '../e2e/support/stock-agent/stack.ts';
import { startDemo } from '../scripts/stack/demo.ts';
import { freeTcpPort } from '../scripts/stack/index.ts';
import { runPeer, type PeerRun, type Script } from './interop/drive.ts';
import { ensurePythonAgentsEnv, LIVEKIT_AGENTS_PY_VERSION } from './interop/python-env.ts';
import { compare, summarise, table, type PeerSummary } from './interop/summary.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEADLINE_MS = 15 * 60_000;

/**
 * The fake mic's script (48 kHz fixtures of `npm run setup`): 6 s of silence, six sentences of .fixtures/multiturn.wav
 * 7 s apart (a reply is ~1 s of endpointing and ~2.5 s of espeak), then from .fixtures/barge.wav "Please
 * tell me a story about the sea." and, 2.5 s after it (over the reply to it), "Wait. Stop. I have another
 * question for you." (3.95 s), then 8 s for the last reply.
 */
function buildScript(dir: string): Script {
  const multiturn = join(root, '.fixtures', 'multiturn.wav');
  const barge = join(root, '.fixtures', 'barge.wav');
  const turns: [number, number][] = [
    [0.9, 2.45],
    [7.7, 9.7],
    [14.95, 17.45],
    [22.7, 25.05],
    [30.3, 32.25],
    [37.5, 39.95],
  ];
  // 6 s before the first sentence: Sotto's client takes an agent that announces no Realtime session for a
  // LiveKit Agents one after 2.5 s (detectMs); what is said before that is not transcribed on the page.
  const pieces: Piece[] = [{ silence: 6 }];
  for (const [from, to] of turns) pieces.push({ from, to, file: multiturn }, { silence: 7 });
  pieces.push({ from: 8.15, to: 10.85, file: barge }, { silence: 2.5 }, { from: 12.35, to: 16.3, file: barge });
  pieces.push({ silence: 8 });
  const wav = join(dir, 'interop-script.wav');
  composeWav(multiturn, pieces, wav);
  const seconds = pieces.reduce((s, p) => s + ('silence' in p ? p.silence : p.to - p.from), 0);
  return { wav, seconds, plainTurns: turns.length };
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took over ${String(ms / 1000)} s`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => {
    clearTimeout(timer);
  });
}

export async function runInteropBench(): Promise<Record<string, unknown>> {
  const runDir = join(root, 'test-results', `bench-interop-${String(process.pid)}`);
  mkdirSync(runDir, { recursive: true });
  const say = (s: string): void => {
    console.log(`[interop] ${s}`);
  };
  const py = await ensurePythonAgentsEnv(root, say);
  say(`python venv ${py.venv} (${py.pythonVersion}, ${py.resolved}; Silero ONNX from the wheel: ${py.sileroOnnx})`);
  const script = buildScript(runDir);
  const rounds = Number(process.env.SOTTO_INTEROP_ROUNDS ?? 2);

  const peers: Record<string, StockWorker> = {
    node: nodeStockWorker(root, { STOCK_AGENT_TTS: 'espeak' }),
    // The same Node agent opted in to Sotto's turn ends (acceptSottoTurns, turnDetection 'manual').
    node_sotto_turns: nodeStockWorker(root, { STOCK_AGENT_TTS: 'espeak', STOCK_AGENT_SOTTO_TURNS: '1' }),
    python: {
      name: 'stock-agent-py',
      command: py.python,
      args: [join(root, 'bench', 'interop', 'agent.py'), 'start'],
      env: { PYTHONUNBUFFERED: '1', PYTHONNOUSERSITE: '1' },
      registeredLog: 'registered worker',
    },
  };
  const stacks = new Map<string, StockStack>();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  // Ctrl-C or a kill of the bench: the stacks' process groups go too.
  const onSignal = (): void => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runs: PeerRun[] = [];
  const t0 = performance.now();
  try {
    await withDeadline(
      (async () => {
        for (const [peer, worker] of Object.entries(peers)) {
          const s0 = performance.now();
          const stack = await startStockStack(root, `bench-interop-${peer}`, worker);
          stops.push(() => stack.stop());
          stacks.set(peer, stack);
          say(`${peer} agent registered in ${((performance.now() - s0) / 1000).toFixed(1)} s (${stack.runDir})`);
        }
        const first = stacks.values().next().value;
        if (!first) throw new Error('no stack');
        const demo = await startDemo({
          root,
          port: await freeTcpPort(),
          livekitUrl: first.livekit.url,
          apiKey: first.livekit.apiKey,
          apiSecret: first.livekit.apiSecret,
          watch: false,
        });
        stops.push(() => demo.stop());
        const names = Object.keys(peers);
        for (let round = 1; round <= rounds; round++) {
          // Alternate the order so neither peer always runs first (page cache, machine drift).
          const order = round % 2 === 1 ? names : [...names].reverse();
          for (const peer of order) {
            const stack = stacks.get(peer);
            if (!stack) continue;
            say(`round ${String(round)}: ${peer} (${script.seconds.toFixed(0)} s script)`);
            const r = await runPeer({ peer, round, stack, demoUrl: demo.url, script });
            runs.push(r);
            say(
              `  ${peer}: ${r.agentProtocol ?? 'no protocol'}; states ${r.states.join(' > ')}; ` +
                `${String(r.userTranscripts.length)} user / ${String(r.agentTranscripts.length)} agent transcripts; ` +
                `barge-in ${r.bargeInWorked ? 'ok' : 'NOT ok'} (${String(r.interruptions)} local, ${String(r.agentRepliesCut)} cut); ` +
                `v2v ${r.v2vMs.join(', ')} ms; errors ${String(r.errors.length)}`,
            );
          }
        }
      })(),
      DEADLINE_MS,
      'the interop bench',
    );
  } finally {
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const turnsSpoken = script.plainTurns + 2;
  const summaries = Object.keys(peers).map((p) =>
    summarise(
      p,
      runs.filter((r) => r.peer === p),
      turnsSpoken,
    ),
  );
  const peerSummary = (name: string): PeerSummary | undefined => summaries.find((x) => x.peer === name);
  const node = peerSummary('node');
  const python = peerSummary('python');
  const optedIn = peerSummary('node_sotto_turns');
  console.log(`\n${table(summaries)}\n`);
  const ratios = node && python ? compare(node, python) : null;
  if (ratios) console.log(`python / node: ${JSON.stringify(ratios)}`);
  const turnRatios = node && optedIn ? compare(node, optedIn) : null;
  if (turnRatios) console.log(`node with Sotto's turn ends / node: ${JSON.stringify(turnRatios)}`);
  return {
    what:
      "Sotto's client (demo/interop/, connect() defaults, silenceMs 500, fallback off) in Chromium with a fake mic against " +
      'stock LiveKit Agents voice agents with the same fakes (STT: "I spoke for N.N seconds", not a recogniser; ' +
      'echo LLM; espeak-ng TTS) and Silero VAD, each on its own loopback LiveKit server, rounds alternating the order. ' +
      "Turn handling is each framework's default: both then use LiveKit's audio end-of-turn model locally " +
      '(turn-detector v1-mini, inside livekit-local-inference / @livekit/local-inference; endpointing min 0.5 s, max 3 s). ' +
      "node_sotto_turns is the Node agent opted in to Sotto's turn ends (acceptSottoTurns from @sotto/agent/livekit-agents, " +
      "turnDetection 'manual'): its turns end when Sotto's endpointer calls sotto.end_of_turn.",
    peers: {
      node: '@livekit/agents 1.9.0 voice.AgentSession + @livekit/agents-plugin-silero (e2e/support/stock-agent/)',
      node_sotto_turns:
        "the same, with turnHandling.turnDetection 'manual' + acceptSottoTurns (STOCK_AGENT_SOTTO_TURNS=1)",
      python: `livekit-agents ${LIVEKIT_AGENTS_PY_VERSION} AgentSession + livekit-plugins-silero ${LIVEKIT_AGENTS_PY_VERSION} (bench/interop/agent.py), ${py.pythonVersion}, venv resolved from the ${py.resolved}`,
    },
    script: {
      seconds: Math.round(script.seconds * 10) / 10,
      turns: turnsSpoken,
      barge: 'the 8th sentence starts 2.5 s after the 7th ends, over the reply to it',
      typed: "'good morning' on lk.chat after the script",
    },
    rounds,
    python_venv_setup_s: py.setupSeconds,
    summary: summaries,
    ratios_python_over_node: ratios,
    ratios_sotto_turns_over_node: turnRatios,
    runs,
    seconds_measured: Math.round((performance.now() - t0) / 100) / 10,
  };
}

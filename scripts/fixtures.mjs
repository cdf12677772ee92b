// Test fixtures: WAV files synthesised with espeak-ng and assembled with sox. Node built-ins only.
//
// Each fixture is a list of segments (silence or spoken text) rendered at 48 kHz, mono, 16-bit PCM —
// the format Chromium's fake microphone accepts. A sidecar manifest records, for each fixture, where
// every spoken segment sits in the file (sample ranges), which later stages use as ground truth.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_RATE = 48_000;

/** @typedef {{ silence: number } | { say: string, voice?: string, speed?: number }} Segment */

/** @type {Record<string, Segment[]>} */
export const FIXTURES = {
  // One spoken sentence after a second of silence, then a long silence: the skeleton's turn.
  hello: [{ silence: 1.0 }, { say: 'Hello Sotto. What is the weather like today?' }, { silence: 6.0 }],
  // A warm-up turn (a session's first reply can take 3 s while the agent's machine settles), then a turn,
  // then the user talks over its ~1.6 s reply: barge-in. espeak adds ~0.3 s of trailing silence, so the
  // onset comes ~1.9 s after the speech ends: inside the reply for a voice-to-voice latency of 0.5–1.8 s.
  barge: [
    { silence: 1.0 },
    { say: 'Hello there.' },
    { silence: 6.0 },
    { say: 'Please tell me a story about the sea.' },
    { silence: 1.6 },
    { say: 'Wait. Stop. I have another question for you.' },
    { silence: 8.0 },
  ],
  // A warm-up turn, a turn, then a short grunt during its reply (or just before it starts): must not
  // interrupt it.
  cough: [
    { silence: 1.0 },
    { say: 'Hello there.' },
    { silence: 6.0 },
    { say: 'Please tell me a story about the sea.' },
    { silence: 1.6 },
    { say: 'uh', speed: 260 },
    { silence: 8.0 },
  ],
  // Two turns for the on-device fallback: the first is answered remotely, the link dies during the second
  // (the test kills the server at its onset), which the on-device engine answers from the capture ring.
  offline: [
    // A long lead-in: the test starts its own stack, whose agent may take seconds to join on a busy machine.
    { silence: 6.0 },
    { say: 'Hello there, how are you today?' },
    { silence: 5.0 },
    { say: 'What time is it right now? Please tell me the time.' },
    { silence: 14.0 },
  ],
  // Twelve short turns, 5.5 s apart (room for a reply), two voices: multi-turn benchmarks.
  multiturn: [
    { silence: 1.0 },
    ...[
      'What time is it?',
      'Can you hear me clearly?',
      'Please turn on the kitchen lights.',
      'What is the weather like tomorrow?',
      'Thank you very much.',
      'Set a timer for five minutes.',
      'What can you do for me?',
      'Tell me something interesting.',
      'Hello there.',
      'Remind me to buy some milk.',
      'Say that again please.',
      'Good morning to you.',
    ].flatMap((say, i) => [{ say, voice: i % 2 === 0 ? 'en-us' : 'en-gb' }, { silence: 5.5 }]),
  ],
  // The latency lab: 22 short turns with 3.6 s for the reply, except four that the user starts 1.6 s
  // after the previous one, talking over its reply (barge-in). Two voices, two speeds.
  latency: [
    // 4 s before the first turn: the agent joins the room (a job process per room) before the user speaks.
    { silence: 4.0 },
    ...[
      'What time is it?',
      'Turn on the lights.',
      'How is the weather today?',
      'Play some music.',
      'Set an alarm for seven.',
      'Wait, make that eight.',
      'What is on my calendar?',
      'Call my sister.',
      'How far is the station?',
      'Add milk to the list.',
      'No, I meant oat milk.',
      'Tell me a joke.',
      'What is two plus two?',
      'Open the garage door.',
      'Is it going to rain?',
      'Stop, that is enough.',
      'Read my messages.',
      'Send a reply later.',
      'Turn the volume down.',
      'What day is it?',
      'Hold on, one more thing.',
      'Thank you, goodbye.',
    ].flatMap((say, i, all) => {
      const turn = { say, voice: i % 2 === 0 ? 'en-us' : 'en-gb', speed: i % 3 === 0 ? 170 : 150 };
      if (i === all.length - 1) return [turn, { silence: 5.0 }];
      // Sentences 6, 11, 16 and 21 come 1.6 s after the one before: over its reply.
      return [turn, { silence: [4, 9, 14, 19].includes(i) ? 1.6 : 3.6 }];
    }),
  ],
};

function recipeHash(espeakVersion) {
  return createHash('sha256')
    .update(JSON.stringify({ FIXTURES, FIXTURE_RATE, espeakVersion, v: 1 }))
    .digest('hex')
    .slice(0, 16);
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Number of samples in a 16-bit mono WAV written by sox (canonical 44-byte header). */
function wavSamples(path) {
  return (statSync(path).size - 44) / 2;
}

function renderSegment(seg, path) {
  if ('silence' in seg) {
    run('sox', ['-n', '-r', String(FIXTURE_RATE), '-c', '1', '-b', '16', path, 'trim', '0', String(seg.silence)]);
    return;
  }
  const raw = `${path}.raw.wav`;
  run('espeak-ng', ['-v', seg.voice ?? 'en-us', '-s', String(seg.speed ?? 150), '-w', raw, seg.say]);
  run('sox', [raw, '-r', String(FIXTURE_RATE), '-c', '1', '-b', '16', path]);
  rmSync(raw);
}

/**
 * Builds every fixture into `dir` unless the recipe is unchanged. Returns true when it built anything.
 * @param {string} dir
 * @param {{ log: (msg: string) => void }} opts
 */
export function buildFixtures(dir, { log }) {
  const espeakVersion = execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).trim();
  const hash = recipeHash(espeakVersion);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (old.hash === hash && Object.keys(FIXTURES).every((n) => existsSync(join(dir, `${n}.wav`)))) return false;
  }
  log(`generating ${Object.keys(FIXTURES).length} fixture(s) with espeak-ng + sox`);
  const tmp = join(dir, '.partial');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const manifest = { hash, rate: FIXTURE_RATE, fixtures: {} };
  for (const [name, segments] of Object.entries(FIXTURES)) {
    const parts = [];
    const speech = [];
    let at = 0;
    segments.forEach((seg, i) => {
      const p = join(tmp, `${name}.${i}.wav`);
      renderSegment(seg, p);
      const n = wavSamples(p);
      if ('say' in seg) speech.push({ text: seg.say, startSample: at, endSample: at + n });
      at += n;
      parts.push(p);
    });
    const out = join(tmp, `${name}.wav`);
    run('sox', [...parts, out]);
    for (const p of parts) rmSync(p);
    manifest.fixtures[name] = { file: `${name}.wav`, samples: at, speech };
  }
  for (const name of Object.keys(FIXTURES)) renameSync(join(tmp, `${name}.wav`), join(dir, `${name}.wav`));
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  rmSync(tmp, { recursive: true, force: true });
  return true;
}

#!/usr/bin/env node
// `npm test` after setup: typecheck, lint (ESLint + Prettier), unit tests (Vitest), Node integration tests
// against a real livekit-server (Vitest), the cluster test (two nodes on Redis, two workers), the npm package
// (build, publint, attw), e2e (Playwright).
// Every stage runs even when an earlier one failed, so one run shows every problem; the exit code is
// non-zero when any stage failed. The last line is the plain summary "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

const only = process.argv.slice(2);
const stages = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'eslint', cmd: bin('eslint'), args: ['.', '--max-warnings', '0'] },
  { name: 'prettier', cmd: bin('prettier'), args: ['--check', '.', '--log-level', 'warn'] },
  {
    name: 'unit',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile=${join(results, 'unit.json')}`],
    counts: () => countVitest(join(results, 'unit.json')),
  },
  {
    name: 'integration',
    cmd: bin('vitest'),
    args: [
      'run',
      '-c',
      'vitest.integration.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${join(results, 'integration.json')}`,
    ],
    counts: () => countVitest(join(results, 'integration.json')),
  },
  // Two livekit-server nodes on Redis and two agent workers behind one front (server/cluster/).
  {
    name: 'cluster',
    cmd: bin('vitest'),
    args: [
      'run',
      '-c',
      'vitest.cluster.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${join(results, 'cluster.json')}`,
    ],
    counts: () => countVitest(join(results, 'cluster.json')),
  },
  // The npm package: dist/ built, then its packaging linted as published (publint; @arethetypeswrong/cli, .attw.json).
  { name: 'build', cmd: process.execPath, args: ['--import', 'tsx', join(root, 'scripts', 'build', 'build.ts')] },
  { name: 'publint', cmd: bin('publint'), args: ['--strict'] },
  { name: 'attw', cmd: bin('attw'), args: ['--pack', '.'] },
  { name: 'publint-agent', cmd: bin('publint'), args: ['--strict', 'server'] },
  { name: 'attw-agent', cmd: bin('attw'), args: ['--pack', '.'], cwd: join(root, 'server') },
  // The ASR model package (its model files put in by setup): packed and linted likewise.
  { name: 'publint-asr', cmd: bin('publint'), args: ['--strict', 'packages/asr-gigaspeech-3m'] },
  { name: 'attw-asr', cmd: bin('attw'), args: ['--pack', '.'], cwd: join(root, 'packages', 'asr-gigaspeech-3m') },
  { name: 'e2e', cmd: bin('playwright'), args: ['test'], counts: () => countPlaywright(join(results, 'e2e.json')) },
].filter((s) => only.length === 0 || only.includes(s.name));

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function countVitest(path) {
  const r = readJson(path);
  return r ? { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests } : null;
}

function countPlaywright(path) {
  const r = readJson(path);
  if (!r) return null;
  const s = r.stats;
  return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped };
}

const summary = [];
let failedStages = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const t0 = Date.now();
  const r = spawnSync(stage.cmd, stage.args, { cwd: stage.cwd ?? root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0;
  if (!ok) failedStages++;
  const counts = stage.counts?.() ?? null;
  if (counts) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  } else {
    // A check with no test count counts as one test.
    totals[ok ? 'passed' : 'failed'] += 1;
  }
  const detail = counts ? ` (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped)` : '';
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${stage.name.padEnd(13)} ${seconds.padStart(6)} s${detail}`);
}

console.log('\n=== summary ===');
for (const line of summary) console.log(line);
if (failedStages > 0 && totals.failed === 0) totals.failed = failedStages;
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStages > 0 ? 1 : 0);

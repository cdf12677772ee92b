/**
 * The relay's pure core (scripts/netem/netem_core.py: loss and jitter schedule, the datagram delay line,
 * the in-order TCP FIFO, timer lateness) is Python, like the relay; its unit tests are Python's unittest,
 * run here so `npm test` runs them.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });

describe('netem_core.py', () => {
  it.skipIf(python.status !== 0)('passes its unit tests (python3 -m unittest)', () => {
    const r = spawnSync('python3', ['-m', 'unittest', '-v', 'test_netem_core'], { cwd: here, encoding: 'utf8' });
    expect(r.stderr).toMatch(/Ran \d+ tests/);
    if (r.status !== 0) throw new Error(`python unit tests failed:\n${r.stderr}`);
    const ran = Number(/Ran (\d+) tests/.exec(r.stderr)?.[1]);
    expect(ran).toBeGreaterThanOrEqual(14);
  });
});

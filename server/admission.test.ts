import { describe, expect, it } from 'vitest';
import { AdmissionCore, admitWithin } from './admission.ts';

/** Feeds `core` readings of a tree burning `cores` with `jobs` sessions, 2.5 s apart, `n` times. */
function run(core: AdmissionCore, state: { cpu: number; at: number }, cores: number, jobs: number, n = 4): void {
  for (let i = 0; i < n; i++) {
    state.cpu += cores * 2.5;
    state.at += 2500;
    core.sample(state.cpu, state.at, jobs);
  }
}

describe('AdmissionCore', () => {
  it('learns the idle rate and the per-session cost from measured CPU', () => {
    const core = new AdmissionCore({
      cores: 2,
      cpuTarget: 0.7,
      maxJobs: 32,
      sessionCpuPrior: 0.12,
      startCpuSeconds: 0,
    });
    const s = { cpu: 0, at: 0 };
    core.sample(0, 0, 0);
    run(core, s, 0.05, 0);
    expect(core.baseRate).toBeCloseTo(0.05, 2);
    run(core, s, 0.05 + 4 * 0.2, 4, 10); // four sessions at 0.2 cores each
    expect(core.perSession).toBeGreaterThan(0.17);
    expect(core.perSession).toBeLessThan(0.21);
  });

  it('stops admitting before the tree would exceed its CPU budget, not at a job count', () => {
    const core = new AdmissionCore({ cores: 2, cpuTarget: 0.7, maxJobs: 32, sessionCpuPrior: 0.2, startCpuSeconds: 0 });
    const s = { cpu: 0, at: 0 };
    core.sample(0, 0, 0);
    run(core, s, 0.05, 0);
    run(core, s, 0.05 + 5 * 0.2, 5, 10); // 1.05 cores used of a 1.4-core budget
    expect(core.admit(5, 0)).toBe(true); // with one more: 1.25 <= 1.4
    expect(core.admit(5, 1)).toBe(false); // one accepted, not yet running, + this one: 1.45
    expect(core.load(7, 0)).toBeGreaterThan(1);
  });

  it('counts accepted sessions the last reading has not seen (a burst between two reports)', () => {
    const core = new AdmissionCore({ cores: 2, cpuTarget: 0.5, maxJobs: 32, sessionCpuPrior: 0.2, startCpuSeconds: 0 });
    core.sample(0, 0, 0);
    core.sample(0.1, 2500, 0);
    let admitted = 0;
    for (let pending = 0; pending < 20; pending++) if (core.admit(0, pending)) admitted++;
    expect(admitted).toBe(4); // (0.04 + 4 x 0.2 + 0.2) / 1.0 > 1 for the fifth
  });

  it('keeps the job cap whatever the CPU', () => {
    const core = new AdmissionCore({ cores: 64, cpuTarget: 1, maxJobs: 3, sessionCpuPrior: 0.01 });
    expect(core.admit(2, 0)).toBe(true);
    expect(core.admit(3, 0)).toBe(false);
  });

  it('reserves the CPU of starts under way, so a burst is not all admitted before a reading sees it', () => {
    // 2 cores x 0.7 = 1.4; 4 talking sessions at 0.07 + 0.03 idle = 0.31 cores; a start burns 0.6 CPU-s
    // over 2 s (0.3 cores) on top of its 0.07.
    const core = new AdmissionCore({ cores: 2, cpuTarget: 0.7, maxJobs: 32, sessionCpuPrior: 0.07 });
    const s = { cpu: 0, at: 0 };
    core.sample(0, 0, 0);
    run(core, s, 0.03, 0);
    run(core, s, 0.03 + 4 * 0.07, 4, 10);
    let admitted = 0;
    for (let pending = 0; pending < 10; pending++) if (core.admit(4, pending, s.at)) admitted++;
    expect(admitted).toBe(2); // 0.31 + 2 x 0.37 + 0.37 = 1.42 > 1.4 for the third
    // Both ran: still reserved for 2 s, then the readings take over.
    core.started(s.at);
    core.started(s.at);
    expect(core.admit(6, 0, s.at + 1000)).toBe(false);
    expect(core.admit(6, 0, s.at + 2000)).toBe(true);
    // LiveKit is not told "full" for starts that pass in 2 s (it would stop offering rooms).
    expect(core.load(6, 0, s.at + 1000)).toBeLessThan(1);
  });

  it('admits the same burst without a reservation (startCpuSeconds 0), as before it existed', () => {
    const core = new AdmissionCore({
      cores: 2,
      cpuTarget: 0.7,
      maxJobs: 32,
      sessionCpuPrior: 0.07,
      startCpuSeconds: 0,
    });
    const s = { cpu: 0, at: 0 };
    core.sample(0, 0, 0);
    run(core, s, 0.03, 0);
    run(core, s, 0.03 + 4 * 0.07, 4, 10);
    let admitted = 0;
    for (let pending = 0; pending < 20; pending++) if (core.admit(4, pending, s.at)) admitted++;
    expect(admitted).toBe(15); // 0.31 + 15 x 0.07 + 0.07 = 1.43 > 1.4 for the sixteenth
  });
});

describe('admitWithin', () => {
  const clock = (): { now: number; sleep: (ms: number) => Promise<void> } => {
    const c = {
      now: 0,
      sleep: (ms: number): Promise<void> => {
        c.now += ms;
        return Promise.resolve();
      },
    };
    return c;
  };

  it('waits for room to free up, then admits', async () => {
    const c = clock();
    expect(await admitWithin(() => c.now >= 1000, 3000, 200, c.sleep)).toBe(true);
    expect(c.now).toBe(1000);
  });

  it('gives up after maxWaitMs without sleeping past it', async () => {
    const c = clock();
    expect(await admitWithin(() => false, 3000, 200, c.sleep)).toBe(false);
    expect(c.now).toBe(3000);
  });

  it('admits at once without sleeping when there is room', async () => {
    const c = clock();
    expect(await admitWithin(() => true, 0, 200, c.sleep)).toBe(true);
    expect(c.now).toBe(0);
  });
});

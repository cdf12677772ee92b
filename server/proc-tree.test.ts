import { describe, expect, it } from 'vitest';
import { parseStat, sumTree, treeUsage, type ProcStat } from './proc-tree.ts';

// A real /proc/<pid>/stat line (fields 1-24 and more); the command name has a space and a parenthesis.
const LINE =
  '4242 (node (job) x) S 4200 4200 4200 0 -1 4194304 1000 0 0 0 250 50 30 20 20 0 11 0 12345 1000000 5000 18446744073709551615';

describe('parseStat', () => {
  it('reads ppid, CPU (own and reaped children) and RSS past a command name with spaces', () => {
    const s = parseStat(4242, LINE);
    expect(s).toEqual({ pid: 4242, ppid: 4200, cpuSeconds: 3, childrenCpuSeconds: 0.5, rssBytes: 5000 * 4096 });
  });
  it('rejects a truncated line', () => {
    expect(parseStat(1, '1 (x) S 0 1')).toBeNull();
  });
});

describe('sumTree', () => {
  const p = (pid: number, ppid: number, cpu: number, children = 0): ProcStat => ({
    pid,
    ppid,
    cpuSeconds: cpu,
    childrenCpuSeconds: children,
    rssBytes: 1,
  });
  it('sums the root and every descendant, with reaped children, and nothing else', () => {
    const stats = [p(1, 0, 100), p(10, 1, 2, 5), p(11, 10, 1), p(12, 10, 1), p(20, 1, 3), p(30, 99, 50)];
    const u = sumTree(10, stats);
    expect(u?.cpuSeconds).toBe(9);
    expect(u?.pids).toEqual([10, 11, 12]);
    expect(u?.rssBytes).toBe(3);
  });
  it('is null when the root is gone', () => {
    expect(sumTree(5, [p(1, 0, 1)])).toBeNull();
  });
});

describe('treeUsage', () => {
  it('sees this process on Linux', () => {
    const u = treeUsage(process.pid);
    if (process.platform !== 'linux') {
      expect(u).toBeNull();
      return;
    }
    expect(u?.pids[0]).toBe(process.pid);
    expect(u?.rssBytes).toBeGreaterThan(0);
  });
});

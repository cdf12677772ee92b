import { describe, expect, it } from 'vitest';
import { JobWatch, vanishedJobs, type JobView } from './job-watch.ts';

const job = (id: string, room = `r-${id}`): JobView => ({ id, room, identity: `agent-${id}` });

describe('vanishedJobs', () => {
  it('lists the jobs that are no longer running', () => {
    const before = new Map([job('a'), job('b')].map((j) => [j.id, j]));
    expect(vanishedJobs(before, [job('b'), job('c')])).toEqual([job('a')]);
    expect(vanishedJobs(before, [job('a'), job('b')])).toEqual([]);
  });
});

describe('JobWatch', () => {
  it('reports each vanished job once, and nothing after stop()', () => {
    let now: JobView[] = [job('a'), job('b')];
    const gone: string[] = [];
    const w = new JobWatch(
      () => now,
      (j) => gone.push(j.id),
    );
    w.check();
    now = [job('b')];
    w.check();
    w.check();
    expect(gone).toEqual(['a']);
    expect([...w.rooms()]).toEqual(['r-b']);
  });
});

/** Reading what the cluster's processes say about themselves in their logs (pure). */

/** The node id a livekit-server logged at start (`starting LiveKit server {"nodeID": "ND_..."}`), or null. */
export function nodeIdFromLog(text: string): string | null {
  const m = /starting LiveKit server.*"nodeID":\s*"(ND_[A-Za-z0-9]+)"/.exec(text);
  return m?.[1] ?? null;
}

/** A Realtime session an agent job started, as the worker logged it. */
export interface LoggedSession {
  room: string;
  session: string;
  jobId: string;
  pid: number;
}

/** Every `realtime session started` line of a worker's log (JSON lines; other lines are skipped). */
export function sessionsInLog(text: string): LoggedSession[] {
  const out: LoggedSession[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('realtime session started')) continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o.room === 'string' && typeof o.session === 'string') {
        out.push({
          room: o.room,
          session: o.session,
          jobId: typeof o.jobID === 'string' ? o.jobID : '',
          pid: typeof o.pid === 'number' ? o.pid : 0,
        });
      }
    } catch {
      /* not a JSON line */
    }
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { nodeIdFromLog, sessionsInLog } from './cluster-logs.ts';

describe('cluster logs', () => {
  it("reads a node's id from livekit-server's start line", () => {
    const log =
      '2026-12-07T04:55:53.700Z\tINFO\tlivekit\tconfig\t{"nodeID": "ND_ignored"}\n' +
      '2026-12-07T04:55:53.759Z\tINFO\tlivekit\tservice/server.go:292\tstarting LiveKit server\t' +
      '{"portHttp": 39405, "nodeID": "ND_zRH8pZMqrD4w", "nodeIP": "127.0.0.1", "version": "1.13.5"}\n';
    expect(nodeIdFromLog(log)).toBe('ND_zRH8pZMqrD4w');
    expect(nodeIdFromLog('INFO starting in development mode\n')).toBeNull();
  });

  it("lists the sessions a worker's jobs started, skipping other lines", () => {
    const log = [
      '[agent] worker full: not taking rooms {}',
      '{"level":30,"pid":18318,"jobID":"AJ_8QT","room":"r-1","session":"sess_c1","brain":"echo","msg":"realtime session started"}',
      '{"level":30,"pid":18318,"room":"r-1","msg":"session user"}',
      'garbage realtime session started',
      '{"level":30,"pid":18400,"jobID":"AJ_9","room":"r-2","session":"sess_c2","msg":"realtime session started"}',
    ].join('\n');
    expect(sessionsInLog(log)).toEqual([
      { room: 'r-1', session: 'sess_c1', jobId: 'AJ_8QT', pid: 18318 },
      { room: 'r-2', session: 'sess_c2', jobId: 'AJ_9', pid: 18400 },
    ]);
  });
});

/** Where reply audio goes: the agent's track in production, a recorder in tests. */
export interface AudioSink {
  readonly sampleRate: number;
  /** Queues one chunk of mono 16-bit PCM; resolves when the sink has room for more. */
  write(pcm: Int16Array): Promise<void>;
  /** Resolves when everything queued has played out (or the queue was cleared). */
  drain(): Promise<void>;
  /** Drops everything queued, now (output stops within one frame). Returns the ms of audio dropped. */
  clear(): number;
}

/**
 * Clean shutdown of a server process: on the first SIGINT or SIGTERM, `before` runs, the reason is logged,
 * `close()` is awaited and the process exits 0 (1 when `close()` fails or takes longer than `graceMs`).
 * Later signals are ignored while it closes.
 */
export function exitOnSignal(
  close: () => Promise<unknown>,
  log: (msg: string) => void,
  options: { before?: () => void; graceMs?: number } = {},
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.before?.();
    log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), options.graceMs ?? 5_000).unref();
    close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
}

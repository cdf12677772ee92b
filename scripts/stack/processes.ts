/**
 * Child processes of the dev stack. Each runs in its own process group so `stop()` reaches every
 * descendant (the agent forks job processes); stop sends SIGTERM, then SIGKILL after a grace period.
 * A pid file per child lets the next run reap what a crashed run left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal) when the process has exited. */
  readonly exited: Promise<string>;
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal to the whole process group at once (a crash, for fault tests) and waits for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Folder for `<name>.log` and `<name>.pid`. */
  runDir: string;
  /** Echo the child's output to this process's stderr with a `[name]` prefix. */
  echo?: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process group left behind by an earlier run that died without cleaning up. */
export function reapStale(runDir: string, name: string): void {
  const pidFile = join(runDir, `${name}.pid`);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export function startChild(opts: StartOptions): ChildHandle {
  mkdirSync(opts.runDir, { recursive: true });
  reapStale(opts.runDir, opts.name);
  const log = createWriteStream(join(opts.runDir, `${opts.name}.log`));
  const child: ChildProcess = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.name} (${opts.command})`);
  const pidFile = join(opts.runDir, `${opts.name}.pid`);
  writeFileSync(pidFile, String(pid));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (opts.echo) {
        for (const line of chunk.toString().split('\n')) if (line) process.stderr.write(`[${opts.name}] ${line}\n`);
      }
    });
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      rmSync(pidFile, { force: true });
      log.end();
      resolve(signal ?? String(code));
    });
    child.once('error', (e) => {
      resolve(`error: ${e.message}`);
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const killGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* gone */
    }
  };
  return {
    name: opts.name,
    pid,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      killGroup(signal);
      await exited;
    },
    async stop(graceMs = 5_000) {
      if (!done) {
        killGroup('SIGTERM');
        const timer = new Promise<'timeout'>((r) => {
          setTimeout(() => {
            r('timeout');
          }, graceMs).unref();
        });
        if ((await Promise.race([exited, timer])) === 'timeout') killGroup('SIGKILL');
        await exited;
      }
      // Job processes may outlive their parent: sweep the group once more.
      killGroup('SIGKILL');
    },
  };
}

/** The last `lines` lines of a child's log, for error messages. */
export function tailLog(runDir: string, name: string, lines = 20): string {
  const p = join(runDir, `${name}.log`);
  if (!existsSync(p)) return '';
  return readFileSync(p, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

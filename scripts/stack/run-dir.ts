/**
 * Where the dev stack keeps its logs, pid files and the LiveKit config: a private folder (mode 0700)
 * outside the repository, so no dev server that serves the repository (Vite's `/@fs/`) can ever hand
 * them out. `$XDG_RUNTIME_DIR/sotto-run-<hash of the repo path>/<name>` when the runtime dir exists, else
 * `<os.tmpdir()>/sotto-run-<uid>-<hash>/<name>`; the hash keeps two clones apart.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { StackError } from './ports.ts';

/** The private base folder of this clone's run directories. */
export function runBase(root: string): string {
  const hash = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 10);
  const xdg = process.env.XDG_RUNTIME_DIR;
  if (xdg && isAbsolute(xdg) && existsSync(xdg)) return join(xdg, `sotto-run-${hash}`);
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : 'u';
  return join(tmpdir(), `sotto-run-${uid}-${hash}`);
}

/** True when `path` is `dir` or inside it (both resolved, symlinks followed where they exist). */
export function isInside(path: string, dir: string): boolean {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : resolve(p));
  const rel = relative(real(dir), real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Creates (mode 0700) and returns the run directory `name` of this clone. With `explicit` (e.g.
 * SOTTO_RUN_DIR), uses that instead, but refuses a folder inside the repository: the demo server
 * serves the repository, and the folder holds logs and pid files.
 */
export function privateRunDir(root: string, name: string, explicit?: string): string {
  const dir = explicit ? resolve(explicit) : join(runBase(root), name);
  if (isInside(dir, root)) {
    throw new StackError(
      `the run directory ${dir} is inside the repository, which the demo server serves; choose one outside it ` +
        `(unset SOTTO_RUN_DIR for the default, ${join(runBase(root), name)})`,
    );
  }
  if (!explicit) {
    mkdirSync(runBase(root), { recursive: true, mode: 0o700 });
    chmodSync(runBase(root), 0o700);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

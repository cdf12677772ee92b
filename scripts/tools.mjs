// Where the external tools live. Node built-ins only (used by setup before node_modules exists).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The livekit-server version we build when none is on PATH. */
export const LIVEKIT_VERSION = '1.13.5';

/** Debian's Chromium; override with SOTTO_CHROMIUM. */
export const CHROMIUM_PATH = process.env.SOTTO_CHROMIUM ?? '/usr/bin/chromium';

/** Absolute path of an executable on PATH, or null. */
export function whichSync(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Folder for tools setup builds (git-ignored); SOTTO_TOOLS_DIR overrides it. */
export function toolsDir(root) {
  return process.env.SOTTO_TOOLS_DIR ?? join(root, '.tools');
}

/**
 * The livekit-server to run: SOTTO_LIVEKIT_BIN, else one on PATH, else the one setup built into .tools/.
 * Returns null when none is usable.
 */
export function livekitBinaryPath(root) {
  const candidates = [
    process.env.SOTTO_LIVEKIT_BIN,
    whichSync('livekit-server'),
    join(toolsDir(root), `livekit-server-${LIVEKIT_VERSION}`, 'bin', 'livekit-server'),
  ];
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return c;
    } catch {
      /* broken binary: try the next */
    }
  }
  return null;
}

#!/usr/bin/env node
// Puts the model's four files into this package folder (they are not in git) and checks each against
// checksums.json. Node built-ins only: scripts/setup.mjs runs it before node_modules exists; `npm pack` runs
// it too (prepack). Nothing is downloaded.
//
// Source, the first that is set: env SOTTO_ASR_SOURCE (a folder with the four files), else
// ../shared/models/kws-zipformer-gigaspeech-3.3M beside the repository. Files already here with the right
// sha256 are kept; a file is copied under a temporary name, checked, then renamed, so a wrong copy never
// stands under its real name.
//
// `node build.mjs [--quiet]`: exit code 0 when the four files are here and right; 1 with a message naming
// the file that is missing or wrong.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Why the files could not be put in place; `message` names the file and says how to fix it. */
export class AsrPackageError extends Error {
  name = 'AsrPackageError';
}

/** checksums.json: file name -> { bytes, sha256 }. */
export function asrChecksums() {
  return JSON.parse(readFileSync(join(here, 'checksums.json'), 'utf8'));
}

/** The folder the files are copied from: SOTTO_ASR_SOURCE, else ../shared/models/kws-zipformer-gigaspeech-3.3M. */
export function asrSource(env = process.env) {
  const dir = env.SOTTO_ASR_SOURCE;
  if (dir) return isAbsolute(dir) ? dir : resolve(root, dir);
  return resolve(root, '..', 'shared', 'models', 'kws-zipformer-gigaspeech-3.3M');
}

function sha256Of(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** True when every file of checksums.json is in `dir` with its sha256. */
export function asrPackageReady(dir = here) {
  return Object.entries(asrChecksums()).every(
    ([name, want]) => existsSync(join(dir, name)) && sha256Of(join(dir, name)) === want.sha256,
  );
}

/**
 * Copies the files that are missing or wrong in `dest` from `source` and checks them. Returns true when it
 * copied something, false when all were already right. Throws AsrPackageError naming the file otherwise.
 */
export function buildAsrPackage({ source = asrSource(), dest = here, log = () => {} } = {}) {
  let copied = 0;
  for (const [name, want] of Object.entries(asrChecksums())) {
    const target = join(dest, name);
    if (existsSync(target) && sha256Of(target) === want.sha256) continue;
    const from = join(source, name);
    if (!existsSync(from)) {
      throw new AsrPackageError(
        `${name} is not in ${source}. Set SOTTO_ASR_SOURCE to a folder with encoder.int8.fixed.onnx, ` +
          `decoder.onnx, joiner.int8.onnx and tokens.txt (see packages/asr-gigaspeech-3m/README.md).`,
      );
    }
    const partial = `${target}.partial`;
    copyFileSync(from, partial);
    chmodSync(partial, 0o644); // the source may be read-only; a later run must be able to replace the copy
    const got = sha256Of(partial);
    if (got !== want.sha256) {
      rmSync(partial, { force: true });
      const hint =
        name === 'encoder.int8.fixed.onnx'
          ? ' The encoder must be the repaired one (NOTICE.md), not the published encoder.int8.onnx.'
          : '';
      throw new AsrPackageError(
        `${from} has sha256 ${got}, checksums.json wants ${want.sha256}: not the file this package pins.${hint}`,
      );
    }
    renameSync(partial, target);
    log(`asr-gigaspeech-3m: ${name} copied from ${source}`);
    copied++;
  }
  return copied > 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quiet = process.argv.includes('--quiet');
  try {
    const did = buildAsrPackage({ log: (m) => quiet || console.log(m) });
    if (!quiet) console.log(`asr-gigaspeech-3m: ${did ? 'files in place' : 'files already in place'}, checksums match`);
  } catch (e) {
    if (!(e instanceof AsrPackageError)) throw e;
    console.error(`asr-gigaspeech-3m: ERROR: ${e.message}`);
    process.exit(1);
  }
}

/**
 * @sotto/asr-gigaspeech-3m as built (scripts/setup.mjs runs build.mjs): its four files match checksums.json,
 * the URLs it exports name those files and fit sotto's offline config, its build refuses a wrong or missing
 * file by name, and `npm pack` would ship the files an app needs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GIGASPEECH_3M_SHA256 as SOTTO_SHA256, resolveAssets, type AsrAssets } from '../../src/offline/config.ts';
import { AsrPackageError, asrChecksums, asrSource, buildAsrPackage } from './build.mjs';
import { GIGASPEECH_3M_SHA256, gigaspeech3m } from './index.js';

const here = import.meta.dirname;
const root = join(here, '..', '..');
const checksums = asrChecksums();
const FILES = ['encoder.int8.fixed.onnx', 'decoder.onnx', 'joiner.int8.onnx', 'tokens.txt'];

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('@sotto/asr-gigaspeech-3m', () => {
  it('pins the four files, with the checksums sotto and index.js carry', () => {
    expect(Object.keys(checksums).sort()).toEqual([...FILES].sort());
    const byRole = {
      encoder: checksums['encoder.int8.fixed.onnx']?.sha256,
      decoder: checksums['decoder.onnx']?.sha256,
      joiner: checksums['joiner.int8.onnx']?.sha256,
      tokens: checksums['tokens.txt']?.sha256,
    };
    expect({ ...GIGASPEECH_3M_SHA256 }).toEqual(byRole);
    expect({ ...SOTTO_SHA256 }).toEqual(byRole);
  });

  it('has its built files, each matching checksums.json', () => {
    for (const name of FILES) {
      const path = join(here, name);
      expect(existsSync(path), `${name} is missing: run node scripts/setup.mjs`).toBe(true);
      expect(readFileSync(path).byteLength, name).toBe(checksums[name]?.bytes);
      expect(sha256(path), name).toBe(checksums[name]?.sha256);
    }
  });

  it('exports URLs of those files, in the shape of sotto offline config', () => {
    const asr: AsrAssets = gigaspeech3m();
    const resolved = resolveAssets({ asr }, { fliteWasm: '/f.wasm', ortWasm: '/o.wasm' }, 'http://app.test/');
    for (const a of resolved.filter((r) => ['encoder', 'decoder', 'joiner', 'tokens'].includes(r.name))) {
      expect(a.url.startsWith('file:'), a.url).toBe(true);
      const path = fileURLToPath(a.url);
      expect(existsSync(path), path).toBe(true);
      expect(sha256(path), a.name).toBe(a.sha256);
    }
    expect(gigaspeech3m()).not.toBe(gigaspeech3m()); // a new object each call: an app may change its copy
  });

  it('ships the model, its licence and notice, and the entry points', () => {
    const out = execFileSync(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts', '--workspace', 'packages/asr-gigaspeech-3m'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
    );
    const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
    expect((pack?.files ?? []).map((f) => f.path).sort()).toEqual(
      [
        ...FILES,
        'LICENSE',
        'NOTICE.md',
        'README.md',
        'checksums.json',
        'index.d.ts',
        'index.js',
        'package.json',
      ].sort(),
    );
    expect(readFileSync(join(here, 'LICENSE'), 'utf8')).toContain(
      'Apache License\n                           Version 2.0',
    );
  }, 60_000);
});

describe('build.mjs', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'sotto-asr-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copies from SOTTO_ASR_SOURCE, else ../shared beside the repository', () => {
    expect(asrSource({ SOTTO_ASR_SOURCE: '/some/models' })).toBe('/some/models');
    expect(asrSource({})).toBe(join(root, '..', 'shared', 'models', 'kws-zipformer-gigaspeech-3.3M'));
  });

  it('copies what is missing, then has nothing to do', () => {
    const dest = tmp();
    const log: string[] = [];
    expect(buildAsrPackage({ source: here, dest, log: (m) => log.push(m) })).toBe(true);
    expect(log).toHaveLength(4);
    for (const name of FILES) expect(sha256(join(dest, name))).toBe(checksums[name]?.sha256);
    expect(buildAsrPackage({ source: '/nonexistent', dest })).toBe(false);
  });

  it('refuses a file that is not the pinned one, by name, and leaves no copy of it', () => {
    const source = tmp();
    const dest = tmp();
    for (const name of FILES) copyFileSync(join(here, name), join(source, name));
    const encoder = readFileSync(join(source, 'encoder.int8.fixed.onnx'));
    encoder[1000] = (encoder[1000] ?? 0) ^ 0xff; // one byte off, as an unrepaired encoder would be
    writeFileSync(join(source, 'encoder.int8.fixed.onnx'), encoder);
    expect(() => buildAsrPackage({ source, dest })).toThrow(AsrPackageError);
    expect(() => buildAsrPackage({ source, dest })).toThrow(/encoder\.int8\.fixed\.onnx has sha256 .*repaired/);
    expect(existsSync(join(dest, 'encoder.int8.fixed.onnx'))).toBe(false);
    expect(existsSync(join(dest, 'encoder.int8.fixed.onnx.partial'))).toBe(false);
  });

  it('names a missing file and how to point it at the files', () => {
    const source = tmp();
    copyFileSync(join(here, 'encoder.int8.fixed.onnx'), join(source, 'encoder.int8.fixed.onnx'));
    expect(() => buildAsrPackage({ source, dest: tmp() })).toThrow(/decoder\.onnx is not in .*SOTTO_ASR_SOURCE/);
  });
});

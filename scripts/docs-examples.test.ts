/**
 * The code in README.md and docs/quick-start.md compiles against the SDK's types (strict, as an app would
 * write it; the quick start's `js` block with checkJs), and says nothing the types contradict: the states
 * a `state` comment lists exist, push-to-talk is `endpointing: 'push-to-talk'`, a form handler prevents
 * the page reload. Page elements the snippets assume (`badge`, `form`, …) are declared in a prelude.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const DOCS = ['README.md', 'docs/quick-start.md'];

const PRELUDE = `
declare const badge: HTMLElement;
declare const bar: { update(progress: unknown): void };
declare const muteButton: HTMLButtonElement;
declare const stopButton: HTMLButtonElement;
declare const form: HTMLFormElement;
declare const input: HTMLInputElement;
declare const url: string;
declare const token: string;
`;

interface Block {
  doc: string;
  lang: 'ts' | 'js';
  line: number;
  code: string;
}

function blocks(): Block[] {
  const out: Block[] = [];
  for (const doc of DOCS) {
    const text = readFileSync(join(root, doc), 'utf8');
    for (const m of text.matchAll(/```(ts|js)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ doc, lang: m[1] as 'ts' | 'js', line, code: m[2] ?? '' });
    }
  }
  return out;
}

function states(): string[] {
  const src = readFileSync(join(root, 'src', 'session', 'conversation-state.ts'), 'utf8');
  const union = /export type ConversationState =([^;]+);/.exec(src)?.[1] ?? '';
  return [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1] ?? '');
}

describe('documentation examples', () => {
  const all = blocks();

  it('finds the examples', () => {
    expect(all.filter((b) => b.doc === 'docs/quick-start.md').map((b) => b.lang)).toEqual(['js', 'ts', 'ts']);
    expect(all.filter((b) => b.doc === 'README.md').length).toBeGreaterThanOrEqual(2);
  });

  it('every example typechecks against the SDK (strict)', () => {
    mkdirSync(join(root, 'test-results'), { recursive: true });
    const dir = mkdtempSync(join(root, 'test-results', 'docs-'));
    try {
      const files = all.map((b, i) => {
        const file = join(dir, `example-${i}.${b.lang}`);
        writeFileSync(file, b.code);
        return file;
      });
      const prelude = join(dir, 'prelude.d.ts');
      writeFileSync(prelude, PRELUDE);
      const program = ts.createProgram([...files, prelude], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
        types: ['vite/client'],
        typeRoots: [join(root, 'node_modules', '@types')],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
        checkJs: true,
        allowImportingTsExtensions: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        paths: {
          sotto: [join(root, 'src/index.ts')],
          'sotto/testing': [join(root, 'src/testing/index.ts')],
          '@sotto/asr-gigaspeech-3m': [join(root, 'packages/asr-gigaspeech-3m/index.d.ts')],
        },
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(d.file.fileName))
        .map((d) => {
          const b = all[files.indexOf(d.file?.fileName ?? '')];
          const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
          return `${b?.doc}:${(b?.line ?? 0) + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
        });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('states named in comments are real states', () => {
    const real = states();
    expect(real).toContain('agent-speaking');
    for (const b of all) {
      for (const line of b.code.split('\n').filter((l) => l.includes("on('state'"))) {
        const comment = line.split('//')[1] ?? '';
        const named = comment.match(/[a-z][a-z-]+/g) ?? [];
        expect(
          named.filter((w) => !real.includes(w)),
          `${b.doc}: ${line}`,
        ).toEqual([]);
      }
    }
  });

  it('push-to-talk is its own endpointing, form handlers prevent the reload', () => {
    for (const b of all) {
      for (const line of b.code.split('\n').filter((l) => /push-to-talk/i.test(l))) {
        expect(line, b.doc).not.toMatch(/endpointing: 'manual'/);
      }
      if (b.code.includes('onsubmit')) expect(b.code, b.doc).toContain('preventDefault()');
    }
  });
});

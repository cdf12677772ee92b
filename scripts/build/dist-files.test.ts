import { describe, expect, it } from 'vitest';
import { distName, urlModule } from './dist-files.ts';

describe('dist files', () => {
  it('names every ?url target by its flat dist name', () => {
    expect(distName('../../worklets/capture.ts')).toBe('capture.js');
    expect(distName('onnxruntime-web/ort-wasm-simd-threaded.wasm')).toBe('ort-wasm-simd-threaded.wasm');
  });

  it('gives bundlers a new URL literal only for what a session needs before its first turn', () => {
    expect(urlModule('vad-worker.js')).toBe('export default new URL("./vad-worker.js", import.meta.url).href;\n');
    expect(urlModule('ort-wasm-simd-threaded.wasm')).toContain(
      'new URL("./ort-wasm-simd-threaded.wasm", import.meta.url)',
    );
    for (const heavy of ['flite.wasm', 'ort-wasm-simd-threaded.asyncify.wasm', 'smart-turn-v3.2-cpu.onnx']) {
      expect(urlModule(heavy)).not.toMatch(/import\.meta\.url\)/);
      expect(urlModule(heavy)).toContain(`new URL("./${heavy}", here)`);
    }
  });
});

describe('declarations', () => {
  it('points relative specifiers at .js, leaves packages alone', async () => {
    const { jsSpecifiers } = await import('./declarations.ts');
    const dts = [
      "export { A } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "type C = import('./c.ts').C;",
      "import type { Room } from 'livekit-client';",
    ].join('\n');
    expect(jsSpecifiers(dts)).toBe(
      [
        "export { A } from './a.js';",
        "import type { B } from '../b/b.js';",
        "type C = import('./c.js').C;",
        "import type { Room } from 'livekit-client';",
      ].join('\n'),
    );
  });
});

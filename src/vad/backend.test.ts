import { describe, expect, it } from 'vitest';
import {
  adapterFacts,
  isSoftwareAdapter,
  pickAfterBenchmark,
  probeAdapter,
  webgpuCandidacy,
  type AdapterFacts,
} from './backend.ts';

const hw: AdapterFacts = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3060',
  isFallbackAdapter: false,
};

function facts(over: Partial<AdapterFacts>): AdapterFacts {
  return { ...hw, ...over };
}

describe('isSoftwareAdapter', () => {
  it('accepts real hardware', () => {
    expect(isSoftwareAdapter(hw)).toBe(false);
    expect(isSoftwareAdapter(facts({ vendor: 'apple', architecture: 'metal-3', description: '' }))).toBe(false);
    expect(
      isSoftwareAdapter(facts({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) Iris(R) Xe' })),
    ).toBe(false);
  });

  it('refuses fallback adapters and software rasterisers, whatever field names them', () => {
    expect(isSoftwareAdapter(facts({ isFallbackAdapter: true }))).toBe(true);
    // What headless Chromium with --enable-unsafe-webgpu reports.
    expect(isSoftwareAdapter(facts({ vendor: 'google', architecture: 'swiftshader', description: '' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ device: 'lavapipe' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ vendor: 'mesa', description: 'softpipe' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ description: 'Microsoft Basic Render Driver' }))).toBe(true);
    expect(isSoftwareAdapter(facts({ architecture: 'Software Rasterizer' }))).toBe(true);
  });
});

describe('adapterFacts', () => {
  it('reads adapter.info', () => {
    const adapter = {
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
    };
    expect(adapterFacts(adapter as unknown as GPUAdapter)).toEqual({
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
    });
  });

  it('honours the older adapter.isFallbackAdapter and a missing info', () => {
    const f = adapterFacts({ isFallbackAdapter: true } as unknown as GPUAdapter);
    expect(f.isFallbackAdapter).toBe(true);
    expect(isSoftwareAdapter(f)).toBe(true);
  });
});

describe('webgpuCandidacy', () => {
  it('never considers WebGPU when wasm is asked for or there is no adapter', () => {
    expect(webgpuCandidacy('wasm', hw)).toMatchObject({ candidate: false });
    expect(webgpuCandidacy('auto', null)).toMatchObject({ candidate: false, reason: 'no WebGPU adapter' });
    expect(webgpuCandidacy('webgpu', null)).toMatchObject({ candidate: false });
  });

  it('benchmarks a hardware adapter in auto mode, uses it directly when asked', () => {
    expect(webgpuCandidacy('auto', hw)).toMatchObject({ candidate: true, benchmark: true });
    expect(webgpuCandidacy('webgpu', hw)).toMatchObject({ candidate: true, benchmark: false });
  });

  it('refuses a software or fallback adapter even when WebGPU is asked for', () => {
    const swift = facts({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    for (const pref of ['auto', 'webgpu'] as const) {
      const c = webgpuCandidacy(pref, swift);
      expect(c.candidate).toBe(false);
      expect(c.reason).toMatch(/fallback adapter.*swiftshader.*refused/);
    }
    expect(webgpuCandidacy('auto', facts({ description: 'llvmpipe' })).reason).toMatch(/software adapter/);
  });

  it('accepts a software adapter only when explicitly allowed and explicitly asked for (tests)', () => {
    const swift = facts({ architecture: 'swiftshader', isFallbackAdapter: true });
    expect(webgpuCandidacy('webgpu', swift, true)).toMatchObject({ candidate: true, benchmark: false });
    expect(webgpuCandidacy('auto', swift, true)).toMatchObject({ candidate: false });
  });
});

describe('pickAfterBenchmark', () => {
  it('takes WebGPU only when clearly faster', () => {
    expect(pickAfterBenchmark({ webgpuMs: 0.1, wasmMs: 0.3 }).backend).toBe('webgpu');
    expect(pickAfterBenchmark({ webgpuMs: 0.28, wasmMs: 0.3 }).backend).toBe('wasm'); // a tie goes to wasm
    expect(pickAfterBenchmark({ webgpuMs: 50, wasmMs: 0.3 }).backend).toBe('wasm');
    expect(pickAfterBenchmark({ webgpuMs: Number.POSITIVE_INFINITY, wasmMs: 0.3 }).backend).toBe('wasm');
    expect(pickAfterBenchmark({ webgpuMs: Number.NaN, wasmMs: 0.3 }).backend).toBe('wasm');
    expect(pickAfterBenchmark({ webgpuMs: 0.1, wasmMs: 0.3 }).reason).toContain('0.100 ms');
  });
});

describe('probeAdapter', () => {
  it('reports a missing navigator.gpu, a null adapter, a throwing and a hanging requestAdapter', async () => {
    expect(await probeAdapter(undefined)).toMatchObject({ adapter: null, reason: 'navigator.gpu is not available' });
    const nullGpu = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    expect(await probeAdapter(nullGpu)).toMatchObject({ adapter: null, reason: 'no WebGPU adapter' });
    const throwing = { requestAdapter: () => Promise.reject(new Error('boom')) } as unknown as GPU;
    expect(await probeAdapter(throwing)).toMatchObject({ adapter: null, reason: 'requestAdapter failed: Error: boom' });
    const hanging = { requestAdapter: () => new Promise(() => undefined) } as unknown as GPU;
    expect(await probeAdapter(hanging, 20)).toMatchObject({ adapter: null, reason: 'no WebGPU adapter' });
  });

  it('returns the adapter with its facts', async () => {
    const adapter = {
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
    };
    const gpu = { requestAdapter: () => Promise.resolve(adapter) } as unknown as GPU;
    const probe = await probeAdapter(gpu);
    expect(probe.adapter).toBe(adapter);
    expect(probe.facts?.architecture).toBe('swiftshader');
  });
});

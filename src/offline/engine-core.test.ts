import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isSottoError } from '../errors.ts';
import { ortBackend } from './asr/ort-types.ts';
import { fakeNet } from './cache-fakes.test-util.ts';
import { gigaspeech3mAssets, resolveAssets } from './config.ts';
import { EngineCore } from './engine-core.ts';
import { fliteWasm, modelBytes, SHARED_AUDIO, wav16k } from './node-models.test-util.ts';

const BASE = 'http://127.0.0.1:9/';
const assets = resolveAssets(
  { asr: gigaspeech3mAssets('/models/kws/') },
  { fliteWasm: '/flite.wasm', ortWasm: '/ort.wasm' },
  BASE,
);
const backend = (): Promise<ReturnType<typeof ortBackend>> => Promise.resolve(ortBackend(ort));

function serveAll(): ReturnType<typeof fakeNet> {
  const net = fakeNet();
  const files: Record<string, Uint8Array> = {
    encoder: modelBytes('encoder'),
    decoder: modelBytes('decoder'),
    joiner: modelBytes('joiner'),
    tokens: modelBytes('tokens'),
    flite: fliteWasm(),
    ort: new Uint8Array(8),
  };
  for (const a of assets) net.routes.set(a.url, files[a.name] ?? 404);
  return net;
}

describe('EngineCore (the worker engine, on onnxruntime-node)', () => {
  it('loads from the network once, then from the cache alone; recognises and speaks', async () => {
    const net = serveAll();
    const first = await EngineCore.load(assets, 'c', backend, net.io);
    expect(Object.values(first.info.fromCache).every((c) => !c)).toBe(true);
    expect(first.info.bytes.encoder).toBe(4_001_043);
    await first.release();
    for (const a of assets) net.routes.set(a.url, 'offline');
    const core = await EngineCore.load(assets, 'c', backend, net.io);
    expect(Object.values(core.info.fromCache).every(Boolean)).toBe(true);
    const audio = wav16k(join(SHARED_AUDIO, 'cards_001.wav'));
    const plain = await core.transcribe(audio);
    expect(plain.text).toBe('ten of close');
    const cards = ['ten of clubs', 'ten of spades', 'two of hearts', 'eight of diamonds'];
    const biased = await core.transcribe(audio, { phrases: cards });
    expect(biased.text).toBe('ten of clubs');
    expect(biased.phrase).toBe('ten of clubs');
    expect(biased.confidence).toBe(1);
    const piece = core.synthesize('It is nine o clock.', 0);
    expect(piece.sampleRate).toBe(16_000);
    expect(piece.pcm.length).toBeGreaterThan(8000);
    await core.release();
  }, 60_000);

  it('names the file at fault: missing while offline, or corrupt', async () => {
    const net = serveAll();
    const joiner = assets.find((a) => a.name === 'joiner');
    if (!joiner) throw new Error('no joiner');
    net.routes.set(joiner.url, 'offline');
    const e1: unknown = await EngineCore.load(assets, 'c', backend, net.io).catch((e: unknown) => e);
    expect(isSottoError(e1, 'model_unavailable')).toBe(true);
    expect(String(e1)).toMatch(/joiner/);
    net.routes.set(joiner.url, modelBytes('decoder'));
    const e2: unknown = await EngineCore.load(assets, 'c', backend, net.io).catch((e: unknown) => e);
    expect(isSottoError(e2, 'model_unavailable')).toBe(true);
    expect(String(e2)).toMatch(/joiner.*corrupt/);
  }, 60_000);

  it('reports a model onnxruntime cannot load as model_unavailable', async () => {
    const net = serveAll();
    const noSha = assets.map((a) => (a.name === 'encoder' ? { ...a, sha256: null } : a));
    const enc = noSha.find((a) => a.name === 'encoder');
    if (!enc) throw new Error('no encoder');
    net.routes.set(enc.url, new Uint8Array(1000).fill(7));
    const e: unknown = await EngineCore.load(noSha, 'c2', backend, net.io).catch((x: unknown) => x);
    expect(isSottoError(e, 'model_unavailable')).toBe(true);
    expect(String(e)).toMatch(/ASR model could not be loaded/);
  }, 60_000);
});

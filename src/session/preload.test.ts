import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VadOptions } from '../vad/types.ts';

/** A stand-in for the worker-backed VadClient: records its options, closes, emits errors on demand. */
class FakeVad {
  static made: FakeVad[] = [];
  status = 'loading';
  readonly listeners = new Set<(e: Error) => void>();
  readonly #ready: Promise<unknown>;
  #reject: (e: Error) => void = () => undefined;
  constructor(readonly options: VadOptions) {
    FakeVad.made.push(this);
    this.#ready = new Promise((_resolve, reject) => {
      this.#reject = reject;
    });
  }
  /** The model did not load. */
  failLoad(): void {
    this.status = 'failed';
    this.#reject(new Error('no model'));
  }
  on(_type: 'error', f: (e: Error) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }
  ready(): Promise<unknown> {
    return this.#ready;
  }
  fail(e: Error): void {
    for (const f of this.listeners) f(e);
  }
  close(): Promise<void> {
    this.status = 'closed';
    return Promise.resolve();
  }
}

vi.mock('../vad/vad-client.ts', () => ({ VadClient: FakeVad }));

const { adoptPreloaded, preload, sessionVadOptions } = await import('./preload.ts');

describe('preload', () => {
  beforeEach(() => {
    FakeVad.made = [];
    vi.stubGlobal('Worker', EventTarget);
  });
  afterEach(() => {
    // Empty the module's slot between tests.
    adoptPreloaded(sessionVadOptions({}));
    vi.unstubAllGlobals();
  });

  it('hands the VAD it loaded to the session with the same options, once', () => {
    const h = preload({ vad: { endpointer: { silenceMs: 500 } } });
    expect(h).not.toBeNull();
    expect(FakeVad.made).toHaveLength(1);
    const took = adoptPreloaded(sessionVadOptions({ vad: { endpointer: { silenceMs: 500 } } }));
    expect(took?.vad).toBe(FakeVad.made[0]);
    expect(h?.adopted).toBe(true);
    expect(adoptPreloaded(sessionVadOptions({ vad: { endpointer: { silenceMs: 500 } } }))).toBeNull();
  });

  it('loads the options the session runs: frame events, the session endpointer defaults, the turn detector', () => {
    preload({ turnDetector: 'smart-turn' });
    const o = FakeVad.made[0]?.options;
    expect(o?.frameEvents).toBe(true);
    expect(o?.endpointer).toEqual({ silenceMs: 200, turnEndingMs: 100 });
    expect(o?.turn?.detector).toBe('smart-turn');
  });

  it('closes a VAD loaded for other options instead of handing it over', () => {
    preload({ vad: { endpointer: { silenceMs: 500 } } });
    expect(adoptPreloaded(sessionVadOptions({ vad: { endpointer: { silenceMs: 300 } } }))).toBeNull();
    expect(FakeVad.made[0]?.status).toBe('closed');
  });

  it('reuses the loading VAD for the same options and replaces it for others', () => {
    preload({});
    preload({});
    expect(FakeVad.made).toHaveLength(1);
    preload({ vad: { endpointer: { silenceMs: 700 } } });
    expect(FakeVad.made).toHaveLength(2);
    expect(FakeVad.made[0]?.status).toBe('closed');
  });

  it('keeps the errors reported while preloading for the session', () => {
    preload({});
    FakeVad.made[0]?.fail(new Error('webgpu lost'));
    const took = adoptPreloaded(sessionVadOptions({}));
    expect(took?.errors.map((e) => e.message)).toEqual(['webgpu lost']);
    // From now on the session listens itself: the preload no longer collects.
    FakeVad.made[0]?.fail(new Error('later'));
    expect(took?.errors).toHaveLength(1);
  });

  it('does not hand over a VAD that failed to load; its ready rejects with a vad_error', async () => {
    const h = preload({});
    FakeVad.made[0]?.failLoad();
    await expect(h?.ready).rejects.toMatchObject({ code: 'vad_error' });
    expect(adoptPreloaded(sessionVadOptions({}))).toBeNull();
    // Preloading again after a failure starts a new VAD.
    preload({});
    expect(FakeVad.made).toHaveLength(2);
  });

  it('loads nothing for a session that runs no on-device VAD', () => {
    expect(preload({ endpointing: 'manual' })).toBeNull();
    expect(preload({ endpointing: 'server', fallback: 'off' })).toBeNull();
    expect(FakeVad.made).toHaveLength(0);
  });

  it('cancel() closes a VAD no session took', async () => {
    const h = preload({});
    await h?.cancel();
    expect(FakeVad.made[0]?.status).toBe('closed');
    expect(adoptPreloaded(sessionVadOptions({}))).toBeNull();
  });

  it('does not throw without Web Workers: its ready rejects with a typed error', async () => {
    vi.stubGlobal('Worker', undefined);
    const h = preload({});
    await expect(h?.ready).rejects.toMatchObject({ code: 'unsupported_browser' });
    expect(FakeVad.made).toHaveLength(0);
  });
});

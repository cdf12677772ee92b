/**
 * Test support: an in-memory Cache Storage and a fetch over a map of URL -> bytes (or failure), counting
 * requests, so the cache logic runs in Node.
 */
import type { CacheIo } from './model-cache.ts';

class MemoryCache {
  readonly store = new Map<string, Uint8Array>();
  match(url: string): Promise<Response | undefined> {
    const b = this.store.get(url);
    return Promise.resolve(b ? new Response(b.slice()) : undefined);
  }
  async put(url: string, res: Response): Promise<void> {
    this.store.set(url, new Uint8Array(await res.arrayBuffer()));
  }
  delete(url: string): Promise<boolean> {
    return Promise.resolve(this.store.delete(url));
  }
}

export interface FakeNet {
  io: CacheIo;
  /** URL -> body, or an HTTP status, or 'offline' (fetch rejects). */
  routes: Map<string, Uint8Array | number | 'offline' | 'html'>;
  requests: string[];
  cache: MemoryCache;
}

export function fakeNet(): FakeNet {
  const cache = new MemoryCache();
  const routes = new Map<string, Uint8Array | number | 'offline' | 'html'>();
  const requests: string[] = [];
  const caches = {
    open: () => Promise.resolve(cache),
  } as unknown as CacheStorage;
  const fetchFn = (input: RequestInfo | URL): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    requests.push(url);
    const r = routes.get(url) ?? 'offline';
    if (r === 'offline') return Promise.reject(new TypeError('Failed to fetch'));
    if (r === 'html')
      return Promise.resolve(new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }));
    if (typeof r === 'number') return Promise.resolve(new Response('nope', { status: r }));
    // Stream in 3 chunks so progress has steps.
    const third = Math.ceil(r.length / 3);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < r.length; at += third) c.enqueue(r.slice(at, at + third));
        c.close();
      },
    });
    return Promise.resolve(new Response(body, { headers: { 'content-length': String(r.length) } }));
  };
  return { io: { fetch: fetchFn, caches }, routes, requests, cache };
}

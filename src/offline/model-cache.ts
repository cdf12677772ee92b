/**
 * Fetching the engine's files into Cache Storage (with byte progress) and reading them back. Works in a
 * window and in a worker; `fetch` and `caches` are passed in so tests run in Node.
 *
 * - {@link downloadAsset} (network, then cache): what `prepareOffline()` does while online.
 * - {@link loadAsset} (cache first, network on a miss): what the worker does at start-up, so a reload
 *   without a network still starts the engine from the cache.
 * Both check the SHA-256 when one is configured, and refuse an HTML page (an SPA fallback for a wrong
 * URL) or an empty body. Failures are `SottoError('model_unavailable')`.
 */
import { SottoError } from '../errors.ts';
import type { ResolvedAsset } from './config.ts';

/** Progress of one file. */
export interface AssetProgress {
  name: ResolvedAsset['name'];
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Size from `Content-Length` (or the cached copy), null when unknown. */
  total: number | null;
  /** The bytes came from the cache (no download). */
  fromCache: boolean;
  done: boolean;
}

/** The globals the cache needs (default: the realm's own). */
export interface CacheIo {
  fetch: typeof fetch;
  caches: CacheStorage | null;
}

export function defaultIo(): CacheIo {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    caches: typeof caches === 'undefined' ? null : caches,
  };
}

/** Lower-case hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function verify(asset: ResolvedAsset, bytes: Uint8Array, where: string): Promise<void> {
  if (bytes.byteLength === 0)
    throw new SottoError('model_unavailable', `${asset.name} (${asset.url}) is empty (${where})`);
  if (asset.sha256 === null) return;
  const got = await sha256Hex(bytes);
  if (got !== asset.sha256) {
    throw new SottoError(
      'model_unavailable',
      `${asset.name} (${asset.url}) is corrupt (${where}): sha256 ${got.slice(0, 12)}… instead of ${asset.sha256.slice(0, 12)}…`,
    );
  }
}

async function openCache(io: CacheIo, name: string): Promise<Cache | null> {
  if (!io.caches) return null;
  try {
    return await io.caches.open(name);
  } catch {
    return null; // opaque origins and some private modes have no Cache Storage
  }
}

/** The cached copy of `asset`, verified, or null (absent or corrupt: a corrupt copy is deleted). */
export async function readCached(
  asset: ResolvedAsset,
  cacheName: string,
  io: CacheIo = defaultIo(),
): Promise<Uint8Array | null> {
  const cache = await openCache(io, cacheName);
  const hit = cache ? await cache.match(asset.url).catch(() => undefined) : undefined;
  if (!hit) return null;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  try {
    await verify(asset, bytes, 'cached copy');
    return bytes;
  } catch {
    await cache?.delete(asset.url).catch(() => false);
    return null;
  }
}

/** Downloads `asset` with progress, verifies it and stores it in the cache. */
export async function downloadAsset(
  asset: ResolvedAsset,
  cacheName: string,
  onProgress: (p: AssetProgress) => void = () => undefined,
  io: CacheIo = defaultIo(),
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await io.fetch(asset.url, signal ? { signal } : {});
  } catch (e) {
    throw new SottoError('model_unavailable', `could not fetch ${asset.name} from ${asset.url}: ${String(e)}`, {
      cause: e,
    });
  }
  if (!res.ok) throw new SottoError('model_unavailable', `${asset.name} (${asset.url}): HTTP ${res.status}`);
  if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
    throw new SottoError('model_unavailable', `${asset.name} (${asset.url}): the server answered with an HTML page`);
  }
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const progress = (loaded: number, done: boolean): void => {
    onProgress({
      name: asset.name,
      url: asset.url,
      loaded,
      total: total ?? (done ? loaded : null),
      fromCache: false,
      done,
    });
  };
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  progress(0, false);
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      progress(loaded, false);
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    loaded = buf.byteLength;
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  await verify(asset, bytes, 'download');
  const cache = await openCache(io, cacheName);
  if (cache) {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) };
    await cache.put(asset.url, new Response(bytes.slice(), { headers })).catch((e: unknown) => {
      throw new SottoError('model_unavailable', `could not store ${asset.name} in Cache Storage: ${String(e)}`, {
        cause: e,
      });
    });
  }
  progress(loaded, true);
  return bytes;
}

/** Cache first, network on a miss (and cached then). Rejects with `model_unavailable`. */
export async function loadAsset(
  asset: ResolvedAsset,
  cacheName: string,
  io: CacheIo = defaultIo(),
): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cached = await readCached(asset, cacheName, io);
  if (cached) return { bytes: cached, fromCache: true };
  try {
    return { bytes: await downloadAsset(asset, cacheName, undefined, io), fromCache: false };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SottoError(
      'model_unavailable',
      `${asset.name} is not in the offline cache and could not be downloaded (${why}); call prepareOffline() while online`,
      { cause: e },
    );
  }
}

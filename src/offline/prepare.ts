/**
 * `prepareOffline()`: downloads every file of the on-device engine into Cache Storage while online, with
 * byte progress per file, so the engine (and a reload of the page) starts without a network later.
 */
import { SottoError } from '../errors.ts';
import { DEFAULT_OFFLINE_ASSETS } from './assets.ts';
import { DEFAULT_CACHE_NAME, resolveAssets, type AssetName, type OfflineModelConfig } from './config.ts';
import { defaultIo, downloadAsset, readCached, type AssetProgress } from './model-cache.ts';

export type { AssetProgress };

export interface PrepareOptions {
  /** Called for every chunk received (and once per file served from the cache). */
  onProgress?: (progress: AssetProgress) => void;
  /** Download again even when a verified copy is cached. Default false. */
  refresh?: boolean;
  signal?: AbortSignal;
}

export interface PreparedFile {
  name: AssetName;
  url: string;
  bytes: number;
  fromCache: boolean;
}

export interface PrepareResult {
  files: PreparedFile[];
  /** Bytes of all files. */
  totalBytes: number;
  /** Bytes downloaded by this call (0 when everything was cached). */
  downloadedBytes: number;
}

/**
 * Fetches the engine's files into Cache Storage (one after another, so progress is easy to show).
 * Files already cached and verified are not downloaded again unless `refresh`. Rejects with
 * `SottoError('model_unavailable')` naming the file when one cannot be fetched, is not what its SHA-256
 * says, or cannot be stored; what was cached before stays usable.
 */
export async function prepareOffline(config: OfflineModelConfig, options: PrepareOptions = {}): Promise<PrepareResult> {
  const io = defaultIo();
  if (!io.caches) throw new SottoError('unsupported_browser', 'Cache Storage is not available (insecure context?)');
  const cacheName = config.cacheName ?? DEFAULT_CACHE_NAME;
  const assets = resolveAssets(config, DEFAULT_OFFLINE_ASSETS, globalThis.location.href);
  const files: PreparedFile[] = [];
  let downloadedBytes = 0;
  for (const asset of assets) {
    if (options.signal?.aborted) throw new SottoError('internal', 'prepareOffline() was aborted');
    const cached = options.refresh ? null : await readCached(asset, cacheName, io);
    if (cached) {
      const n = cached.byteLength;
      options.onProgress?.({ name: asset.name, url: asset.url, loaded: n, total: n, fromCache: true, done: true });
      files.push({ name: asset.name, url: asset.url, bytes: n, fromCache: true });
      continue;
    }
    const bytes = await downloadAsset(asset, cacheName, options.onProgress, io, options.signal);
    downloadedBytes += bytes.byteLength;
    files.push({ name: asset.name, url: asset.url, bytes: bytes.byteLength, fromCache: false });
  }
  return { files, totalBytes: files.reduce((n, f) => n + f.bytes, 0), downloadedBytes };
}

export declare class AsrPackageError extends Error {
  name: 'AsrPackageError';
}
export declare function asrChecksums(): Record<string, { bytes: number; sha256: string }>;
export declare function asrSource(env?: Record<string, string | undefined>): string;
export declare function asrPackageReady(dir?: string): boolean;
export declare function buildAsrPackage(options?: {
  source?: string;
  dest?: string;
  log?: (message: string) => void;
}): boolean;

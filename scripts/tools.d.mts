export declare const LIVEKIT_VERSION: string;
export declare const CHROMIUM_PATH: string;
export declare function whichSync(name: string): string | null;
export declare function livekitBinaryPath(root: string): string | null;
export declare function toolsDir(root: string): string;

export declare const PIPECAT_VERSION: string;
export declare const SMART_TURN_FILE: string;
export declare const SMART_TURN_SHA256: string;
export declare class ModelSetupError extends Error {
  name: 'ModelSetupError';
}
export declare function smartTurnDir(): string;
export declare function smartTurnModelPath(): string;
export declare function smartTurnReady(dir?: string): boolean;
export declare function ensureSmartTurn(options?: { quiet?: boolean }): Promise<string>;
export declare function runParity(options?: { quiet?: boolean }): Promise<string>;

import type { Brain } from './brain.ts';
import type { EchoMode } from './echo.ts';

export type { Brain, BrainTurn, ReplyPart } from './brain.ts';

export interface BrainOptions {
  /** Echo brain mode (env `SOTTO_ECHO_MODE`): `speak` (default) or `literal`. */
  echoMode?: EchoMode;
  /** Model directory of the local brain's ASR (env `SOTTO_LOCAL_MODEL_DIR`). */
  localModelDir?: string;
  /** API key of the openai brain (env `OPENAI_API_KEY`). */
  openaiApiKey?: string | undefined;
  /** Realtime endpoint of the openai brain (env `SOTTO_OPENAI_URL`). */
  openaiUrl?: string | undefined;
}

/**
 * Brains by name; `SOTTO_BRAIN` picks one. Each is imported when chosen, so a job process loads only
 * its own brain's dependencies (the local brain's onnxruntime-node, the openai brain's WebSocket).
 */
const BRAINS: Record<string, (opts: BrainOptions) => Promise<Brain>> = {
  echo: async (opts) => new (await import('./echo.ts')).EchoBrain({ mode: opts.echoMode ?? 'speak' }),
  local: async (opts) => {
    if (!opts.localModelDir) throw new Error('the local brain needs a model directory (SOTTO_LOCAL_MODEL_DIR)');
    return (await import('./local.ts')).LocalBrain.load(opts.localModelDir);
  },
  openai: async (opts) => {
    if (!opts.openaiApiKey) throw new Error('the openai brain needs OPENAI_API_KEY');
    const { OpenAiBrain } = await import('./openai.ts');
    return new OpenAiBrain({ apiKey: opts.openaiApiKey, ...(opts.openaiUrl ? { url: opts.openaiUrl } : {}) });
  },
};

export const BRAIN_NAMES = Object.keys(BRAINS);

/** Creates a brain by name, loading its models. Rejects for an unknown name or a missing model. */
export async function createBrain(name: string, opts: BrainOptions = {}): Promise<Brain> {
  const make = Object.hasOwn(BRAINS, name) ? BRAINS[name] : undefined;
  if (!make) throw new Error(`unknown brain "${name}"; known: ${BRAIN_NAMES.join(', ')}`);
  const brain = await make(opts);
  await brain.warm?.();
  return brain;
}

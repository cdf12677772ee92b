/**
 * The default Smart Turn model URL, resolved by Vite: the copy `scripts/setup.mjs` extracts from the
 * pipecat-ai wheel into `.tools/models/` (never committed), emitted as our own asset like Silero's model.
 * Override it with `turn.modelUrl` to self-host.
 */
import modelUrl from '../../../.tools/models/smart-turn-v3.2/smart-turn-v3.2-cpu.onnx?url';

export const DEFAULT_TURN_MODEL_URL: string = modelUrl;

/**
 * The default Smart Turn model URL. In this repository: the copy `scripts/setup.mjs` extracts from the
 * pipecat-ai wheel into `.tools/models/` (never committed), emitted by Vite like Silero's model. The npm
 * package does not ship it: `<setAssetBaseUrl()>smart-turn-v3.2-cpu.onnx`, or set `turn.modelUrl`.
 */
import modelUrl from '../../../.tools/models/smart-turn-v3.2/smart-turn-v3.2-cpu.onnx?url';
import { assetUrl } from '../../assets/asset-base.ts';

/** The model URL used when `turn.modelUrl` is not set. */
export function defaultTurnModelUrl(): string {
  return assetUrl('smart-turn-v3.2-cpu.onnx', modelUrl);
}

/** Defaults of the end-of-turn policy (`TurnDetectorOptions`, besides `detector`). Pure data, no assets. */
import { SMART_TURN_THRESHOLD } from './smart-turn.ts';

export const TURN_DETECTOR_DEFAULTS = Object.freeze({ threshold: SMART_TURN_THRESHOLD, reaskMs: 300, ceilingMs: 2000 });

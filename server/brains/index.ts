import type { Brain } from './brain.ts';
import { EchoBrain } from './echo.ts';

export type { Brain, UserTurn } from './brain.ts';

/** Brains by name; `SOTTO_BRAIN` picks one. */
const BRAINS: Record<string, () => Brain> = {
  echo: () => new EchoBrain(),
};

export function createBrain(name: string): Brain {
  const make = BRAINS[name];
  if (!make) throw new Error(`unknown brain "${name}"; known: ${Object.keys(BRAINS).join(', ')}`);
  return make();
}

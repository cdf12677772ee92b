import { afterEach, beforeEach, vi } from 'vitest';

// Unit tests fail on unexpected console output: a warning or error printed by code under test is a bug
// or a missing assertion.
const printed: string[] = [];
beforeEach(() => {
  printed.length = 0;
  for (const level of ['warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(`console.${level}: ${args.map(String).join(' ')}`);
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  if (printed.length > 0) throw new Error(`unexpected console output:\n${printed.join('\n')}`);
});

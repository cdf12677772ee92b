import type { Page } from '@playwright/test';

/** Collects the page's console errors and uncaught exceptions from now on (the returned list grows). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}

// Golden files: compare output with a committed file; UPDATE_GOLDEN=1 rewrites them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export function expectGolden(actual: string, file: URL): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(
    existsSync(file),
    `missing golden file ${fileURLToPath(file)}: run with UPDATE_GOLDEN=1`,
  ).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

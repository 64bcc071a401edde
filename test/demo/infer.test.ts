/**
 * benchmarks/gpu/infer.py where this machine allows: its argument errors (exit 2) always; without
 * PyTorch, exit 3 and the message; with PyTorch, a tiny CPU run whose last stdout line is BMF.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../benchmarks/gpu/infer.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;

const infer = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('python3', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    timeout: 120_000,
  });

describe.skipIf(!hasPython)('benchmarks/gpu/infer.py', () => {
  it('exits 2 on a bad batch size, from the option or the environment', () => {
    const option = infer(['--batch-size', '0']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('--batch-size');
    const env = infer([], { OPTIMIZATION_BATCH_SIZE: 'many' });
    expect(env.status).toBe(2);
    expect(env.stderr).toContain('OPTIMIZATION_BATCH_SIZE');
  });

  it('reports BMF on its last line, or exits 3 when PyTorch is missing', () => {
    const run = infer([
      '--device',
      'cpu',
      '--batch-size',
      '2',
      '--seq-len',
      '8',
      '--layers',
      '1',
      '--d-model',
      '32',
      '--heads',
      '2',
      '--ff',
      '64',
      '--vocab',
      '100',
      '--warmup',
      '1',
      '--iterations',
      '5',
    ]);
    if (run.status === 3) {
      expect(run.stderr).toContain('PyTorch not installed');
      return;
    }
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const bmf = JSON.parse(lines[lines.length - 1]!) as Record<
      string,
      Record<string, { value: number }>
    >;
    expect(Object.keys(bmf.encoder!)).toEqual(['latency_p50', 'latency_p95', 'items_per_second']);
    expect(bmf.encoder!.latency_p95!.value).toBeGreaterThanOrEqual(bmf.encoder!.latency_p50!.value);
    expect(bmf.encoder!.items_per_second).toMatchObject({ unit: 'items/s', direction: 'higher' });
  });
});

// Which GPUs a trial uses, read from CUDA_VISIBLE_DEVICES as CUDA reads it (the CUDA Programming
// Guide, "CUDA Environment Variables"): indices, UUIDs or unique UUID prefixes, the list ending at
// the first entry that names no GPU, empty meaning none.
import { describe, expect, it } from 'vitest';
import { visibleGpus } from '../../src/collect/cudaVisible.js';

// Four GPUs as nvidia-smi lists them, two samples of each (the collector passes every sample).
const uuids = [
  'GPU-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd',
  'GPU-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  'GPU-0a1b9999-0000-0000-0000-000000000000',
  null,
];
const gpus = [0, 1].flatMap(() => uuids.map((uuid, index) => ({ index, uuid })));
const indices = (...values: (string | undefined)[]) => visibleGpus(gpus, values).indices;

describe('visibleGpus', () => {
  it('keeps every GPU when a process has no CUDA_VISIBLE_DEVICES', () => {
    expect(indices(undefined)).toBe('all');
    // One process pinned, another free to use any: every GPU may carry the trial's work.
    expect(indices('1', undefined)).toBe('all');
  });

  it('keeps the GPUs named by index, by UUID and by unique UUID prefix', () => {
    expect(indices('1')).toEqual(new Set([1]));
    expect(indices(' 3 , 0 ')).toEqual(new Set([3, 0]));
    expect(indices(uuids[1]!)).toEqual(new Set([1]));
    expect(indices('gpu-5F3C')).toEqual(new Set([0]));
  });

  it('ends the list at the first entry that names no GPU, as CUDA does', () => {
    expect(indices('0,7,1')).toEqual(new Set([0]));
    expect(indices('2,-1,1')).toEqual(new Set([2]));
    // GPU-0a1b is the start of two UUIDs: ambiguous, so it names none.
    expect(indices('3,GPU-0a1b,0')).toEqual(new Set([3]));
  });

  it('joins the GPUs of several processes', () => {
    expect(indices('0', '2,3')).toEqual(new Set([0, 2, 3]));
  });

  it('samples no GPU where none is visible, and says so', () => {
    expect(visibleGpus(gpus, [''])).toEqual({
      indices: new Set(),
      notes: ['gpu: CUDA_VISIBLE_DEVICES leaves the trial no GPU, so none is sampled'],
    });
    expect(visibleGpus(gpus, ['7']).notes).toHaveLength(1);
  });

  it('keeps every GPU for a MIG instance, which the per-GPU query cannot tell apart', () => {
    const mig = 'MIG-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd';
    expect(visibleGpus(gpus, [mig])).toEqual({
      indices: 'all',
      notes: [
        `gpu: CUDA_VISIBLE_DEVICES names a MIG instance (${mig}); every GPU is sampled whole`,
      ],
    });
  });
});

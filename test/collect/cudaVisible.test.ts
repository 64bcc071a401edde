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
const H100 = 'NVIDIA H100 80GB HBM3';
const gpus = [0, 1].flatMap(() => uuids.map((uuid, index) => ({ index, uuid, name: H100 })));
const env = (value: string | undefined) =>
  value === undefined ? {} : { CUDA_VISIBLE_DEVICES: value };
const visible = (...values: (string | undefined)[]) => visibleGpus(gpus, values.map(env)).visible;

describe('visibleGpus', () => {
  it('keeps every GPU when a process has no CUDA_VISIBLE_DEVICES', () => {
    expect(visible(undefined)).toBe('all');
    // One process pinned, another free to use any: every GPU may carry the trial's work.
    expect(visible('1', undefined)).toBe('all');
  });

  it('keeps the GPUs named by index, by UUID and by unique UUID prefix, in CUDA order', () => {
    expect(visible('1')).toEqual([1]);
    // cuda:0 is GPU 3 here.
    expect(visible(' 3 , 0 ')).toEqual([3, 0]);
    expect(visible(uuids[1]!)).toEqual([1]);
    expect(visible('gpu-5F3C')).toEqual([0]);
  });

  it('ends the list at the first entry that names no GPU, as CUDA does', () => {
    expect(visible('0,7,1')).toEqual([0]);
    expect(visible('2,-1,1')).toEqual([2]);
    // GPU-0a1b is the start of two UUIDs: ambiguous, so it names none.
    expect(visible('3,GPU-0a1b,0')).toEqual([3]);
  });

  it('joins the GPUs of several processes, each once, in order of first appearance', () => {
    expect(visible('2', '0,2,3')).toEqual([2, 0, 3]);
  });

  it('samples no GPU where none is visible, and says so', () => {
    expect(visibleGpus(gpus, [env('')])).toEqual({
      visible: [],
      notes: ['gpu: CUDA_VISIBLE_DEVICES leaves the trial no GPU, so none is sampled'],
    });
    expect(visibleGpus(gpus, [env('7')]).notes).toHaveLength(1);
  });

  it('keeps every GPU for a MIG instance, which the per-GPU query cannot tell apart', () => {
    const mig = 'MIG-5f3c9e1a-2b7d-4c8e-9f01-23456789abcd';
    expect(visibleGpus(gpus, [env(mig)])).toEqual({
      visible: 'all',
      notes: [
        `gpu: CUDA_VISIBLE_DEVICES names a MIG instance (${mig}); every GPU is sampled whole`,
      ],
    });
  });

  it('warns when an index may name another GPU: several models, and CUDA numbering the fastest first', () => {
    const mixed = gpus.map((gpu) => (gpu.index === 3 ? { ...gpu, name: 'NVIDIA L4' } : gpu));
    const [warning] = visibleGpus(mixed, [env('0')]).notes;
    expect(warning).toMatch(
      /^gpu: CUDA_VISIBLE_DEVICES names GPUs by index on a machine with several GPU models/,
    );
    // Told to number by PCI bus, as nvidia-smi does; or by UUID; or one model: no doubt.
    const pci = { CUDA_VISIBLE_DEVICES: '0', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
    expect(visibleGpus(mixed, [pci]).notes).toEqual([]);
    expect(visibleGpus(mixed, [env('GPU-5f3c')]).notes).toEqual([]);
    expect(visibleGpus(gpus, [env('0')]).notes).toEqual([]);
  });
});

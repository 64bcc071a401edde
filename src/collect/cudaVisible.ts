/**
 * Which GPUs a trial uses, from the CUDA_VISIBLE_DEVICES of the processes it runs. nvidia-smi
 * (NVML) ignores that variable and reports every GPU of the machine; on a shared 8-GPU runner the
 * other seven carry other jobs, whose load says nothing about this change and would gate it.
 * Pure.
 */

/** A GPU as nvidia-smi names it. */
export interface GpuIdentity {
  index: number;
  uuid: string | null;
  name: string;
}

/** What a process's environment says about the GPUs it sees. */
export interface CudaEnv {
  CUDA_VISIBLE_DEVICES?: string | undefined;
  CUDA_DEVICE_ORDER?: string | undefined;
}

/**
 * Every GPU, or the nvidia-smi indices of those some process of the trial can see, in the order
 * CUDA numbers them (`cuda:0` first); notes for the reader.
 */
export interface GpuSelection {
  visible: readonly number[] | 'all';
  notes: string[];
}

/**
 * The GPUs visible to any of the trial's processes (their environments), each reading its
 * CUDA_VISIBLE_DEVICES as CUDA does: unset means every GPU; entries are indices (counted as
 * nvidia-smi counts them) or `GPU-` UUIDs (a unique prefix is enough); the list ends at the first
 * entry that names no GPU; empty means none. A MIG instance (`MIG-…`) cannot be told apart in
 * nvidia-smi's per-GPU query, so it keeps every GPU, and says so.
 */
export function visibleGpus(gpus: readonly GpuIdentity[], envs: readonly CudaEnv[]): GpuSelection {
  const visible: number[] = [];
  let byIndexInCudaOrder = false;
  for (const { CUDA_VISIBLE_DEVICES: value, CUDA_DEVICE_ORDER: order } of envs) {
    if (value === undefined) return { visible: 'all', notes: [] };
    for (const entry of value.split(',').map((e) => e.trim())) {
      if (entry === '') break;
      if (/^MIG-/i.test(entry)) {
        const note = `gpu: CUDA_VISIBLE_DEVICES names a MIG instance (${entry}); every GPU is sampled whole`;
        return { visible: 'all', notes: [note] };
      }
      const index = gpuNamed(gpus, entry);
      if (index === undefined) break;
      if (!visible.includes(index)) visible.push(index);
      byIndexInCudaOrder ||= /^\d+$/.test(entry) && order !== 'PCI_BUS_ID';
    }
  }
  const notes: string[] = [];
  if (visible.length === 0 && gpus.length > 0) {
    notes.push('gpu: CUDA_VISIBLE_DEVICES leaves the trial no GPU, so none is sampled');
  }
  // CUDA numbers the fastest GPU first unless told PCI_BUS_ID; nvidia-smi, by PCI bus. With one
  // model the two agree; with several, an index may name another GPU than the trial's.
  if (byIndexInCudaOrder && new Set(gpus.map((gpu) => gpu.name)).size > 1) {
    notes.push(
      'gpu: CUDA_VISIBLE_DEVICES names GPUs by index on a machine with several GPU models, ' +
        'where CUDA may number them otherwise than nvidia-smi: name them by UUID, or set ' +
        'CUDA_DEVICE_ORDER=PCI_BUS_ID, to be sure the GPUs sampled are the trial’s',
    );
  }
  return { visible, notes };
}

/** `gpus` may repeat a GPU (one entry per sample): what counts is which indices match. */
function gpuNamed(gpus: readonly GpuIdentity[], entry: string): number | undefined {
  const named = /^\d+$/.test(entry)
    ? gpus.filter((gpu) => gpu.index === Number(entry))
    : /^GPU-/i.test(entry)
      ? gpus.filter((gpu) => gpu.uuid?.toLowerCase().startsWith(entry.toLowerCase()))
      : [];
  const indices = new Set(named.map((gpu) => gpu.index));
  // An ambiguous UUID prefix names no GPU, as in CUDA.
  return indices.size === 1 ? [...indices][0] : undefined;
}

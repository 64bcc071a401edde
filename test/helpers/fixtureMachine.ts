// Stand-ins for a machine's files and for nvidia-smi, shared by the doctor and tune tests. The
// files hold what Linux writes there (a value and a newline); the nvidia-smi script is not
// NVIDIA code: it answers perfgate's queries in the real one's CSV and logs every call.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary folder holding `files` (paths relative to it) with their texts. */
export async function fileTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'perfgate-tree-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  return root;
}

/**
 * nvidia-smi for `perfgate doctor --tune`: one GPU, persistence off, base clock 1410 MHz, the SM
 * clock at `sm`; settings (`-i 0 …`) accepted. `bin` goes first on PATH; `log` has the calls.
 */
export async function tuningNvidiaSmi(sm: number): Promise<{ bin: string; log: string }> {
  const bin = await mkdtemp(join(tmpdir(), 'perfgate-smi-'));
  const log = join(bin, 'calls.log');
  await writeFile(
    join(bin, 'nvidia-smi'),
    [
      '#!/usr/bin/env bash',
      `echo "$*" >> '${log}'`,
      'case "$1" in',
      "  --query-gpu=index,persistence_mode,clocks.default_applications.graphics) echo '0, Disabled, 1410' ;;",
      `  --query-gpu=index,clocks.sm) echo '0, ${sm}' ;;`,
      '  --query-gpu=*) exit 2 ;;',
      '  -i) exit 0 ;;',
      '  *) exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { bin, log };
}

// A data branch with many stored results, written in one `git fast-import` run: 10,000 results
// take seconds this way, where 10,000 appends would take an hour. The files are laid out as the
// store lays them out and look like a real run's (a few suites, ten trials per metric), so the
// store's tests and benchmarks/store-scale.ts see realistic trees and blob sizes.
import { spawn } from 'node:child_process';
import type { Results } from '../../src/results/schema.js';
import { resultPath } from '../../src/store/history.js';

export interface HistorySpec {
  /** How many results to store. */
  count: number;
  /** The data branch to create (replaced if it exists). */
  dataBranch?: string;
  /** Branches the results are spread over, round robin; the first gets every other one. */
  branches?: readonly string[];
  /** The newest result's time; each older one is `stepMinutes` earlier. */
  newest?: string;
  stepMinutes?: number;
  /** Every `foreignEvery`-th result has another config hash (0: none). */
  foreignEvery?: number;
}

export const CONFIG_HASH = 'c0ffee00c0ffee00';

/** The i-th result of a seeded history: i = 0 is the newest. */
export function storedResult(i: number, createdAt: string, configHash = CONFIG_HASH): Results {
  const trial = (center: number, t: number) =>
    Number((center * (1 + 0.02 * Math.sin(i * 7 + t))).toFixed(3));
  const metric = (name: string, unit: string, center: number, direction: 'lower' | 'higher') => ({
    name,
    unit,
    direction,
    samples: Array.from({ length: 10 }, (_, t) => trial(center, t)),
  });
  return {
    schema: 'perfgate/results@1',
    createdAt,
    commit: (0x1000000 + i).toString(16).padEnd(40, 'a'),
    ref: 'refs/heads/main',
    configHash,
    environment: {
      os: 'linux',
      arch: 'x64',
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      cpuCount: 2,
      nodeVersion: 'v20.20.2',
    },
    suites: [
      {
        name: 'api',
        metrics: [
          metric('latency_p50', 'ms', 12, 'lower'),
          metric('latency_p95', 'ms', 31, 'lower'),
          metric('latency_p99', 'ms', 48, 'lower'),
          metric('throughput', 'ops/s', 14_000, 'higher'),
        ],
      },
      { name: 'db', metrics: [metric('query_ms', 'ms', 3.2, 'lower')] },
    ],
  };
}

/**
 * Write `spec.count` results onto `spec.dataBranch` of the repository `repo` as one commit;
 * returns the paths, newest first.
 */
export async function seedHistory(repo: string, spec: HistorySpec): Promise<string[]> {
  const dataBranch = spec.dataBranch ?? 'perfgate-data';
  const branches = spec.branches ?? ['main'];
  const newest = Date.parse(spec.newest ?? '2026-11-27T09:00:00Z');
  const step = (spec.stepMinutes ?? 180) * 60_000;
  const lines: string[] = [
    `commit refs/heads/${dataBranch}`,
    'committer Seed <seed@example.com> 1764000000 +0000',
    data('Seed the history'),
    'M 100644 inline README.md',
    data('# perfgate history\n'),
  ];
  const paths: string[] = [];
  for (let i = 0; i < spec.count; i++) {
    const createdAt = new Date(newest - i * step).toISOString();
    const foreign = spec.foreignEvery ? i % spec.foreignEvery === spec.foreignEvery - 1 : false;
    const results = storedResult(i, createdAt, foreign ? 'another0config0' : CONFIG_HASH);
    const branch = i % 2 === 0 ? branches[0]! : branches[(i >> 1) % branches.length]!;
    const path = resultPath(results, branch, (i & 0xffffff).toString(16).padStart(6, '0'));
    paths.push(path);
    lines.push(`M 100644 inline ${path}`, data(`${JSON.stringify(results, null, 2)}\n`));
  }
  await fastImport(repo, `${lines.join('\n')}\n`);
  return paths;
}

/** fast-import's `data <bytes>` block. */
function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}`;
}

function fastImport(repo: string, stream: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, 'fast-import', '--quiet', '--force'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import failed: ${stderr}`)),
    );
    child.stdin.end(stream);
  });
}

/**
 * A fingerprint of what was measured and how, stored with results so that only results from
 * the same setup are compared. Targets, thresholds and statistics options are left out: changing
 * how results are judged must not orphan the baseline.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { mapPaths } from './paths.js';
import type { Config } from './schema.js';

/** JSON with every mapping's keys sorted, so key order in the YAML does not matter. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** sha256 (hex) of the measurement setup: service, suites (with inherited trials and durations), variants, collectors. */
export function configHash(config: Config): string {
  // Relative paths, so the same repository checked out elsewhere hashes the same.
  const dir = path.dirname(config.file);
  const { service, suites, variants, collectors } = mapPaths(config, (p) => path.relative(dir, p));
  const measured = {
    service: service && {
      command: service.command,
      cwd: service.cwd,
      env: service.env,
      restartPerTrial: service.restartPerTrial,
    },
    // Where a suite runs is the environment's part of the fingerprint, not the setup's.
    suites: suites.map(({ runsOn: _runsOn, ...suite }) => suite),
    variants,
    collectors: measuredCollectors(collectors),
  };
  return createHash('sha256').update(canonicalJson(measured)).digest('hex');
}

/**
 * The collectors without the targets their metrics are judged by: a target moved from 85 % to
 * 80 % measures the same things, and must keep the history comparable.
 */
function measuredCollectors(collectors: Config['collectors']): unknown {
  const { gpu, prometheus } = collectors;
  return {
    ...collectors,
    ...(gpu && { gpu: { ...gpu, utilizationTarget: undefined } }),
    ...(prometheus && {
      prometheus: {
        ...prometheus,
        metrics: prometheus.metrics.map((metric) => ({ ...metric, target: undefined })),
      },
    }),
  };
}

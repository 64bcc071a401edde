/**
 * The environment fingerprint a result carries, so that results from different machines are
 * never compared as if alike (DESIGN.md, "Compare like with like").
 */
import os from 'node:os';
import type { Environment } from '../results/schema.js';

export function hostEnvironment(env: NodeJS.ProcessEnv): Environment {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    ...(cpus[0] ? { cpuModel: cpus[0].model.trim() } : {}),
    cpuCount: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    ...(env.RUNNER_NAME ? { runner: env.RUNNER_NAME } : {}),
  };
}

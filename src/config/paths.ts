/**
 * The config's file and folder fields. In YAML they are relative to the config file's folder;
 * the resolved config holds them absolute. Listing them once here keeps resolving (load.ts)
 * and relativizing (hash.ts) in step.
 */
import path from 'node:path';
import type { Config } from './schema.js';

/** Apply `change` to every path field of a config. */
export function mapPaths(config: Config, change: (p: string) => string): Config {
  const { service } = config;
  return {
    ...config,
    setup: config.setup.map((step) => ({
      ...step,
      cwd: change(step.cwd),
      creates: step.creates.map(change),
      inputs: step.inputs.map(change),
    })),
    service: service && {
      ...service,
      cwd: change(service.cwd),
      logFile: service.logFile === undefined ? undefined : change(service.logFile),
    },
    suites: config.suites.map((suite) =>
      suite.kind === 'http'
        ? {
            ...suite,
            bodyGenerator:
              suite.bodyGenerator === undefined ? undefined : change(suite.bodyGenerator),
          }
        : {
            ...suite,
            cwd: change(suite.cwd),
            output: suite.output === 'stdout' ? suite.output : { file: change(suite.output.file) },
          },
    ),
  };
}

/** Where the service's output goes for one variant: service.logFile, else a file per variant. */
export function serviceLogFile(config: Config, variant: string): string {
  return (
    config.service?.logFile ??
    path.join(path.dirname(config.file), 'perfgate-out', `service-${variant}.log`)
  );
}

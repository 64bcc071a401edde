/** The `command` suite kind: a benchmark program that prints its metrics (run/command.ts). */
import type { CommandSuite } from '../../config/index.js';
import { runCommandTrial } from '../command.js';
import { missingRequirements } from '../requires.js';
import type { KindContext, SuiteKind } from './kind.js';

function processEnv(suite: CommandSuite, { variant, env }: Pick<KindContext, 'variant' | 'env'>) {
  return { ...env, ...suite.env, ...variant.env };
}

function commandOptions(suite: CommandSuite, context: KindContext) {
  return {
    command: suite.command,
    cwd: suite.cwd,
    env: processEnv(suite, context),
    timeoutSeconds: suite.timeoutSeconds,
    output: suite.output,
    trial: context.trial,
  };
}

export const commandSuite: SuiteKind<CommandSuite> = {
  processEnv,
  measure: (suite, context, signal) => runCommandTrial(commandOptions(suite, context), { signal }),
  // A warm-up is a trial whose output is discarded (trial.ts gives it number 0).
  warmUp: (suite, context, signal) => runCommandTrial(commandOptions(suite, context), { signal }),
  async skipReason(suite, env) {
    const missing = await missingRequirements(suite.requires, env);
    return missing.length > 0 ? missing.join(', ') : undefined;
  },
};

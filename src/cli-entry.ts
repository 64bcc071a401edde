// The `perfgate` bin: only wires the process to the in-process CLI.
import { perfgate } from './cli.js';

// An exception no caller can catch (a library's timer firing after a trial ended) must not end the
// process with Node's code 1, which means "regression" here: it is a failed run, exit 3.
process.on('uncaughtException', (error) => {
  process.stderr.write(`perfgate: run failed: uncaught ${error.stack ?? String(error)}\n`);
  process.exit(3);
});

const code = await perfgate(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;

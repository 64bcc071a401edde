// The `perfgate` bin: only wires the process to the in-process CLI.
import { perfgate } from './cli.js';

const code = await perfgate(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;

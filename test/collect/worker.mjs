// A controllable child process for the /proc collector tests, driven by lines on stdin:
//   burn MS   use MS milliseconds of CPU (user + system, as the kernel counts it), then print "done"
//   alloc MIB allocate and touch MIB MiB, keep it, then print "done"
//   exit      print "done" and exit
// It prints "ready PID" once listening, and exits when stdin closes.
// With the argument "tree" it is instead an idle parent of such a worker (sharing its stdio), so
// that tests can measure a process tree rooted at the parent.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === 'tree') {
  spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  // Stay alive after the worker exits, so that its CPU moves into this process's cutime.
  setInterval(() => {}, 60_000);
} else {
  const held = []; // kept reachable so that the memory stays resident
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, arg] = line.split(' ');
    if (command === 'burn') {
      const used = () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      };
      const until = used() + Number(arg);
      while (used() < until);
    } else if (command === 'alloc') {
      held.push(Buffer.alloc(Number(arg) * 2 ** 20, 1));
    }
    process.stdout.write('done\n');
    if (command === 'exit') process.exit(0);
  });
  lines.on('close', () => process.exit(0));
  process.stdout.write(`ready ${process.pid}\n`);
}

// A command benchmark in the perfgate protocol (docs/command-protocol.md): time a sort and
// print Bencher Metric Format JSON as the last line of stdout.
const n = Number(process.env.SORT_SIZE ?? 200_000);
const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e6);
const started = process.hrtime.bigint();
values.sort();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`sorted ${n} numbers`);
console.log(
  JSON.stringify({
    sort: {
      duration: { value: ms, unit: 'ms' },
      items_per_second: { value: n / (ms / 1000), unit: 'items/s', direction: 'higher' },
    },
  }),
);

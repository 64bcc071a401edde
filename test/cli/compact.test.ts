// `perfgate history compact --before DATE` in a checkout whose origin holds a data branch.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seedHistory } from '../helpers/storedHistory.js';
import { makeRemote, sh, type Remote } from '../store/repos.js';

let remote: Remote;
beforeEach(async () => {
  remote = await makeRemote();
});
afterEach(() => remote.cleanup());

it('compacts the data branch in one commit and says what it did', async () => {
  await seedHistory(remote.bare, { count: 20 });
  const tip = await sh(remote.bare, 'rev-parse', 'perfgate-data');
  const checkout = await remote.clone('user');

  const run = await runCli(['history', 'compact', '--before', '2026-11-26'], checkout);

  expect(run).toEqual({
    code: 0,
    stdout: expect.stringMatching(
      /^compacted 8 result\(s\) recorded before 2026-11-26T00:00:00\.000Z on perfgate-data \(commit [0-9a-f]{7}\); their trials stay in the parent commit\n$/,
    ),
    stderr: '',
  });
  expect(await sh(remote.bare, 'rev-parse', 'perfgate-data^')).toBe(tip);
  const again = await runCli(['history', 'compact', '--before', '2026-11-26'], checkout);
  expect(again.stdout).toMatch(/^nothing to compact on perfgate-data/);
});

it('refuses a cut-off it cannot read, and an unknown subcommand, with exit 2', async () => {
  const checkout = await remote.clone('user');
  const bad = await runCli(['history', 'compact', '--before', 'last week'], checkout);
  expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--before') });
  const missing = await runCli(['history', 'compact'], checkout);
  expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--before') });
  const rolled = await runCli(['history', 'compact', '--before', '2026-02-30'], checkout);
  expect(rolled).toMatchObject({ code: 2, stderr: expect.stringContaining('--before') });
  // A remote name that git would read as an option is refused before git sees it.
  const option = await runCli(
    ['history', 'compact', '--before', '2026-01-01', '--remote=--upload-pack=touch pwned'],
    checkout,
  );
  expect(option).toMatchObject({ code: 2, stderr: expect.stringContaining('--remote') });
  // A data branch that does not exist, or that git cannot name, is bad input too.
  const nope = await runCli(
    ['history', 'compact', '--before', '2026-01-01', '--data-branch', 'nope'],
    checkout,
  );
  expect(nope).toMatchObject({ code: 2, stderr: expect.stringContaining('"nope" does not exist') });
  const invalid = await runCli(
    ['history', 'compact', '--before', '2026-01-01', '--data-branch', 'a..b'],
    checkout,
  );
  expect(invalid).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('not a valid git branch name'),
  });
  const other = await runCli(['history', 'prune', '--before', '2026-01-01'], checkout);
  expect(other).toMatchObject({ code: 2, stderr: expect.stringContaining('"compact"') });
});

// Six recorders, each with its own checkout and store, append to one data branch at once:
// pushes race, losers rebuild on the new tip and retry, and no result may be lost.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gitStore } from '../../src/store/gitStore.js';
import { filesOn, makeRemote, result, type Remote } from './repos.js';

const RECORDERS = 6;
// Six at once make the races; five rounds each make them many (30 appends, most of them lost
// pushes that must rebuild and retry); 8 × 12 took two to three minutes of the suite's time.
const APPENDS = 5;

let remote: Remote;
beforeAll(async () => {
  remote = await makeRemote();
});
afterAll(() => remote.cleanup());

it(`loses none of ${RECORDERS} × ${APPENDS} concurrent appends`, async () => {
  const recorders = await Promise.all(
    Array.from({ length: RECORDERS }, async (_, r) => {
      const store = gitStore({ repoDir: await remote.clone(`user${r}`) });
      const paths: string[] = [];
      // Same time and commit for all: only the random part tells the files apart.
      for (let i = 0; i < APPENDS; i++) {
        paths.push(
          await store.append(result('2026-11-27T09:00:00Z', 'abcdef0'), { branch: 'main' }),
        );
      }
      return paths;
    }),
  );

  const stored = (await filesOn(remote.bare, 'perfgate-data')).filter((f) => f !== 'README.md');
  expect(stored).toHaveLength(RECORDERS * APPENDS);
  expect(new Set(stored)).toEqual(new Set(recorders.flat().map((p) => p.replace(/^[^:]*:/, ''))));
  const { entries, warnings } = await gitStore({ repoDir: await remote.clone('reader') }).list(
    'main',
  );
  expect(warnings).toEqual([]);
  expect(entries).toHaveLength(RECORDERS * APPENDS);
}, 180_000);

// Child process for the SQLite multi-process CAS test: opens the store file given as argv[2],
// waits for the parent's list of ids, tries to claim each in turn (scheduled -> running) and replies
// with the ids it won.
import { silentLogger } from '../../../engine/logger.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';

const [path, worker] = process.argv.slice(2);
if (!path || !worker || !process.send) throw new Error('usage: fork(cas-racer.child.ts, [path, worker])');
const store = await createSqliteStore({ kind: 'sqlite', path }, { logger: silentLogger });
await store.init();
process.send({ ready: true });
process.once('message', async (ids: string[]) => {
  // One claim at a time, each its own commit, so that the two processes interleave on the lock.
  const won: string[] = [];
  for (const id of ids) {
    const r = await store.executions.update(id, { expect: { status: 'scheduled' } }, { status: 'running', worker });
    if (r) won.push(r.id);
  }
  await store.close();
  process.send?.({ won }, () => process.exit(0));
});

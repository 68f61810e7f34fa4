import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SquallError } from '../../engine/errors.js';
import type { Execution } from '../../engine/model/execution.js';
import type { Store } from '../../engine/store/store.js';
import {
  makeAction,
  makeAlias,
  makeApiKey,
  makeExecution,
  makePack,
  makeToken,
  makeUser,
} from '../support/store-fixtures.js';

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SquallError);
  expect((e as SquallError).code).toBe(code);
}

/**
 * The behaviour every Store adapter must show. `make` returns a fresh, empty, not yet initialised
 * store; the suite calls `init()` and `close()`.
 */
export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
      await store.init();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('executions', () => {
      it('creates an execution with defaults and reads it back', async () => {
        const input = makeExecution({ parameters: { cmd: 'uptime', n: 3, nested: { ok: true, list: [1, null] } } });
        const created = await store.executions.create(input);
        expect(created).toMatchObject({ id: input.id, status: 'requested', log: [], children: [], attempts: 0 });
        expect(Date.parse(created.updated_at)).not.toBeNaN();
        expect(await store.executions.get(input.id)).toEqual(created);
        expect(await store.executions.get('0123456789abcdef01234567')).toBeUndefined();
      });

      it('refuses a second execution with the same id', async () => {
        const e = makeExecution();
        await store.executions.create(e);
        await expectCode(store.executions.create({ ...e }), 'SQ_CONFLICT');
      });

      it('lists newest first by default, oldest first on request, with totals before paging', async () => {
        const made: Execution[] = [];
        for (let i = 0; i < 5; i++) made.push(await store.executions.create(makeExecution()));
        const ids = made.map((e) => e.id);
        const all = await store.executions.list({});
        expect(all.items.map((e) => e.id)).toEqual([...ids].reverse());
        expect(all.total).toBe(5);
        const asc = await store.executions.list({ order: 'asc', limit: 2, offset: 1 });
        expect(asc.items.map((e) => e.id)).toEqual(ids.slice(1, 3));
        expect(asc.total).toBe(5);
        expect(await store.executions.list({ limit: 0 })).toEqual({ items: [], total: 5 });
        const tail = await store.executions.list({ offset: 4 });
        expect(tail.items.map((e) => e.id)).toEqual([ids[0]]);
      });

      it('filters by action, status, user and parent', async () => {
        const other = makeAction({ pack: 'linux', name: 'ls' });
        const a = await store.executions.create(makeExecution());
        const b = await store.executions.create(makeExecution({ action: other, context: { user: 'bob' } }));
        const c = await store.executions.create(makeExecution({ status: 'running', parent: a.id }));
        const d = await store.executions.create(makeExecution({ status: 'failed', action: other }));
        const ids = async (f: Parameters<Store['executions']['list']>[0]) =>
          (await store.executions.list({ ...f, order: 'asc' })).items.map((e) => e.id);
        expect(await ids({ action: 'linux.ls' })).toEqual([b.id, d.id]);
        expect(await ids({ status: 'running' })).toEqual([c.id]);
        expect(await ids({ status: ['running', 'failed'] })).toEqual([c.id, d.id]);
        expect(await ids({ status: [] })).toEqual([]);
        expect(await ids({ user: 'bob' })).toEqual([b.id]);
        expect(await ids({ parent: a.id })).toEqual([c.id]);
        expect(await ids({ action: 'linux.ls', status: 'requested', user: 'bob' })).toEqual([b.id]);
        const page = await store.executions.list({ action: 'linux.ls', limit: 1 });
        expect(page).toMatchObject({ total: 2, items: [{ id: d.id }] });
      });

      it('filters by last update and by stale or missing heartbeat', async () => {
        const quiet = await store.executions.create(makeExecution({ status: 'running' }));
        const beating = await store.executions.create(makeExecution({ status: 'running' }));
        const stale = await store.executions.create(makeExecution({ status: 'running' }));
        await store.executions.heartbeat(beating.id, minutesFromNow(0));
        await store.executions.heartbeat(stale.id, minutesFromNow(-10));
        const ids = async (f: Parameters<Store['executions']['list']>[0]) =>
          (await store.executions.list({ ...f, order: 'asc' })).items.map((e) => e.id);
        expect(await ids({ heartbeatBefore: minutesFromNow(-1) })).toEqual([quiet.id, stale.id]);
        expect(await ids({ updatedBefore: minutesFromNow(1) })).toEqual([quiet.id, beating.id, stale.id]);
        expect(await ids({ updatedBefore: minutesFromNow(-60) })).toEqual([]);
      });

      it('applies a patch only while the status is the expected one', async () => {
        const e = await store.executions.create(makeExecution());
        const scheduled = await store.executions.update(
          e.id,
          { expect: { status: 'requested' } },
          { status: 'scheduled', appendLog: { status: 'scheduled', timestamp: minutesFromNow(0) } },
        );
        expect(scheduled).toMatchObject({ status: 'scheduled', log: [{ status: 'scheduled' }] });
        expect(scheduled!.updated_at >= e.updated_at).toBe(true);
        const stale = await store.executions.update(e.id, { expect: { status: 'requested' } }, { status: 'canceled' });
        expect(stale).toBeUndefined();
        expect((await store.executions.get(e.id))?.status).toBe('scheduled');
        expect(
          await store.executions.update('0123456789abcdef01234567', { expect: { status: 'requested' } }, {}),
        ).toBeUndefined();
      });

      it('accepts a list of expected statuses', async () => {
        const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
        const r = await store.executions.update(
          e.id,
          { expect: { status: ['requested', 'scheduled', 'running'] } },
          { status: 'canceled' },
        );
        expect(r?.status).toBe('canceled');
        expect(
          await store.executions.update(e.id, { expect: { status: ['requested', 'running'] } }, {}),
        ).toBeUndefined();
      });

      it('lets exactly one of two racing updates win', async () => {
        const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
        const results = await Promise.all([
          store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running', worker: 'w1' }),
          store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running', worker: 'w2' }),
        ]);
        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        expect((await store.executions.get(e.id))?.worker).toBe(winners[0]?.worker);
      });

      it('lets exactly one of many racing updates win', async () => {
        const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            store.executions.update(
              e.id,
              { expect: { status: 'scheduled' } },
              { status: 'running', worker: `w${i}`, appendLog: { status: 'running', timestamp: minutesFromNow(0) } },
            ),
          ),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        expect((await store.executions.get(e.id))?.log).toHaveLength(1);
      });

      it('appends to the log, replaces result and context, and updates what filters see', async () => {
        const e = await store.executions.create(
          makeExecution({ log: [{ status: 'requested', timestamp: '2030-01-01T00:00:00.000Z' }] }),
        );
        await store.executions.update(
          e.id,
          { expect: { status: 'requested' } },
          { status: 'running', result: { a: 1, b: { c: 2 } }, attempts: 2, heartbeat_at: minutesFromNow(0) },
        );
        const done = await store.executions.update(
          e.id,
          { expect: { status: 'running' } },
          {
            status: 'succeeded',
            result: { b: { d: 3 } },
            end_timestamp: '2030-01-01T00:01:00.000Z',
            context: { user: 'carol', api_user: 'U1' },
            children: ['c1', 'c2'],
            appendLog: { status: 'succeeded', timestamp: '2030-01-01T00:01:00.000Z' },
          },
        );
        expect(done).toMatchObject({
          status: 'succeeded',
          result: { b: { d: 3 } },
          attempts: 2,
          end_timestamp: '2030-01-01T00:01:00.000Z',
          context: { user: 'carol', api_user: 'U1' },
          children: ['c1', 'c2'],
          parameters: e.parameters,
        });
        expect(done?.result).toEqual({ b: { d: 3 } });
        expect(done?.log.map((l) => l.status)).toEqual(['requested', 'succeeded']);
        expect(await store.executions.get(e.id)).toEqual(done);
        expect((await store.executions.list({ user: 'carol' })).total).toBe(1);
        expect((await store.executions.list({ status: 'succeeded' })).total).toBe(1);
      });

      it('records a heartbeat only while running', async () => {
        const e = await store.executions.create(makeExecution({ status: 'scheduled' }));
        const at = minutesFromNow(0);
        expect(await store.executions.heartbeat(e.id, at)).toBe(false);
        await store.executions.update(e.id, { expect: { status: 'scheduled' } }, { status: 'running' });
        expect(await store.executions.heartbeat(e.id, at)).toBe(true);
        expect((await store.executions.get(e.id))?.heartbeat_at).toBe(at);
        await store.executions.update(e.id, { expect: { status: 'running' } }, { status: 'succeeded' });
        expect(await store.executions.heartbeat(e.id, minutesFromNow(1))).toBe(false);
        expect((await store.executions.get(e.id))?.heartbeat_at).toBe(at);
        expect(await store.executions.heartbeat('0123456789abcdef01234567', at)).toBe(false);
      });

      it('counts executions by status', async () => {
        expect(await store.executions.countByStatus()).toEqual({});
        await store.executions.create(makeExecution());
        await store.executions.create(makeExecution());
        await store.executions.create(makeExecution({ status: 'failed' }));
        expect(await store.executions.countByStatus()).toEqual({ requested: 2, failed: 1 });
      });
    });

    describe('output', () => {
      it('assigns increasing seq across executions and lists one execution in order', async () => {
        const first = await store.output.append([
          { execution_id: 'e1', stream: 'stdout', data: 'a' },
          { execution_id: 'e2', stream: 'stdout', data: 'x' },
          { execution_id: 'e1', stream: 'stderr', data: 'b', timestamp: '2030-01-01T00:00:00.000Z' },
        ]);
        const second = await store.output.append([{ execution_id: 'e1', stream: 'stdout', data: 'c' }]);
        const seqs = [...first, ...second].map((c) => c.seq);
        expect([...seqs].sort((p, q) => p - q)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(4);
        expect(first[2]?.timestamp).toBe('2030-01-01T00:00:00.000Z');
        const e1 = await store.output.list('e1');
        expect(e1.map((c) => c.data)).toEqual(['a', 'b', 'c']);
        expect(e1[0]).toEqual(first[0]);
        expect(await store.output.append([])).toEqual([]);
      });

      it('lists after a seq and by stream', async () => {
        const chunks = await store.output.append(
          ['1', '2', '3', '4'].map((data, i) => ({
            execution_id: 'e1',
            stream: i % 2 ? ('stderr' as const) : ('stdout' as const),
            data,
          })),
        );
        const afterSecond = await store.output.list('e1', { afterSeq: chunks[1]!.seq });
        expect(afterSecond.map((c) => c.data)).toEqual(['3', '4']);
        expect((await store.output.list('e1', { stream: 'stderr' })).map((c) => c.data)).toEqual(['2', '4']);
        expect(
          (await store.output.list('e1', { afterSeq: chunks[1]!.seq, stream: 'stdout' })).map((c) => c.data),
        ).toEqual(['3']);
        expect(await store.output.list('nope')).toEqual([]);
      });
    });

    describe('catalog', () => {
      it('keeps the id of an existing ref on upsert and reads by ref or id', async () => {
        const first = await store.actions.upsert(makeAction({ name: 'local', description: 'v1' }));
        const again = await store.actions.upsert(makeAction({ name: 'local', description: 'v2' }));
        expect(again.id).toBe(first.id);
        expect(await store.actions.get('core.local')).toEqual({ ...again, description: 'v2' });
        expect(await store.actions.get(first.id)).toEqual(again);
        expect(await store.actions.get('core.nope')).toBeUndefined();
        expect(await store.actions.get('0123456789abcdef01234567')).toBeUndefined();
        expect((await store.actions.list()).total).toBe(1);
      });

      it('lists sorted by pack then name, filtered and paged, with totals', async () => {
        for (const [pack, name] of [
          ['linux', 'ls'],
          ['core', 'remote'],
          ['core', 'local'],
          ['chatops', 'post'],
        ] as const) {
          await store.actions.upsert(makeAction({ pack, name }));
        }
        const all = await store.actions.list();
        expect(all.items.map((a) => a.ref)).toEqual(['chatops.post', 'core.local', 'core.remote', 'linux.ls']);
        expect(all.total).toBe(4);
        const page = await store.actions.list({ limit: 2, offset: 1 });
        expect(page.items.map((a) => a.ref)).toEqual(['core.local', 'core.remote']);
        expect(page.total).toBe(4);
        const core = await store.actions.list({ pack: 'core', limit: 1 });
        expect(core.items.map((a) => a.ref)).toEqual(['core.local']);
        expect(core.total).toBe(2);
        expect((await store.actions.list({ name: 'ls' })).items.map((a) => a.ref)).toEqual(['linux.ls']);
      });

      it('deletes by ref or id and prunes what a pack no longer has', async () => {
        const a = await store.actions.upsert(makeAction({ name: 'a' }));
        await store.actions.upsert(makeAction({ name: 'b' }));
        await store.actions.upsert(makeAction({ name: 'c' }));
        await store.actions.upsert(makeAction({ name: 'd' }));
        await store.actions.upsert(makeAction({ pack: 'linux', name: 'a' }));
        expect(await store.actions.delete(a.id)).toBe(true);
        expect(await store.actions.delete(a.id)).toBe(false);
        expect(await store.actions.delete('core.b')).toBe(true);
        expect(await store.actions.delete('core.b')).toBe(false);
        expect(await store.actions.deleteMissing('core', ['core.c'])).toBe(1);
        expect((await store.actions.list()).items.map((x) => x.ref)).toEqual(['core.c', 'linux.a']);
        expect(await store.actions.deleteMissing('linux', [])).toBe(1);
        expect((await store.actions.list()).items.map((x) => x.ref)).toEqual(['core.c']);
      });

      it('stores packs and aliases the same way', async () => {
        const pack = await store.packs.upsert(makePack({ ref: 'core', keywords: ['x'] }));
        const again = await store.packs.upsert(makePack({ ref: 'core', version: '2.0.0' }));
        expect(again.id).toBe(pack.id);
        expect((await store.packs.get('core'))?.version).toBe('2.0.0');
        await store.packs.upsert(makePack({ ref: 'chatops' }));
        expect((await store.packs.list()).items.map((p) => p.ref)).toEqual(['chatops', 'core']);
        expect((await store.packs.list({ pack: 'core' })).total).toBe(1);

        const alias = await store.aliases.upsert(makeAlias({ formats: ['run {{cmd}}', { display: 'x' }] }));
        expect(await store.aliases.get(alias.id)).toEqual(alias);
        expect((await store.aliases.list({ pack: 'chatops' })).items).toEqual([alias]);
        expect(await store.aliases.deleteMissing('chatops', [])).toBe(1);
        expect(await store.aliases.get(alias.ref)).toBeUndefined();
      });
    });

    describe('users, API keys and tokens', () => {
      it('creates, reads, lists and updates users, and finds them by chat nickname', async () => {
        const alice = await store.users.create(makeUser({ nicknames: { slack: 'U1', discord: '42' } }));
        await store.users.create(makeUser({ name: 'bob', nicknames: { slack: 'U2' } }));
        await expectCode(store.users.create(makeUser()), 'SQ_CONFLICT');
        expect(await store.users.get('alice')).toEqual(alice);
        expect(await store.users.get('nobody')).toBeUndefined();
        expect((await store.users.list()).map((u) => u.name)).toEqual(['alice', 'bob']);
        expect((await store.users.findByNickname('slack', 'U2'))?.name).toBe('bob');
        expect((await store.users.findByNickname('discord', '42'))?.name).toBe('alice');
        expect(await store.users.findByNickname('discord', 'U1')).toBeUndefined();
        expect(await store.users.findByNickname('teams', 'U1')).toBeUndefined();

        const updated = await store.users.update('alice', { roles: ['admin'], nicknames: { teams: 'T1' } });
        expect(updated).toEqual({ ...alice, roles: ['admin'], nicknames: { teams: 'T1' } });
        expect(await store.users.get('alice')).toEqual(updated);
        expect((await store.users.findByNickname('teams', 'T1'))?.name).toBe('alice');
        expect(await store.users.findByNickname('slack', 'U1')).toBeUndefined();
        expect(await store.users.update('nobody', { enabled: false })).toBeUndefined();
      });

      it('stores API keys, finds them by hash and user, updates and deletes them', async () => {
        const k1 = await store.apiKeys.create(makeApiKey({ metadata: { note: 'ci' } }));
        const k2 = await store.apiKeys.create(makeApiKey({ user: 'bob' }));
        await expectCode(store.apiKeys.create(makeApiKey({ key_hash: k1.key_hash })), 'SQ_CONFLICT');
        expect(await store.apiKeys.get(k1.id)).toEqual(k1);
        expect(await store.apiKeys.getByHash(k2.key_hash)).toEqual(k2);
        expect(await store.apiKeys.getByHash('nope')).toBeUndefined();
        expect((await store.apiKeys.list()).map((k) => k.id).sort()).toEqual([k1.id, k2.id].sort());
        expect(await store.apiKeys.list({ user: 'bob' })).toEqual([k2]);
        const disabled = await store.apiKeys.update(k1.id, { enabled: false });
        expect(disabled).toEqual({ ...k1, enabled: false });
        expect(await store.apiKeys.getByHash(k1.key_hash)).toEqual(disabled);
        expect(await store.apiKeys.update('0123456789abcdef01234567', { enabled: false })).toBeUndefined();
        expect(await store.apiKeys.delete(k1.id)).toBe(true);
        expect(await store.apiKeys.delete(k1.id)).toBe(false);
        expect(await store.apiKeys.get(k1.id)).toBeUndefined();
      });

      it('stores tokens and deletes expired ones', async () => {
        const old = await store.tokens.create(makeToken({ expiry: '2030-01-01T00:00:00.000Z' }));
        const fresh = await store.tokens.create(makeToken({ expiry: '2030-01-03T00:00:00.000Z', metadata: { a: 1 } }));
        expect(await store.tokens.getByHash(fresh.token_hash)).toEqual(fresh);
        expect(await store.tokens.deleteExpired('2030-01-02T00:00:00.000Z')).toBe(1);
        expect(await store.tokens.getByHash(old.token_hash)).toBeUndefined();
        expect(await store.tokens.getByHash(fresh.token_hash)).toEqual(fresh);
        expect(await store.tokens.delete(fresh.token_hash)).toBe(true);
        expect(await store.tokens.delete(fresh.token_hash)).toBe(false);
      });
    });

    describe('events', () => {
      it('numbers events, reads them since an id, and remembers the last id after pruning', async () => {
        expect(await store.events.lastId()).toBe(0);
        const a = await store.events.append({ event: 'st2.execution__create', data: { id: 'e1' } });
        const b = await store.events.append({ event: 'st2.execution__update', data: { id: 'e1', n: [1] } });
        const c = await store.events.append({ event: 'st2.execution__update', data: { id: 'e2' } });
        expect(b.id).toBeGreaterThan(a.id);
        expect(c.id).toBeGreaterThan(b.id);
        expect(await store.events.lastId()).toBe(c.id);
        expect(await store.events.since(a.id)).toEqual([b, c]);
        expect(await store.events.since(0, 2)).toEqual([a, b]);
        expect(await store.events.since(c.id)).toEqual([]);
        expect(await store.events.prune(minutesFromNow(-1))).toBe(0);
        expect(await store.events.prune(minutesFromNow(1))).toBe(3);
        expect(await store.events.since(0)).toEqual([]);
        expect(await store.events.lastId()).toBe(c.id);
        const d = await store.events.append({ event: 'x', data: {} });
        expect(d.id).toBeGreaterThan(c.id);
      });
    });

    describe('outbox', () => {
      const past = '2030-01-01T00:00:00.000Z';
      const now = '2030-01-01T00:01:00.000Z';
      const later = '2030-01-01T00:02:00.000Z';

      it('returns the due head of each queue with the prefix, keeping each queue in order', async () => {
        await store.outbox.enqueue({ id: 'a1', queue: 'slack:A', payload: { text: 'a1' }, due_at: later });
        await store.outbox.enqueue({ id: 'a2', queue: 'slack:A', payload: { text: 'a2' }, due_at: past });
        await store.outbox.enqueue({ id: 'b1', queue: 'slack:B', payload: { text: 'b1' }, due_at: past });
        await store.outbox.enqueue({ id: 'b2', queue: 'slack:B', payload: { text: 'b2' }, due_at: past });
        await store.outbox.enqueue({ id: 't1', queue: 'teams:A', payload: { text: 't1' }, due_at: past });
        const heads = await store.outbox.heads('slack:', now);
        expect(heads.map((h) => h.id)).toEqual(['b1']);
        expect(heads[0]).toMatchObject({ queue: 'slack:B', payload: { text: 'b1' }, attempts: 0 });
        expect((await store.outbox.heads('teams:', now)).map((h) => h.id)).toEqual(['t1']);
        expect((await store.outbox.heads('', now)).map((h) => h.id).sort()).toEqual(['b1', 't1']);
        expect((await store.outbox.pending('slack:')).map((h) => h.id)).toEqual(['a1', 'a2', 'b1', 'b2']);
      });

      it('reschedules and removes items, and treats a repeated enqueue as a no-op', async () => {
        const a1 = await store.outbox.enqueue({ id: 'a1', queue: 'q:A', payload: { n: 1 }, due_at: past });
        await store.outbox.enqueue({ id: 'a2', queue: 'q:A', payload: { n: 2 }, due_at: past, attempts: 1 });
        const again = await store.outbox.enqueue({ id: 'a1', queue: 'q:A', payload: { n: 99 }, due_at: later });
        expect(again).toEqual(a1);
        expect((await store.outbox.pending('q:')).map((i) => i.id)).toEqual(['a1', 'a2']);

        await store.outbox.reschedule('a1', later, 1);
        expect(await store.outbox.heads('q:', now)).toEqual([]);
        expect((await store.outbox.heads('q:', later))[0]).toMatchObject({ id: 'a1', attempts: 1, due_at: later });
        await store.outbox.remove('a1');
        expect((await store.outbox.heads('q:', now)).map((i) => i.id)).toEqual(['a2']);
        await store.outbox.remove('a2');
        expect(await store.outbox.pending('q:')).toEqual([]);
      });
    });

    describe('leases', () => {
      it('lets exactly one of two racing holders take a free lease', async () => {
        const [a, b] = await Promise.all([
          store.leases.acquire('timers', 'a', 60_000),
          store.leases.acquire('timers', 'b', 60_000),
        ]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        const winner = a ? 'a' : 'b';
        expect((await store.leases.get('timers'))?.holder).toBe(winner);
        const racers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.leases.acquire('gc', `h${i}`, 60_000)),
        );
        expect(racers.filter(Boolean)).toHaveLength(1);
      });

      it('extends the lease its holder acquires again and refuses it to others while live', async () => {
        expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
        const first = await store.leases.get('timers');
        expect(first).toMatchObject({ name: 'timers', holder: 'a' });
        expect(Date.parse(first!.expires_at)).toBeGreaterThan(Date.now());
        expect(await store.leases.acquire('timers', 'a', 600_000)).toBe(true);
        expect((await store.leases.get('timers'))!.expires_at > first!.expires_at).toBe(true);
        expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(false);
        expect((await store.leases.get('timers'))?.holder).toBe('a');
        expect(await store.leases.acquire('gc', 'b', 60_000)).toBe(true);
      });

      it('lets another holder take over an expired lease, which the old holder can no longer renew', async () => {
        expect(await store.leases.acquire('timers', 'a', 1)).toBe(true);
        await expect.poll(() => store.leases.get('timers')).toBeUndefined();
        expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(true);
        expect((await store.leases.get('timers'))?.holder).toBe('b');
        expect(await store.leases.renew('timers', 'a', 60_000)).toBe(false);
        expect(await store.leases.release('timers', 'a')).toBe(false);
        expect((await store.leases.get('timers'))?.holder).toBe('b');
      });

      it('renews only for the live holder', async () => {
        expect(await store.leases.renew('timers', 'a', 60_000)).toBe(false);
        expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
        const before = (await store.leases.get('timers'))!.expires_at;
        expect(await store.leases.renew('timers', 'b', 600_000)).toBe(false);
        expect(await store.leases.get('timers')).toEqual({ name: 'timers', holder: 'a', expires_at: before });
        expect(await store.leases.renew('timers', 'a', 600_000)).toBe(true);
        expect((await store.leases.get('timers'))!.expires_at > before).toBe(true);
      });

      it('frees a released lease at once, and only its holder can release it', async () => {
        expect(await store.leases.acquire('timers', 'a', 60_000)).toBe(true);
        expect(await store.leases.release('timers', 'b')).toBe(false);
        expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(false);
        expect(await store.leases.release('timers', 'a')).toBe(true);
        expect(await store.leases.get('timers')).toBeUndefined();
        expect(await store.leases.release('timers', 'a')).toBe(false);
        expect(await store.leases.acquire('timers', 'b', 60_000)).toBe(true);
      });
    });

    describe('dedup and kv', () => {
      it('lets a key be claimed exactly once until pruned', async () => {
        expect(await store.dedup.claim('slack:evt1', '2030-01-01T00:00:00.000Z')).toBe(true);
        expect(await store.dedup.claim('slack:evt1')).toBe(false);
        const racers = await Promise.all(
          Array.from({ length: 10 }, () => store.dedup.claim('slack:evt2', '2030-01-01T00:00:05.000Z')),
        );
        expect(racers.filter(Boolean)).toHaveLength(1);
        expect(await store.dedup.prune('2030-01-01T00:00:01.000Z')).toBe(1);
        expect(await store.dedup.claim('slack:evt1')).toBe(true);
      });

      it('stores JSON values, hides expired ones and deletes', async () => {
        await store.kv.set('obj', { a: [1, 'two', null, { b: true }] });
        await store.kv.set('num', 3.5);
        await store.kv.set('str', 'text');
        await store.kv.set('nul', null);
        expect(await store.kv.get('obj')).toEqual({ a: [1, 'two', null, { b: true }] });
        expect(await store.kv.get('num')).toBe(3.5);
        expect(await store.kv.get('str')).toBe('text');
        expect(await store.kv.get('nul')).toBeNull();
        expect(await store.kv.get('missing')).toBeUndefined();

        await store.kv.set('old', 'gone', { expiresAt: minutesFromNow(-1) });
        await store.kv.set('fresh', 'here', { expiresAt: minutesFromNow(10) });
        expect(await store.kv.get('old')).toBeUndefined();
        expect(await store.kv.get('fresh')).toBe('here');
        expect(await store.kv.delete('old')).toBe(false);

        await store.kv.set('fresh', 'forever');
        expect(await store.kv.get('fresh')).toBe('forever');
        expect(await store.kv.delete('fresh')).toBe(true);
        expect(await store.kv.delete('fresh')).toBe(false);
        expect(await store.kv.get('fresh')).toBeUndefined();
      });
    });
  });
}

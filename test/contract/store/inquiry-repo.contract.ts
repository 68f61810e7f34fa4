import { beforeEach, describe, expect, it } from 'vitest';
import type { Inquiry } from '../../../engine/model/inquiry.js';
import type { Store } from '../../../engine/store/store.js';

/** InquiryRepo: questions asked by core.ask, ended once by compare-and-set. */
export function inquiryRepoContract(current: () => Store): void {
  describe('inquiries', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const ask = (id: string, extra: Partial<Inquiry> = {}): Inquiry => ({
      id,
      parent: 'wf1',
      status: 'pending',
      schema: { type: 'object', properties: { approved: { type: 'boolean' } } },
      roles: [],
      users: ['alice'],
      route: 'ops',
      ttl: 60,
      requester: 'bob',
      created_at: '2026-01-01T00:00:00.000Z',
      expires_at: '2026-01-01T01:00:00.000Z',
      ...extra,
    });

    it('creates once and reads back', async () => {
      expect(await store.inquiries.create(ask('i1'))).toBe(true);
      expect(await store.inquiries.create(ask('i1', { route: 'other' }))).toBe(false);
      expect(await store.inquiries.get('i1')).toEqual(ask('i1'));
      expect(await store.inquiries.get('nope')).toBeUndefined();
    });

    it('ends a pending inquiry once: the second answer loses', async () => {
      await store.inquiries.create(ask('i2'));
      const at = '2026-01-01T00:10:00.000Z';
      const won = await store.inquiries.end('i2', {
        status: 'responded',
        response: { approved: true },
        responded_by: 'alice',
        responded_at: at,
      });
      expect(won).toMatchObject({ id: 'i2', status: 'responded', response: { approved: true }, responded_by: 'alice' });
      expect(await store.inquiries.end('i2', { status: 'timeout' })).toBeUndefined();
      expect(await store.inquiries.get('i2')).toMatchObject({ status: 'responded', responded_at: at });
      expect(await store.inquiries.end('nope', { status: 'canceled' })).toBeUndefined();
    });

    it('lists newest first, by status, with a total', async () => {
      await store.inquiries.create(ask('a', { created_at: '2026-01-01T00:00:01.000Z' }));
      await store.inquiries.create(ask('b', { created_at: '2026-01-01T00:00:02.000Z' }));
      await store.inquiries.create(ask('c', { created_at: '2026-01-01T00:00:03.000Z' }));
      await store.inquiries.end('b', { status: 'canceled' });
      const pending = await store.inquiries.list({ status: 'pending' });
      expect(pending.items.map((i) => i.id)).toEqual(['c', 'a']);
      expect(pending.total).toBe(2);
      const page = await store.inquiries.list({ limit: 1, offset: 1 });
      expect(page.items.map((i) => i.id)).toEqual(['b']);
      expect(page.total).toBe(3);
    });

    it('finds pending inquiries past their expiry only', async () => {
      await store.inquiries.create(ask('old', { expires_at: '2026-01-01T00:01:00.000Z' }));
      await store.inquiries.create(ask('new', { expires_at: '2026-01-02T00:00:00.000Z' }));
      const { expires_at: _never, ...forever } = ask('forever');
      await store.inquiries.create(forever);
      await store.inquiries.create(ask('done', { expires_at: '2026-01-01T00:00:30.000Z' }));
      await store.inquiries.end('done', { status: 'canceled' });
      const due = await store.inquiries.expired('2026-01-01T12:00:00.000Z', 10);
      expect(due.map((i) => i.id)).toEqual(['old']);
    });

    it('records where the question was posted', async () => {
      await store.inquiries.create(ask('i3'));
      const chat = {
        platform: 'slack',
        channel: 'C1',
        thread: '1.2',
        message: { platform: 'slack', channel: 'C1', id: '3.4' },
      };
      await store.inquiries.setChat('i3', chat);
      expect((await store.inquiries.get('i3'))?.chat).toEqual(chat);
    });
  });
}

import type { Inquiry, InquiryChat } from '../../model/inquiry.js';
import type { InquiryEnd, InquiryFilter, InquiryRepo } from '../inquiry-repo.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import { purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Inquiries as one JSON document plus the columns the filters and the expiry sweep use. */
export class SqliteInquiryRepo implements InquiryRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(i: Inquiry): Promise<boolean> {
    const changes = await this.#conn.write(
      `storing inquiry ${i.id}`,
      () =>
        this.#conn
          .prepare(
            `INSERT INTO inquiries (id, status, created_at, expires_at, doc) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING`,
          )
          .run(i.id, i.status, i.created_at, i.expires_at ?? null, JSON.stringify(i)).changes,
    );
    return changes > 0;
  }

  async get(id: string): Promise<Inquiry | undefined> {
    const doc = guard(`reading inquiry ${id}`, () =>
      this.#conn.prepareValue<string>('SELECT doc FROM inquiries WHERE id = ?').get(id),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as Inquiry);
  }

  async list(filter: InquiryFilter): Promise<Page<Inquiry>> {
    const where = filter.status === undefined ? '' : 'WHERE status = ?';
    const args: unknown[] = filter.status === undefined ? [] : [filter.status];
    return guard('listing inquiries', () => {
      const total = this.#conn.prepareValue<number>(`SELECT COUNT(*) FROM inquiries ${where}`).get(...args) ?? 0;
      const docs = this.#conn
        .prepareValue<string>(`SELECT doc FROM inquiries ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...args, filter.limit ?? 100, filter.offset ?? 0);
      return { items: docs.map((d) => JSON.parse(d) as Inquiry), total };
    });
  }

  async end(id: string, end: InquiryEnd): Promise<Inquiry | undefined> {
    return this.#conn.write(`ending inquiry ${id}`, () => {
      const doc = this.#conn
        .prepareValue<string>("SELECT doc FROM inquiries WHERE id = ? AND status = 'pending'")
        .get(id);
      if (doc === undefined) return undefined;
      const next: Inquiry = { ...(JSON.parse(doc) as Inquiry), ...end };
      const changes = this.#conn
        .prepare("UPDATE inquiries SET status = ?, doc = ? WHERE id = ? AND status = 'pending'")
        .run(next.status, JSON.stringify(next), id).changes;
      return changes > 0 ? next : undefined;
    });
  }

  async setChat(id: string, chat: InquiryChat): Promise<void> {
    await this.#conn.write(`storing inquiry ${id}`, () => {
      const doc = this.#conn.prepareValue<string>('SELECT doc FROM inquiries WHERE id = ?').get(id);
      if (doc === undefined) return;
      const next: Inquiry = { ...(JSON.parse(doc) as Inquiry), chat };
      this.#conn.prepare('UPDATE inquiries SET doc = ? WHERE id = ?').run(JSON.stringify(next), id);
    });
  }

  async expired(at: string, limit: number): Promise<Inquiry[]> {
    return guard('listing expired inquiries', () =>
      this.#conn
        .prepareValue<string>(
          `SELECT doc FROM inquiries WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at < ?
           ORDER BY expires_at LIMIT ?`,
        )
        .all(at, limit)
        .map((d) => JSON.parse(d) as Inquiry),
    );
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeRows(
      this.#conn,
      'purging inquiries',
      'inquiries',
      "status IN ('responded', 'timeout', 'canceled') AND created_at < ?",
      [req.before],
      req,
    );
  }
}

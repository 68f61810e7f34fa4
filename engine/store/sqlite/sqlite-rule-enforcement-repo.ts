import type { RuleEnforcement } from '../../model/rule.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import type { RuleEnforcementFilter, RuleEnforcementRepo } from '../rule-enforcement-repo.js';
import { purgeRows, type SqliteConnection } from './sqlite-connection.js';
import { guard } from './sqlite-errors.js';

/** Rule enforcements as one JSON document plus the columns StackStorm's filters use. */
export class SqliteRuleEnforcementRepo implements RuleEnforcementRepo {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async create(e: RuleEnforcement): Promise<RuleEnforcement> {
    await this.#conn.write(`storing rule enforcement ${e.id}`, () =>
      this.#conn
        .prepare(
          `INSERT INTO rule_enforcements (id, rule_ref, rule_id, trigger_instance_id, execution_id, enforced_at, doc)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.id,
          e.rule.ref,
          e.rule.id,
          e.trigger_instance_id,
          e.execution_id ?? null,
          e.enforced_at,
          JSON.stringify(e),
        ),
    );
    return e;
  }

  async get(id: string): Promise<RuleEnforcement | undefined> {
    const doc = guard(`reading rule enforcement ${id}`, () =>
      this.#conn.prepareValue<string>('SELECT doc FROM rule_enforcements WHERE id = ?').get(id),
    );
    return doc === undefined ? undefined : (JSON.parse(doc) as RuleEnforcement);
  }

  async list(filter: RuleEnforcementFilter): Promise<Page<RuleEnforcement>> {
    const where: string[] = [];
    const args: unknown[] = [];
    const eq: [string, string | undefined][] = [
      ['rule_ref', filter.ruleRef],
      ['rule_id', filter.ruleId],
      ['execution_id', filter.execution],
      ['trigger_instance_id', filter.triggerInstance],
    ];
    for (const [col, v] of eq) {
      if (v === undefined) continue;
      where.push(`${col} = ?`);
      args.push(v);
    }
    if (filter.enforcedAfter !== undefined) {
      where.push('enforced_at > ?');
      args.push(filter.enforcedAfter);
    }
    if (filter.enforcedBefore !== undefined) {
      where.push('enforced_at < ?');
      args.push(filter.enforcedBefore);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = filter.order === 'asc' ? 'ASC' : 'DESC';
    const conn = this.#conn;
    const read = conn.db.transaction(() => ({
      total: conn.prepareValue<number>(`SELECT COUNT(*) FROM rule_enforcements ${whereSql}`).get(...args) ?? 0,
      docs: conn
        .prepareValue<string>(
          `SELECT doc FROM rule_enforcements ${whereSql} ORDER BY enforced_at ${dir}, id ${dir} LIMIT ? OFFSET ?`,
        )
        .all(...args, filter.limit ?? -1, filter.offset ?? 0),
    }));
    const { total, docs } = guard('listing rule enforcements', () => read());
    return { items: docs.map((d) => JSON.parse(d) as RuleEnforcement), total };
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeRows(
      this.#conn,
      'purging rule enforcements',
      'rule_enforcements',
      'enforced_at < ?',
      [req.before],
      req,
    );
  }
}

import type { RuleEnforcement } from '../../model/rule.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
import type { RuleEnforcementFilter, RuleEnforcementRepo } from '../rule-enforcement-repo.js';
import { guard } from './mongo-errors.js';
import { type MongoModel, purgeDocs } from './mongo-models.js';
import { fromDoc, type RuleEnforcementDoc, raw } from './mongo-types.js';

const toEnforcement = (d: RuleEnforcementDoc): RuleEnforcement => fromDoc('id', d);

/** Rule enforcements as documents keyed by id. */
export class MongoRuleEnforcementRepo implements RuleEnforcementRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(e: RuleEnforcement): Promise<RuleEnforcement> {
    const { id, ...rest } = e;
    await guard(`storing rule enforcement ${id}`, () =>
      raw<RuleEnforcementDoc>(this.#model).insertOne({ _id: id, ...rest }),
    );
    return e;
  }

  async get(id: string): Promise<RuleEnforcement | undefined> {
    const doc = await guard(`reading rule enforcement ${id}`, () =>
      this.#model.findById(id).lean<RuleEnforcementDoc>().exec(),
    );
    return doc ? toEnforcement(doc) : undefined;
  }

  async list(filter: RuleEnforcementFilter): Promise<Page<RuleEnforcement>> {
    const q: Record<string, unknown> = {};
    if (filter.ruleRef !== undefined) q['rule.ref'] = filter.ruleRef;
    if (filter.ruleId !== undefined) q['rule.id'] = filter.ruleId;
    if (filter.execution !== undefined) q.execution_id = filter.execution;
    if (filter.triggerInstance !== undefined) q.trigger_instance_id = filter.triggerInstance;
    const time: Record<string, string> = {};
    if (filter.enforcedAfter !== undefined) time.$gt = filter.enforcedAfter;
    if (filter.enforcedBefore !== undefined) time.$lt = filter.enforcedBefore;
    if (Object.keys(time).length) q.enforced_at = time;
    const dir = filter.order === 'asc' ? 1 : -1;
    const m = this.#model;
    const [docs, total] = await guard('listing rule enforcements', () => {
      let find = m.find(q).sort({ enforced_at: dir, _id: dir });
      if (filter.offset) find = find.skip(filter.offset);
      if (filter.limit !== undefined) find = find.limit(filter.limit);
      // MongoDB reads limit(0) as "no limit"; Squall's limit 0 means no items, as on SQLite.
      const items = filter.limit === 0 ? Promise.resolve([]) : find.lean<RuleEnforcementDoc[]>().exec();
      return Promise.all([items, m.countDocuments(q).exec()]);
    });
    return { items: docs.map(toEnforcement), total };
  }

  async purge(req: PurgeRequest): Promise<number> {
    return purgeDocs(this.#model, 'purging rule enforcements', { enforced_at: { $lt: req.before } }, req);
  }
}

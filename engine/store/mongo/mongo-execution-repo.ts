import {
  completeExecution,
  type Execution,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionStatus,
  type NewExecution,
} from '../../model/execution.js';
import type { ExecutionRepo } from '../execution-repo.js';
import type { Page } from '../page.js';
import { guard } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { type ExecutionDoc, fromDoc, raw } from './mongo-types.js';

const SET_FIELDS = [
  'status',
  'heartbeat_at',
  'end_timestamp',
  'worker',
  'attempts',
  'result',
  'context',
  'children',
  'process_group',
] as const satisfies readonly (keyof ExecutionPatch)[];

const toExecution = (d: ExecutionDoc): Execution => fromDoc('id', d);

export class MongoExecutionRepo implements ExecutionRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(e: NewExecution): Promise<Execution> {
    const execution = completeExecution(e);
    const { id, ...rest } = execution;
    await guard(`creating execution ${id}`, () => raw<ExecutionDoc>(this.#model).insertOne({ _id: id, ...rest }));
    return execution;
  }

  async get(id: string): Promise<Execution | undefined> {
    const doc = await guard(`reading execution ${id}`, () => this.#model.findById(id).lean<ExecutionDoc>().exec());
    return doc ? toExecution(doc) : undefined;
  }

  async list(filter: ExecutionFilter): Promise<Page<Execution>> {
    const q: Record<string, unknown> = {};
    if (filter.action !== undefined) q['action.ref'] = filter.action;
    if (filter.status !== undefined) {
      q.status = typeof filter.status === 'string' ? filter.status : { $in: filter.status };
    }
    if (filter.user !== undefined) q['context.user'] = filter.user;
    if (filter.parent !== undefined) q.parent = filter.parent;
    if (filter.updatedBefore !== undefined || filter.updatedAfter !== undefined) {
      q.updated_at = {
        ...(filter.updatedBefore !== undefined ? { $lt: filter.updatedBefore } : {}),
        ...(filter.updatedAfter !== undefined ? { $gte: filter.updatedAfter } : {}),
      };
    }
    if (filter.heartbeatBefore !== undefined) {
      // `null` also matches a missing field.
      q.$or = [{ heartbeat_at: null }, { heartbeat_at: { $lt: filter.heartbeatBefore } }];
    }
    const dir = filter.order === 'asc' ? 1 : -1;
    const m = this.#model;
    const [docs, total] = await guard('listing executions', () => {
      let find = m.find(q).sort({ start_timestamp: dir, _id: dir });
      if (filter.offset) find = find.skip(filter.offset);
      if (filter.limit !== undefined) find = find.limit(filter.limit);
      // MongoDB reads limit(0) as "no limit"; Squall's limit 0 means no items, as on SQLite.
      const items = filter.limit === 0 ? Promise.resolve([]) : find.lean<ExecutionDoc[]>().exec();
      return Promise.all([items, m.countDocuments(q).exec()]);
    });
    return { items: docs.map(toExecution), total };
  }

  async update(
    id: string,
    cas: { expect: { status: ExecutionStatus | readonly ExecutionStatus[] } },
    patch: ExecutionPatch,
  ): Promise<Execution | undefined> {
    const expected = typeof cas.expect.status === 'string' ? [cas.expect.status] : [...cas.expect.status];
    if (expected.length === 0) return undefined;
    const $set: Record<string, unknown> = { updated_at: new Date().toISOString() };
    for (const k of SET_FIELDS) if (patch[k] !== undefined) $set[k] = patch[k];
    const change: Record<string, unknown> = { $set };
    if (patch.appendLog !== undefined) change.$push = { log: patch.appendLog };
    // The filter carries the expected status, so the check and the write are one atomic document
    // update: of two racing transitions exactly one matches.
    const doc = await guard(`updating execution ${id}`, () =>
      this.#model
        .findOneAndUpdate({ _id: id, status: { $in: expected } }, change, { returnDocument: 'after' })
        .lean<ExecutionDoc>()
        .exec(),
    );
    return doc ? toExecution(doc) : undefined;
  }

  async heartbeat(id: string, at: string): Promise<boolean> {
    // A heartbeat is a sign of life, not a change of the execution, so `updated_at` stays put.
    const r = await guard(`heartbeat of execution ${id}`, () =>
      this.#model.updateOne({ _id: id, status: 'running' }, { $set: { heartbeat_at: at } }).exec(),
    );
    return r.matchedCount > 0;
  }

  async countByStatus(): Promise<Partial<Record<ExecutionStatus, number>>> {
    const rows = await guard('counting executions', () =>
      this.#model
        .aggregate<{ _id: ExecutionStatus; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }])
        .exec(),
    );
    const counts: Partial<Record<ExecutionStatus, number>> = {};
    for (const r of rows) counts[r._id] = r.n;
    return counts;
  }
}

import {
  completeExecution,
  type Execution,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionStatus,
  type NewExecution,
  TERMINAL_STATUSES,
} from '../../model/execution.js';
import type { ExecutionRepo } from '../execution-repo.js';
import type { Page } from '../page.js';
import type { PurgeRequest } from '../purge.js';
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

const TERMINAL = [...TERMINAL_STATUSES];
/** Candidates are checked for parents and children under way this many at a time. */
const PURGE_CHUNK = 500;

/** What `purge` deletes besides the executions: their output and workflow state. */
export interface ExecutionDependents {
  output: MongoModel;
  workflows: MongoModel;
}

export class MongoExecutionRepo implements ExecutionRepo {
  readonly #model: MongoModel;
  readonly #dependents: ExecutionDependents;

  constructor(model: MongoModel, dependents: ExecutionDependents) {
    this.#model = model;
    this.#dependents = dependents;
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
    // `parent: null` also matches a missing field.
    if (filter.parent !== undefined) q.parent = filter.parent;
    if (filter.startedAfter !== undefined || filter.startedBefore !== undefined) {
      q.start_timestamp = {
        ...(filter.startedAfter !== undefined ? { $gt: filter.startedAfter } : {}),
        ...(filter.startedBefore !== undefined ? { $lt: filter.startedBefore } : {}),
      };
    }
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

  async purge(req: PurgeRequest): Promise<number> {
    const m = this.#model;
    const oldTerminal = { status: { $in: TERMINAL }, updated_at: { $lt: req.before } };
    return guard('purging executions', async () => {
      const limit = req.dryRun ? Number.POSITIVE_INFINITY : (req.limit ?? Number.POSITIVE_INFINITY);
      let chosen: string[] = [];
      let counted = 0;
      const cursor = m
        .find(oldTerminal, { _id: 1, parent: 1 })
        .sort({ updated_at: 1 })
        .lean<{ _id: string; parent?: string }[]>()
        .cursor();
      let chunk: { _id: string; parent?: string }[] = [];
      const check = async (): Promise<void> => {
        const parents = chunk.flatMap((c) => (c.parent !== undefined ? [c.parent] : []));
        const [busyParents, busyChildren] = await Promise.all([
          parents.length === 0 ? [] : m.distinct('_id', { _id: { $in: parents }, status: { $nin: TERMINAL } }).exec(),
          m.distinct('parent', { parent: { $in: chunk.map((c) => c._id) }, status: { $nin: TERMINAL } }).exec(),
        ]);
        const blocked = new Set<unknown>([...busyChildren]);
        const busy = new Set<unknown>(busyParents);
        for (const c of chunk) {
          if (blocked.has(c._id) || (c.parent !== undefined && busy.has(c.parent))) continue;
          if (req.dryRun) counted++;
          else if (chosen.length < limit) chosen.push(c._id);
        }
        chunk = [];
      };
      for await (const c of cursor) {
        chunk.push(c as { _id: string; parent?: string });
        if (chunk.length >= PURGE_CHUNK) await check();
        if (chosen.length >= limit) break;
      }
      if (chunk.length > 0 && chosen.length < limit) await check();
      await cursor.close();
      if (req.dryRun) return counted;
      chosen = chosen.slice(0, limit);
      if (chosen.length === 0) return 0;
      // Output and workflow state first: a crash in between leaves executions, never orphans.
      await this.#dependents.output.deleteMany({ execution_id: { $in: chosen } }).exec();
      await this.#dependents.workflows.deleteMany({ _id: { $in: chosen } }).exec();
      // The status filter again: nothing that is terminal goes back, but the check costs nothing.
      return (await m.deleteMany({ _id: { $in: chosen }, ...oldTerminal }).exec()).deletedCount;
    });
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

import { type OutputChunk, type OutputStream, TERMINAL_STATUSES } from '../../model/execution.js';
import type { OutputRepo } from '../output-repo.js';
import type { PurgeRequest } from '../purge.js';
import { guard } from './mongo-errors.js';
import { type MongoModel, nextSeq, purgeDocs } from './mongo-models.js';
import { type OutputDoc, raw } from './mongo-types.js';

/**
 * Execution output. `seq` comes from a counter reserved a batch at a time, so it grows across the
 * store; a reader tailing with `afterSeq` while two appends race may see the later batch first,
 * which live tails tolerate by re-reading from their last seen seq.
 */
export class MongoOutputRepo implements OutputRepo {
  readonly #model: MongoModel;
  readonly #counters: MongoModel;
  readonly #executions: MongoModel;

  constructor(model: MongoModel, counters: MongoModel, executions: MongoModel) {
    this.#model = model;
    this.#counters = counters;
    this.#executions = executions;
  }

  async append(
    chunks: { execution_id: string; stream: OutputStream; data: string; timestamp?: string }[],
  ): Promise<OutputChunk[]> {
    if (chunks.length === 0) return [];
    return guard('appending execution output', async () => {
      const last = await nextSeq(this.#counters, 'output', chunks.length);
      const now = new Date().toISOString();
      const out = chunks.map(
        (c, i): OutputChunk => ({
          seq: last - chunks.length + 1 + i,
          execution_id: c.execution_id,
          stream: c.stream,
          data: c.data,
          timestamp: c.timestamp ?? now,
        }),
      );
      await raw<OutputDoc>(this.#model).insertMany(
        out.map(({ seq, ...rest }) => ({ _id: seq, ...rest })),
        { ordered: true },
      );
      return out;
    });
  }

  async list(executionId: string, opts: { afterSeq?: number; stream?: OutputStream } = {}): Promise<OutputChunk[]> {
    const q: Record<string, unknown> = { execution_id: executionId, _id: { $gt: opts.afterSeq ?? 0 } };
    if (opts.stream !== undefined) q.stream = opts.stream;
    const docs = await guard(`reading output of execution ${executionId}`, () =>
      this.#model.find(q).sort({ _id: 1 }).lean<OutputDoc[]>().exec(),
    );
    return docs.map((d) => ({
      seq: d._id,
      execution_id: d.execution_id,
      stream: d.stream,
      data: d.data,
      timestamp: d.timestamp,
    }));
  }

  async purge(req: PurgeRequest): Promise<number> {
    // The executions under way are few next to the output rows, so they are read once and excluded.
    const underWay = await guard('reading executions under way', () =>
      this.#executions.distinct('_id', { status: { $nin: [...TERMINAL_STATUSES] } }).exec(),
    );
    return purgeDocs(
      this.#model,
      'purging execution output',
      { timestamp: { $lt: req.before }, execution_id: { $nin: underWay } },
      req,
    );
  }
}

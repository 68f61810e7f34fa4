import type { WorkflowRecord, WorkflowRepo, WorkflowWrite } from '../workflow-repo.js';
import { guard, isDuplicateKey } from './mongo-errors.js';
import type { MongoModel } from './mongo-models.js';
import { raw } from './mongo-types.js';

type WorkflowDoc = Omit<WorkflowRecord, 'id'> & { _id: string };

/** Workflow state in `workflows`, one document per workflow execution; `rev` is the compare-and-set. */
export class MongoWorkflowRepo implements WorkflowRepo {
  readonly #model: MongoModel;

  constructor(model: MongoModel) {
    this.#model = model;
  }

  async create(rec: Parameters<WorkflowRepo['create']>[0]): Promise<boolean> {
    const { id, ...rest } = rec;
    return guard(`storing workflow ${id}`, async () => {
      try {
        await raw<WorkflowDoc>(this.#model).insertOne({
          _id: id,
          ...rest,
          rev: 1,
          updated_at: new Date().toISOString(),
        });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    });
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const doc = await guard(`reading workflow ${id}`, () =>
      this.#model.findOne({ _id: id }).lean<WorkflowDoc>().exec(),
    );
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, rev: number, next: WorkflowWrite): Promise<WorkflowRecord | undefined> {
    const doc = await guard(`storing workflow ${id}`, () =>
      this.#model
        .findOneAndUpdate(
          { _id: id, rev },
          { $set: { ...next, updated_at: new Date().toISOString() }, $inc: { rev: 1 } },
          { new: true },
        )
        .lean<WorkflowDoc>()
        .exec(),
    );
    return doc ? fromDoc(doc) : undefined;
  }

  async listActive(limit: number): Promise<string[]> {
    const docs = await guard('listing active workflows', () =>
      this.#model
        .find({ active: true }, { _id: 1 })
        .sort({ updated_at: 1, _id: 1 })
        .limit(limit)
        .lean<{ _id: string }[]>()
        .exec(),
    );
    return docs.map((d) => d._id);
  }
}

function fromDoc(doc: WorkflowDoc): WorkflowRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

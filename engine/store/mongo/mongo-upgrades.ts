import type { Connection } from 'mongoose';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModel, MongoModels } from './mongo-models.js';
import type { MarkDoc, OutboxDoc } from './mongo-types.js';

/** The outbox queue in which versions before the owed-results repo kept that ledger. */
const LEGACY_OWED_QUEUE = 'chat-result';
/** The collection that held the internal markers before it was named `marks`. */
const LEGACY_MARKS_COLLECTION = 'kv';

/**
 * Moves data that older versions of Squall kept elsewhere, so that a cluster upgraded in place keeps
 * its owed chat results and markers. Each document is copied (keeping a copy already there) and only
 * then deleted, so several processes running this at once, or one killed half way, lose nothing.
 * Once done it costs two empty queries per start.
 */
export async function moveLegacyData(conn: Connection, m: MongoModels): Promise<void> {
  for (const d of await m.outbox.find({ queue: LEGACY_OWED_QUEUE }).lean<OutboxDoc[]>().exec()) {
    const executionId = d.payload.execution_id;
    if (typeof executionId === 'string') {
      const route = typeof d.payload.route === 'string' ? d.payload.route : 'chat';
      await insertUnlessPresent(m.owedResults, executionId, { route, created_at: d.created_at });
    }
    await m.outbox.deleteOne({ _id: d._id }).exec();
  }
  const legacyMarks = conn.collection<MarkDoc>(LEGACY_MARKS_COLLECTION);
  for (const d of await legacyMarks.find({}).toArray()) {
    const { _id, ...fields } = d;
    await insertUnlessPresent(m.marks, _id, fields);
    await legacyMarks.deleteOne({ _id });
  }
}

async function insertUnlessPresent(model: MongoModel, id: string, fields: object): Promise<void> {
  try {
    await model.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true }).exec();
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
}

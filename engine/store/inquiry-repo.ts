import type { Inquiry, InquiryChat, InquiryStatus } from '../model/inquiry.js';
import type { JsonObject } from '../model/json.js';
import type { Page } from './page.js';
import type { PurgeRequest } from './purge.js';

export interface InquiryFilter {
  status?: InquiryStatus;
  limit?: number;
  offset?: number;
}

/** How a pending inquiry ends: answered (with who and when), timed out, or canceled. */
export type InquiryEnd =
  | { status: 'responded'; response: JsonObject; responded_by: string; responded_at: string }
  | { status: 'timeout' | 'canceled' };

export interface InquiryRepo {
  /** Stores a new inquiry; false (nothing written) when one with the id exists. */
  create(inquiry: Inquiry): Promise<boolean>;
  get(id: string): Promise<Inquiry | undefined>;
  /** Newest first. */
  list(filter: InquiryFilter): Promise<Page<Inquiry>>;
  /**
   * Ends a pending inquiry (compare-and-set on `pending`): the inquiry as written, or undefined when
   * it was not pending any more. Two answers at once: exactly one wins.
   */
  end(id: string, end: InquiryEnd): Promise<Inquiry | undefined>;
  /** Records where the question was posted in chat. */
  setChat(id: string, chat: InquiryChat): Promise<void>;
  /** Pending inquiries whose `expires_at` is before `at`, oldest first. */
  expired(at: string, limit: number): Promise<Inquiry[]>;
  /** Garbage collection: deletes answered, timed-out or canceled inquiries created before `before`; never a pending one. */
  purge(req: PurgeRequest): Promise<number>;
}

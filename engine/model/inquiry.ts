import type { JsonObject } from './json.js';

/**
 * `pending` until answered; `responded` once a valid answer was recorded; `timeout` when its ttl ran
 * out first; `canceled` when its execution was canceled (the workflow was canceled, say).
 */
export type InquiryStatus = 'pending' | 'responded' | 'timeout' | 'canceled';

/** Where the question was asked in chat: the thread it was posted to and, once posted, the message. */
export interface InquiryChat {
  platform: string;
  channel: string;
  thread?: string;
  /** The posted question (an adapter's PostedRef), so the outcome can be edited into it. */
  message?: JsonObject;
}

/**
 * A question a `core.ask` execution asks (StackStorm's inquiry). Its id is the ask execution's id, as
 * in StackStorm, so `squall execution get ID` shows the same thing from the execution's side.
 */
export interface Inquiry {
  id: string;
  /** The workflow execution the ask is a task of. */
  parent?: string;
  status: InquiryStatus;
  /** JSON schema the response must match. */
  schema: JsonObject;
  /** Roles allowed to answer; empty: any. */
  roles: string[];
  /** Users allowed to answer; empty: any. */
  users: string[];
  route: string;
  /** Minutes until it times out; 0: never. */
  ttl: number;
  /** The user the ask (or its workflow) runs as. */
  requester: string;
  chat?: InquiryChat;
  created_at: string;
  expires_at?: string;
  response?: JsonObject;
  responded_by?: string;
  responded_at?: string;
}

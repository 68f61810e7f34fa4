import { SquallError } from '../../engine/errors.js';
import { inquiryPostId } from '../../engine/inquiries/inquiry-service.js';
import type { JsonObject } from '../../engine/model/json.js';
import { type ChatPostRequest, chatPostMarkKey } from '../../engine/runners/chat-post-runner.js';
import type { Store } from '../../engine/store/store.js';
import type { ChatAdapter, ChatTarget, PostedRef } from '../chat-adapter.js';
import { inquiryOutcome, inquiryQuestion } from './inquiry-message.js';

/**
 * Sends an inquiry's stored chat post: the question (its ref recorded on the inquiry, so the
 * outcome can be edited into it), or the outcome — edited into the question where the platform
 * edits messages (which removes its buttons), else posted in the thread. A question that ended
 * before it was posted is posted as its outcome. Returns the posted ref.
 */
export async function sendInquiryPost(
  deps: { store: Store; prefix: string },
  r: ChatPostRequest & { inquiry: { id: string; part: 'question' | 'outcome' } },
  adapter: ChatAdapter,
  target: ChatTarget,
  key: string,
): Promise<PostedRef | undefined> {
  const inquiry = await deps.store.inquiries.get(r.inquiry.id);
  if (!inquiry) return undefined;
  if (r.inquiry.part === 'question') {
    const msg =
      inquiry.status === 'pending'
        ? inquiryQuestion(inquiry, { prefix: deps.prefix, buttons: adapter.capabilities.buttons })
        : inquiryOutcome(inquiry);
    const ref = await adapter.post(target, msg, { key });
    await deps.store.inquiries.setChat(inquiry.id, {
      platform: r.platform,
      channel: r.channel,
      ...(r.thread ? { thread: r.thread } : {}),
      message: ref as unknown as JsonObject,
    });
    return ref;
  }
  const question = inquiry.chat?.message as PostedRef | undefined;
  if (question === undefined) {
    // Not posted yet: the bus brings this back, and by then the question shows the outcome itself.
    if ((await deps.store.marks.get(chatPostMarkKey(inquiryPostId(inquiry.id, 'question')))) === undefined)
      throw new SquallError('SQ_CHAT_UNAVAILABLE', `the question of inquiry ${inquiry.id} is not posted yet`);
    return undefined;
  }
  if (adapter.capabilities.edit) {
    await adapter.update(question, inquiryOutcome(inquiry), { key });
    return question;
  }
  return adapter.post(target, inquiryOutcome(inquiry), { key });
}

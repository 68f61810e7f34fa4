import type { ChatMessage } from './chat-adapter.js';

/**
 * The command text of a message addressed to the bot, or undefined when it is not for the bot.
 * Addressed means: a direct message, an @-mention (the adapter already removed it), or text that
 * starts with the prefix (`!run date`, `! run date`). Leading whitespace is ignored.
 */
export function commandText(m: ChatMessage, prefix: string): string | undefined {
  const text = m.text.replace(/^\s+/, '');
  if (text.startsWith(prefix)) return text.slice(prefix.length).trim();
  if (m.direct || m.mentioned || m.via === 'slash') return text.trim();
  return undefined;
}

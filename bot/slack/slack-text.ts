/**
 * Inbound text: Slack delivers message text with `& < >` escaped and with URLs, emails and channel
 * names wrapped in `<…>` markup. The router and the alias grammar expect what the user typed, so
 * this undoes Slack's markup. User mentions other than the bot's stay as `<@U…>`: they are ids the
 * router may want, and there is no typed form to go back to.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

function stripScheme(url: string): string {
  return url.replace(/^(?:https?:\/\/|mailto:)/i, '');
}

// `<url|label>` is what Slack makes of a typed URL or email. When the label is the URL as typed
// (Slack adds the scheme), the label is what the user wrote; a hand-made link keeps its target.
function unlink(target: string, label: string | undefined): string {
  if (label === undefined) return target.toLowerCase().startsWith('mailto:') ? stripScheme(target) : target;
  if (label === target || label === stripScheme(target) || stripScheme(label) === stripScheme(target)) return label;
  return target;
}

/**
 * Turns Slack's wire text back into plain text: links and emails, `<#C1|name>` channels, `<!here>`
 * specials, then the three HTML entities (last, so that an escaped `&lt;` never opens markup).
 *
 * @example unescapeSlackText('deploy &lt;<http://x.io|x.io>&gt;') === 'deploy <x.io>'
 */
export function unescapeSlackText(text: string): string {
  const out = text.replace(/<([^<>]*)>/g, (whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
    if (target.startsWith('@')) return whole; // user mention: keep the id
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!')) {
      if (label) return label.startsWith('@') ? label : `@${label}`;
      const special = target.slice(1).split('^')[0] ?? '';
      return `@${special}`;
    }
    return unlink(target, label);
  });
  return out.replace(/&(?:amp|lt|gt);/g, (e) => ENTITIES[e] ?? e);
}

/** Removes every mention of the bot (`<@UBOT>` or `<@UBOT|name>`) and the spaces around it. */
export function stripBotMention(text: string, botUserId: string): string {
  const re = new RegExp(`\\s*<@${botUserId}(?:\\|[^>]*)?>:?\\s*`, 'g');
  return text.replace(re, ' ').trim();
}

/** True when the wire text mentions the bot. */
export function mentionsBot(text: string, botUserId: string): boolean {
  return text.includes(`<@${botUserId}>`) || text.includes(`<@${botUserId}|`);
}

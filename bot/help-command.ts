import { findAliasForHelp, helpEntries, helpPage, renderAliasHelp, renderHelpList } from '../aliases/help.js';
import type { ActionAlias } from '../engine/model/alias.js';
import type { AliasCatalog } from './alias-catalog.js';
import type { OutboundMessage } from './chat-adapter.js';

const PER_PAGE = 20;

export function isHelpCommand(command: string): boolean {
  return /^help(\s|$)/i.test(command);
}

/**
 * `help` lists what the asking user may run here, grouped by pack; `help <n>` pages through it;
 * `help <filter>` narrows it; `help <command>` explains one alias when the text names one.
 */
export function answerHelp(
  command: string,
  catalog: AliasCatalog,
  allowed: (a: ActionAlias) => boolean,
  prefix: string,
): OutboundMessage {
  const arg = command.replace(/^help/i, '').trim();
  const usable = catalog.aliases.filter((a) => a.enabled && allowed(a));
  const pageMatch = /^(?:page\s+)?(\d+)$/i.exec(arg);
  if (arg && !pageMatch) {
    const alias = findAliasForHelp(usable, arg);
    if (alias) return { title: `${prefix}help ${arg}`, text: renderAliasHelp(alias, undefined, prefix) };
  }
  const filter = arg && !pageMatch ? arg : undefined;
  const entries = helpEntries(usable, filter ? { filter } : {});
  if (entries.length === 0) {
    return {
      text: filter ? `No command matches "${filter}". Type ${prefix}help for the full list.` : 'There are no commands you can run here.',
      tone: 'warning',
    };
  }
  const page = helpPage(entries, pageMatch ? Number(pageMatch[1]) : 1, PER_PAGE);
  return { text: renderHelpList(page, prefix, filter) };
}

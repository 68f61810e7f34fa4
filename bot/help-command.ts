import {
  findAliasForHelp,
  helpEntries,
  helpPage,
  parseHelpArgs,
  renderAliasHelp,
  renderHelpList,
} from '../aliases/help.js';
import type { AliasCatalog } from '../engine/aliases/alias-catalog.js';
import type { ActionAlias } from '../engine/model/alias.js';
import type { RunnerRegistry } from '../engine/runners/runner-registry.js';
import type { Store } from '../engine/store/store.js';
import type { OutboundMessage } from './chat-adapter.js';

const PER_PAGE = 20;

export function isHelpCommand(command: string): boolean {
  return /^help(\s|$)/i.test(command);
}

/**
 * `help` lists what the asking user may run here, grouped by pack; `help [filter] [page]` narrows
 * and pages through it; `help <command>` explains one alias and its action's parameters when the
 * text names one.
 */
export async function answerHelp(
  command: string,
  deps: { catalog: AliasCatalog; store: Store; runners: RunnerRegistry },
  allowed: (a: ActionAlias) => boolean,
  prefix: string,
): Promise<OutboundMessage> {
  const arg = command.replace(/^help/i, '').trim();
  const usable = deps.catalog.aliases.filter((a) => a.enabled && allowed(a));
  const { filter, page } = parseHelpArgs(arg);
  if (filter) {
    const alias = findAliasForHelp(usable, arg);
    if (alias) {
      const action = await deps.store.actions.get(alias.action_ref);
      const params = action ? deps.runners.specsOf(action) : undefined;
      return { title: `${prefix}help ${arg}`, text: renderAliasHelp(alias, params, prefix) };
    }
  }
  const entries = helpEntries(usable, filter ? { filter } : {});
  if (entries.length === 0) {
    return {
      text: filter
        ? `No command matches "${filter}". Type ${prefix}help for the full list.`
        : 'There are no commands you can run here.',
      tone: 'warning',
    };
  }
  return { text: renderHelpList(helpPage(entries, page, PER_PAGE), prefix, filter) };
}

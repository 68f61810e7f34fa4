export { type AliasFormatEntry, aliasDisplays, aliasFormatEntries } from './alias-formats.js';
export { ClosestIndex, type CommandChoice, closestCommands } from './closest.js';
export { type ExtractResult, extractParameters } from './extract.js';
export {
  findAliasForHelp,
  HELP_PER_PAGE,
  type HelpEntry,
  type HelpPage,
  helpEntries,
  helpPage,
  parseHelpArgs,
  renderAliasHelp,
  renderHelpList,
} from './help.js';
export { type AliasMatch, AliasMatcher, type MatchOutcome, validateAliasFormats } from './matcher.js';
export { type ParsedCommand, parseCommand } from './parse-command.js';
export { type FormatPart, type ParsedFormat, parseFormat } from './parse-format.js';
export { type ParseOutput, renderParseOutput } from './parse-output.js';

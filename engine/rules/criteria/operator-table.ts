import { contains, icontains, incontains, inside, ncontains, ninside } from './containment-operators.js';
import { equals, iequals, nequals } from './equality-operators.js';
import { exists, nexists } from './existence-operators.js';
import type { OperatorFn } from './operator-types.js';
import { greaterthan, lessthan } from './order-operators.js';
import { iregex, matchregex, regex } from './regex-operators.js';
import { endswith, iendswith, istartswith, matchwildcard, startswith } from './string-operators.js';
import { timediffGt, timediffLt } from './time-operators.js';

/** How an operator uses its pattern. */
export type PatternUse =
  /** A null pattern never matches (StackStorm's guard on most operators). */
  | 'required'
  /** Compared as is, null included (`nequals`). */
  | 'any'
  /** Not read at all (`exists`, `nexists`): it may be left out. */
  | 'ignored';

export type OperatorSpec =
  | { kind: 'simple'; name: string; test: OperatorFn; pattern: PatternUse; regexFlags?: string }
  | { kind: 'search'; name: 'search' };

const simple = (name: string, test: OperatorFn, pattern: PatternUse = 'required', regexFlags?: string): OperatorSpec =>
  regexFlags === undefined
    ? { kind: 'simple', name, test, pattern }
    : { kind: 'simple', name, test, pattern, regexFlags };

/** Every StackStorm criteria operator, by its canonical name (st2common/operators.py). */
export const OPERATORS: Readonly<Record<string, OperatorSpec>> = Object.freeze({
  equals: simple('equals', equals),
  nequals: simple('nequals', nequals, 'any'),
  iequals: simple('iequals', iequals),
  lessthan: simple('lessthan', lessthan),
  greaterthan: simple('greaterthan', greaterthan),
  contains: simple('contains', contains),
  ncontains: simple('ncontains', ncontains),
  icontains: simple('icontains', icontains),
  incontains: simple('incontains', incontains),
  startswith: simple('startswith', startswith),
  istartswith: simple('istartswith', istartswith),
  endswith: simple('endswith', endswith),
  iendswith: simple('iendswith', iendswith),
  matchwildcard: simple('matchwildcard', matchwildcard),
  regex: simple('regex', regex, 'required', ''),
  iregex: simple('iregex', iregex, 'required', 'i'),
  matchregex: simple('matchregex', matchregex, 'required', 'sy'),
  timediff_lt: simple('timediff_lt', timediffLt),
  timediff_gt: simple('timediff_gt', timediffGt),
  exists: simple('exists', exists, 'ignored'),
  nexists: simple('nexists', nexists, 'ignored'),
  inside: simple('inside', inside),
  ninside: simple('ninside', ninside),
  search: { kind: 'search', name: 'search' },
});

/** StackStorm's short names for the same operators. */
const ALIASES: Readonly<Record<string, string>> = Object.freeze({
  eq: 'equals',
  neq: 'nequals',
  ieq: 'iequals',
  lt: 'lessthan',
  gt: 'greaterthan',
  td_lt: 'timediff_lt',
  td_gt: 'timediff_gt',
  in: 'inside',
  nin: 'ninside',
});

/** The operator a criterion's `type` names, case-insensitively (`EQUALS`, `Equals`, `eq`). */
export function lookupOperator(type: string): OperatorSpec | undefined {
  const name = type.trim().toLowerCase();
  return OPERATORS[ALIASES[name] ?? name];
}

/** The canonical names, for "unknown operator" messages. */
export const OPERATOR_NAMES: readonly string[] = Object.keys(OPERATORS);

/** The conditions of `search`: does one item / every item satisfy all / any of the nested criteria. */
export const SEARCH_CONDITIONS = ['any', 'all', 'any2any', 'all2any'] as const;
export type SearchCondition = (typeof SEARCH_CONDITIONS)[number];

import type { OperatorFn } from './operator-types.js';

/** `exists`: the value is not null: a missing path and a JSON null both "do not exist"; 0, "" and false do. */
export const exists: OperatorFn = (v) => v !== null && v !== undefined;

/** `nexists`: the path is missing or its value is null. */
export const nexists: OperatorFn = (v) => v === null || v === undefined;

import type { ParamType } from '../model/action.js';
import type { JsonValue } from '../model/json.js';

const INTEGER = /^[+-]?\d+$/;
// Decimal notation only: `Number()` would also take '0x1f', '' and 'Infinity'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  '0': false,
};

/**
 * Casts a string typed by a person (chat, CLI `key=value`) to a parameter type. `undefined` means
 * the text is not a value of that type.
 */
export function castString(type: ParamType, text: string): JsonValue | undefined {
  const s = text.trim();
  switch (type) {
    case 'string':
      return text;
    case 'integer': {
      if (!INTEGER.test(s)) return undefined;
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'number':
      return NUMBER.test(s) ? Number(s) : undefined;
    case 'boolean':
      return BOOLEANS[s.toLowerCase()];
    case 'array': {
      // A JSON array is taken as one; StackStorm comma-splits it into junk like '["a"'.
      if (s.startsWith('[')) {
        const parsed = parseJson(s);
        if (Array.isArray(parsed)) return parsed;
      }
      if (s === '') return [];
      return s.split(',').map((piece) => piece.trim());
    }
    case 'object': {
      const parsed = parseJson(s);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
    }
  }
}

function parseJson(s: string): JsonValue | undefined {
  try {
    return JSON.parse(s) as JsonValue;
  } catch {
    return undefined;
  }
}

import { describe, expect, it } from 'vitest';
import { secretPrefixAtEnd } from '../../../engine/executions/output-pipe.js';

describe('secretPrefixAtEnd', () => {
  it('finds the longest end of the text that starts a secret', () => {
    expect(secretPrefixAtEnd('token=hun', ['hunter2'])).toBe(3);
    expect(secretPrefixAtEnd('token=hunter', ['hunter2', 'ter2x'])).toBe(6);
    expect(secretPrefixAtEnd('token=h', ['hunter2', 'xh'])).toBe(1);
  });

  it('holds nothing back when the text ends with a whole secret or with nothing like one', () => {
    // A whole secret is masked where it is; only a piece that may continue is held.
    expect(secretPrefixAtEnd('token=hunter2', ['hunter2'])).toBe(0);
    expect(secretPrefixAtEnd('token=abc\n', ['hunter2'])).toBe(0);
    expect(secretPrefixAtEnd('', ['hunter2'])).toBe(0);
    expect(secretPrefixAtEnd('anything', [])).toBe(0);
  });
});

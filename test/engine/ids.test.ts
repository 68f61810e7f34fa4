import { describe, expect, it } from 'vitest';
import { idBefore, isId, newId } from '../../engine/ids.js';

describe('ids', () => {
  it('names the id minted just before another in this process, and nothing for what is not an id', () => {
    for (let i = 0; i < 50; i++) {
      const first = newId();
      const second = newId();
      // Across a second boundary the prefix differs, and the rule does not apply.
      if (first.slice(0, 8) === second.slice(0, 8)) expect(idBefore(second)).toBe(first);
    }
    expect(idBefore('6b0f410e9d2a4c92e5000000')).toBe('6b0f410e9d2a4c92e5fffffe');
    expect(isId(idBefore(newId()))).toBe(true);
    expect(idBefore('not-an-id')).toBe('');
  });
});

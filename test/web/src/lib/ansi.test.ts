import { describe, expect, it } from 'vitest';
import { ansiSegments } from '../../../../web/src/lib/ansi.ts';

describe('ANSI output', () => {
  it('turns SGR codes into classes and keeps the text as text', () => {
    const segs = ansiSegments('plain \u001b[1;31mred bold\u001b[0m <b>after</b>');
    expect(segs.map((s) => s.text).join('')).toBe('plain red bold <b>after</b>');
    const red = segs.find((s) => s.text === 'red bold')!;
    expect(red.classes).toContain('ansi-red-fg');
    expect(red.classes).toContain('ansi-bold');
    expect(segs.at(-1)!.classes).toEqual([]);
  });
});

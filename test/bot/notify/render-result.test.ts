import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderResult } from '../../../bot/notify/render-result.js';
import { formatDuration } from '../../../cli/execution-view.js';
import type { ActionAlias } from '../../../engine/model/alias.js';
import type { Execution } from '../../../engine/model/execution.js';
import type { JsonObject } from '../../../engine/model/json.js';
import { makeExecution } from '../../support/store-fixtures.js';

const START = '2030-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

function finished(ms: number): Execution {
  return {
    ...makeExecution({ status: 'succeeded', start_timestamp: START, end_timestamp: at(ms), result: { stdout: 'hi' } }),
    log: [],
    children: [],
    attempts: 1,
    updated_at: at(ms),
  };
}

const title = (e: Execution) =>
  renderResult(e, {}, undefined, { maxLength: 4000, prefix: '!' }, () => undefined)?.title ?? '';

describe('renderResult: how long the execution took', () => {
  it.each([
    [59_600, '59.6 s'],
    [119_600, '2 min 00 s'],
    [3_723_000, '1 h 02 min 03 s'],
  ])('%d ms reads "%s" in chat, as the CLI prints it', (ms, text) => {
    const e = finished(ms);
    expect(title(e)).toBe(`core.local succeeded in ${text} (execution ${e.id})`);
    expect(formatDuration({ ...e, action: { ref: e.action.ref } })).toBe(text);
  });

  it('says no duration while the execution has not ended', () => {
    const e = { ...finished(1000), end_timestamp: undefined };
    expect(title(e)).toBe(`core.local succeeded (execution ${e.id})`);
  });
});

describe('renderResult: the chatops sleep alias', () => {
  const alias = parseYaml(
    readFileSync(join(import.meta.dirname, '../../../packs/chatops/aliases/sleep.yaml'), 'utf8'),
  ) as ActionAlias;
  const text = (status: Execution['status'], result: Record<string, string>) => {
    const e = { ...finished(1000), status, parameters: { max_pause: 2 }, result };
    const presented = { status, parameters: { max_pause: 2 }, result } as unknown as JsonObject;
    return renderResult(e, presented, alias, { maxLength: 4000, prefix: '!' }, () => undefined)?.text;
  };

  it('says it slept only when the action succeeded', () => {
    expect(text('succeeded', {})).toBe('Slept 2 second(s).');
    expect(text('failed', { stderr: 'sleep: invalid time interval' })).toBe(
      'Did not sleep: failed: sleep: invalid time interval',
    );
    expect(text('timeout', { error: 'Action timed out after 1 s' })).toBe(
      'Did not sleep: timeout: Action timed out after 1 s',
    );
  });
});

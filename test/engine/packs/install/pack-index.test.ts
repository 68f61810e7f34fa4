import { describe, expect, it } from 'vitest';
import { searchIndex } from '../../../../engine/packs/install/pack-index.js';

describe('searchIndex', () => {
  it('fails naming packs.index_url when no index is configured', async () => {
    await expect(searchIndex([], 'aws')).rejects.toThrow('No pack index is configured (packs.index_url) to search.');
  });

  it('fails naming the index when none can be read', async () => {
    await expect(searchIndex(['/nonexistent/index.json'], 'aws')).rejects.toThrow(
      'No results from the index: /nonexistent/index.json: cannot be read (ENOENT)',
    );
  });
});

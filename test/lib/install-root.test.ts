import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installRoot } from '../../lib/install-root.js';
import { packageVersion } from '../../lib/package-version.js';

const REPO = resolve(import.meta.dirname, '../..');

describe('installRoot', () => {
  it("is the folder of Squall's package.json, holding bin/ and packs/", () => {
    expect(installRoot()).toBe(REPO);
    expect(existsSync(join(installRoot(), 'bin', 'squall.js'))).toBe(true);
    expect(existsSync(join(installRoot(), 'packs', 'core', 'pack.yaml'))).toBe(true);
  });
});

describe('packageVersion', () => {
  it("is the version in Squall's package.json", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(pkg.version);
  });
});

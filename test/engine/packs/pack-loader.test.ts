import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isId } from '../../../engine/ids.js';
import { loadPack } from '../../../engine/packs/pack-loader.js';
import { validatePackDir } from '../../../engine/packs/pack-registrar.js';
import { formatProblem } from '../../../engine/packs/pack-types.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/packs/', import.meta.url));

describe('loadPack', () => {
  it('loads a good pack: pack, actions, aliases and config schema, with StackStorm ids and refs', async () => {
    const loaded = await loadPack(`${FIXTURES}good`);
    expect(loaded.errors).toEqual([]);
    expect(loaded.pack).toMatchObject({
      uid: 'pack:good',
      ref: 'good',
      name: 'Good Pack',
      description: 'A pack with nothing wrong.',
      version: '0.2.0',
      author: 'Tester',
      keywords: ['test'],
      path: `${FIXTURES}good`,
    });
    expect(loaded.pack?.files).toEqual([
      'actions/hello.sh',
      'actions/hello.yaml',
      'actions/ping.yaml',
      'aliases/hello.yaml',
      'config.schema.yaml',
      'pack.yaml',
    ]);
    expect(isId(loaded.pack?.id ?? '')).toBe(true);

    const [hello, ping] = loaded.actions;
    expect(hello).toEqual({
      id: hello?.id,
      uid: 'action:good:hello',
      ref: 'good.hello',
      pack: 'good',
      name: 'hello',
      description: 'Says hello.',
      enabled: true,
      runner_type: 'local-shell-script',
      entry_point: 'hello.sh',
      parameters: {
        name: { type: 'string', required: true, position: 0 },
        token: { type: 'string', secret: true },
        count: { type: 'integer', default: 1 },
      },
      notify: { 'on-complete': { routes: ['chat'] } },
      tags: [{ name: 'team', value: 'ops' }],
      metadata_file: 'actions/hello.yaml',
    });
    expect(isId(hello?.id ?? '')).toBe(true);
    expect(ping).toMatchObject({
      ref: 'good.ping',
      enabled: false,
      runner_type: 'noop',
      entry_point: '',
      parameters: {},
    });

    expect(loaded.aliases).toEqual([
      {
        id: loaded.aliases[0]?.id,
        uid: 'action_alias:good:hello',
        ref: 'good.hello',
        pack: 'good',
        name: 'hello',
        description: 'Greet someone.',
        enabled: true,
        action_ref: 'good.hello',
        formats: ['hello {{ name }}', { display: 'greet <name>', representation: 'greet {{ name }}' }],
        ack: { format: 'Greeting {{ execution.parameters.name }}', append_url: false },
        result: { format: '{{ execution.result.stdout }}' },
        permissions: { roles: ['operator'] },
        channels: ['ops', 'dm'],
        metadata_file: 'aliases/hello.yaml',
      },
    ]);
    expect(loaded.configSchema).toEqual({ api_url: { type: 'string', required: true } });
  });

  it('keeps the valid files of a pack and names file, field and problem for each broken one', async () => {
    const loaded = await loadPack(`${FIXTURES}broken`);
    expect(loaded.pack?.ref).toBe('broken');
    expect(loaded.actions.map((a) => a.ref)).toEqual(['broken.fine']);
    expect(loaded.aliases.map((a) => a.ref)).toEqual(['broken.fine']);
    expect(loaded.errors).toEqual([
      {
        file: 'broken/actions/bad_type.yaml',
        field: 'parameters.cmd.type',
        problem: 'must be one of string, integer, number, boolean, array, object',
      },
      {
        file: 'broken/actions/bad_type.yaml',
        field: 'parameters.timeout.position',
        problem: 'must be a non-negative integer',
      },
      { file: 'broken/actions/no_entry.yaml', field: 'entry_point', problem: 'file actions/missing.sh does not exist' },
      {
        file: 'broken/actions/syntax.yaml',
        problem:
          'YAML syntax error at line 6, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
      {
        file: 'broken/aliases/unknown_key.yaml',
        field: 'formatz',
        problem:
          'unknown key (an alias may have: name, description, enabled, action_ref, formats, ack, result, extra, immutable_parameters, permissions, channels)',
      },
    ]);
    expect(formatProblem(loaded.errors[0] ?? { file: '', problem: '' })).toBe(
      'broken/actions/bad_type.yaml: parameters.cmd.type: must be one of string, integer, number, boolean, array, object',
    );
  });

  it('fails a folder without pack.yaml', async () => {
    const loaded = await loadPack(`${FIXTURES}no_pack_yaml`);
    expect(loaded.pack).toBeUndefined();
    expect(loaded.actions).toEqual([]);
    expect(loaded.errors).toEqual([
      { file: 'no_pack_yaml/pack.yaml', problem: 'missing pack.yaml: no_pack_yaml is not a pack folder' },
    ]);
  });

  it('fails a pack whose name is not a valid ref and that has no ref', async () => {
    const loaded = await loadPack(`${FIXTURES}bad_pack_yaml`);
    expect(loaded.pack).toBeUndefined();
    expect(loaded.errors).toEqual([
      {
        file: 'bad_pack_yaml/pack.yaml',
        field: 'name',
        problem: '"Bad Pack" is not a valid pack ref (^[a-z0-9_]+$); add a ref',
      },
    ]);
  });

  it('makes problem paths relative to the folder asked for', async () => {
    const loaded = await loadPack(`${FIXTURES}no_pack_yaml`, { relativeTo: `${FIXTURES}..` });
    expect(loaded.errors[0]?.file).toBe('packs/no_pack_yaml/pack.yaml');
  });
});

describe('validatePackDir', () => {
  it('checks every pack of a packs root, including the alias hook', async () => {
    const problems = await validatePackDir(FIXTURES, {
      validateAlias: (a) => (a.name === 'hello' ? 'format "hello {{ name }}" is rejected by the test hook' : undefined),
    });
    expect(problems.map((p) => `${p.file}${p.field ? ` ${p.field}` : ''}`)).toEqual([
      'bad_pack_yaml/pack.yaml name',
      'broken/actions/bad_type.yaml parameters.cmd.type',
      'broken/actions/bad_type.yaml parameters.timeout.position',
      'broken/actions/no_entry.yaml entry_point',
      'broken/actions/syntax.yaml',
      'broken/aliases/unknown_key.yaml formatz',
      'good/aliases/hello.yaml formats',
      'no_pack_yaml/pack.yaml',
    ]);
  });

  it('finds nothing wrong in a good pack', async () => {
    expect(await validatePackDir(`${FIXTURES}good`)).toEqual([]);
  });
});

describe('loadPack shape checks', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  async function packWith(files: Record<string, string>): Promise<string> {
    const tmp = await mkdtemp(join(tmpdir(), 'squall-pack-'));
    made.push(tmp);
    const dir = join(tmp, 'demo');
    const all = { 'pack.yaml': 'name: demo\ndescription: d\nversion: 1.0.0\nauthor: a\n', ...files };
    for (const [path, text] of Object.entries(all)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it('names each bad field of an action', async () => {
    const dir = await packWith({
      'actions/a.yaml':
        'name: a\nparameters:\n  bad-name: {type: string}\n  flag: {type: boolean, required: "yes", secret: 1}\n',
      'actions/b.yaml': 'name: b\nrunner_type: local-shell-script\n',
      'actions/c.yaml': 'name: c\nrunner_type: local-shell-script\nentry_point: ../../etc/passwd\n',
    });
    const { errors, actions } = await loadPack(dir);
    expect(actions).toEqual([]);
    expect(errors).toEqual([
      { file: 'demo/actions/a.yaml', field: 'runner_type', problem: 'is required' },
      {
        file: 'demo/actions/a.yaml',
        field: 'parameters.bad-name',
        problem: 'names may only contain letters, digits and underscores',
      },
      { file: 'demo/actions/a.yaml', field: 'parameters.flag.required', problem: 'must be a boolean' },
      { file: 'demo/actions/a.yaml', field: 'parameters.flag.secret', problem: 'must be a boolean' },
      { file: 'demo/actions/b.yaml', field: 'entry_point', problem: 'is required for runner local-shell-script' },
      { file: 'demo/actions/c.yaml', field: 'entry_point', problem: '"../../etc/passwd" points outside the pack' },
    ]);
  });

  it('names each bad field of an alias, inside formats too', async () => {
    const dir = await packWith({
      'aliases/a.yaml': [
        'name: a',
        'action_ref: nodot',
        'formats:',
        '  - 5',
        '  - display: 7',
        '    representation: [ok, 3]',
        'permissions: {roles: [root], groups: [x]}',
        'ack: {enabled: "no"}',
      ].join('\n'),
    });
    const { errors, aliases } = await loadPack(dir);
    expect(aliases).toEqual([]);
    expect(errors).toEqual([
      { file: 'demo/aliases/a.yaml', field: 'action_ref', problem: 'must be an action ref such as core.local' },
      {
        file: 'demo/aliases/a.yaml',
        field: 'formats[0]',
        problem: 'must be a string or an object with display and representation',
      },
      { file: 'demo/aliases/a.yaml', field: 'formats[1].display', problem: 'must be a string' },
      { file: 'demo/aliases/a.yaml', field: 'formats[1].representation[1]', problem: 'must be a string' },
      { file: 'demo/aliases/a.yaml', field: 'ack.enabled', problem: 'must be a boolean' },
      { file: 'demo/aliases/a.yaml', field: 'permissions.roles[0]', problem: 'must be one of admin, operator, viewer' },
      { file: 'demo/aliases/a.yaml', field: 'permissions', problem: 'unknown key(s): groups' },
    ]);
  });

  it('reports duplicate names and an empty file, and warns about what real packs get slightly wrong', async () => {
    const dir = await packWith({
      'pack.yaml': 'name: demo\nversion: 1.0\n',
      'actions/a.yaml': 'name: same\nrunner_type: noop\nfoo: 1\n',
      'actions/b.yaml': 'name: same\nrunner_type: noop\n',
      'actions/c.yaml': '# nothing\n',
    });
    const { errors, actions, pack } = await loadPack(dir);
    expect(pack?.version).toBe('1.0.0');
    expect(actions.map((a) => a.ref)).toEqual(['demo.same']);
    expect(errors).toEqual([
      { file: 'demo/pack.yaml', field: 'description', problem: 'is required', severity: 'warning' },
      { file: 'demo/pack.yaml', field: 'author', problem: 'is required', severity: 'warning' },
      { file: 'demo/actions/a.yaml', field: 'foo', problem: 'unknown key (ignored)', severity: 'warning' },
      { file: 'demo/actions/b.yaml', field: 'name', problem: 'duplicate action name "same" (also in actions/a.yaml)' },
      { file: 'demo/actions/c.yaml', problem: 'the file is empty' },
    ]);
  });
});

describe('loadPack: pack files read as YAML 1.1, like StackStorm', () => {
  it('reads yes/on booleans and under-indented quoted descriptions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-yaml11-'));
    const pack = join(dir, 'yamlpack');
    await mkdir(join(pack, 'actions'), { recursive: true });
    await writeFile(join(pack, 'pack.yaml'), 'name: yamlpack\nversion: 0.1.0\ndescription: d\nauthor: a\n');
    await writeFile(
      join(pack, 'actions', 'go.yaml'),
      'name: go\nrunner_type: noop\nenabled: yes\ndescription: "Does a thing\nover two lines"\nparameters:\n  force:\n    type: boolean\n    default: on\n',
    );
    const loaded = await loadPack(pack);
    expect(loaded.errors).toEqual([]);
    expect(loaded.actions[0]).toMatchObject({
      enabled: true,
      description: 'Does a thing over two lines',
      parameters: { force: { type: 'boolean', default: true } },
    });
    await rm(dir, { recursive: true, force: true });
  });
});

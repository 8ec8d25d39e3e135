import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { functionBuildOptions } from '../../infra/defaults/bundle';
import { STAGES, type StageId } from '../../shared/catalogue';
import { dummyEnv } from '../bench/coldstart';

/**
 * What the functions' cold starts rely on, as infra bundles them: detect
 * loads rules already read from YAML (the rules artifact); respond takes
 * the EC2 client from the runtime only when it first quarantines; the SDK
 * clients carry the schemas of the operations a function sends, not their
 * whole service's; and a bundle reads its source map only when a stack
 * trace is formatted, not at load. One stray import or option would undo
 * any of these without failing anything else.
 */
describe('function bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mdr-bundles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function bundle(entry: string, runtimeModules: readonly string[] = [], name = entry.replace(/\W+/g, '-')): Promise<{ file: string; inputs: string[] }> {
    const file = join(dir, name, 'index.js');
    const result = await build({ ...functionBuildOptions(entry, runtimeModules), outfile: file, metafile: true, logLevel: 'silent' });
    return { file, inputs: Object.keys(result.metafile?.inputs ?? {}) };
  }
  const stage = (id: StageId) => bundle(STAGES[id].entry, STAGES[id].runtimeModules, id);

  it('detect holds no YAML parser', async () => {
    const { inputs } = await stage('detect');
    expect(inputs).toContain('shared/detect/sigma/ruleset.ts');
    expect(inputs.filter((p) => /node_modules\/yaml\/|sigma\/rule-text\.ts$/.test(p))).toEqual([]);
  });

  it('an SDK client carries the schemas of the operations sent, not its whole service', async () => {
    const { file } = await stage('detect');
    const code = readFileSync(file, 'utf8');
    // detect sends GetObject (the rules artifact) and PutObject (evidence); S3 has some 120 more operations.
    expect(code).toContain('x-id=GetObject');
    expect(code).toContain('x-id=PutObject');
    expect(code).not.toContain('SelectObjectContent');
    expect(code).not.toContain('ListObjectsV2');
    expect(code).not.toContain('PutBucketLifecycleConfiguration');
  });

  it('respond leaves the EC2 client out of its bundle and does not load it at start', async () => {
    const { file, inputs } = await stage('respond');
    expect(inputs.filter((p) => p.includes('client-ec2'))).toEqual([]);
    expect(inputs).toContain('shared/aws/ec2-quarantine.ts');
    const artifact = join(dir, 'rules.json');
    writeFileSync(artifact, '{}');
    // The runtime's SDK stands in as node_modules, as NODE_PATH stands for /var/runtime/node_modules on Lambda.
    const probe = `require(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((p) => p.includes('client-ec2')).length));`;
    const res = spawnSync(process.execPath, ['-e', probe, file], {
      env: { PATH: process.env.PATH ?? '', NODE_PATH: resolve('node_modules'), ...dummyEnv(artifact) },
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('0');
  });

  it('a bundle reads its source map when a stack is first formatted, not at load, and names the TypeScript source', async () => {
    const { file } = await bundle('test/fixtures/bundled-error.ts');
    // Records which files the bundle reads: its map must not be one of them until the error's stack is asked for.
    const probe = `
      const fs = require('fs');
      const read = fs.readFileSync;
      const maps = [];
      fs.readFileSync = function (p, ...rest) { if (String(p).endsWith('.map')) maps.push(String(p)); return read.call(this, p, ...rest); };
      const m = require(process.argv[1]);
      const atLoad = maps.length;
      let error;
      try { m.loadRules(); } catch (e) { error = e; }
      const afterThrow = maps.length;
      const stack = error.stack;
      process.stdout.write(JSON.stringify({ atLoad, afterThrow, afterStack: maps.length, stack }));`;
    const res = spawnSync(process.execPath, ['-e', probe, file], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as { atLoad: number; afterThrow: number; afterStack: number; stack: string };
    expect([out.atLoad, out.afterThrow, out.afterStack]).toEqual([0, 0, 1]);
    const lines = out.stack.split('\n');
    expect(lines[0]).toBe('Error: cannot compile r1');
    expect(lines[1]).toMatch(/^ {4}at compile \(.*test\/fixtures\/bundled-error\.ts:4:11\)$/);
    expect(lines[2]).toMatch(/test\/fixtures\/bundled-error\.ts:9:/);
  });
});

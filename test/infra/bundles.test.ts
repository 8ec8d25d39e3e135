import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { STAGES, type StageId } from '../../shared/catalogue';
import { asDeployed, dummyEnv } from '../bench/coldstart';

/**
 * What the functions' cold starts rely on, as infra bundles them: detect
 * loads rules already read from YAML (the rules artifact), and respond takes
 * the EC2 client from the runtime only when it first quarantines. One stray
 * import would undo either without failing anything else.
 */
describe('function bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mdr-bundles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function bundle(stage: StageId): Promise<{ file: string; inputs: Metafile['inputs'] }> {
    const file = join(dir, stage, 'index.js');
    const result = await build({ ...asDeployed(STAGES[stage].entry, STAGES[stage].runtimeModules), outfile: file, metafile: true, logLevel: 'silent' });
    return { file, inputs: result.metafile.inputs };
  }

  it('detect holds no YAML parser', async () => {
    const inputs = Object.keys((await bundle('detect')).inputs);
    expect(inputs).toContain('shared/detect/sigma/ruleset.ts');
    expect(inputs.filter((p) => /node_modules\/yaml\/|sigma\/rule-text\.ts$/.test(p))).toEqual([]);
  });

  it('respond leaves the EC2 client out of its bundle and does not load it at start', async () => {
    const { file, inputs } = await bundle('respond');
    expect(Object.keys(inputs).filter((p) => p.includes('client-ec2'))).toEqual([]);
    expect(Object.keys(inputs)).toContain('shared/aws/ec2-quarantine.ts');
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
});

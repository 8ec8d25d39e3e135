/**
 * Cold start: each Lambda entry bundled as infra bundles it (the same
 * functionBuildOptions: the AWS SDK bundled from its ESM builds, a stage's
 * runtimeModules left out, as deployed) and, for comparison, with the SDK external (the
 * runtime's copy, resolved from node_modules); its size, and the time to load the module
 * (its initialisation, env read, clients constructed, rules compiled) in a
 * fresh node process started with the function's NODE_OPTIONS. No AWS call is made: AWS_ENDPOINT_URL points at a port
 * nothing listens on and the modules call nothing at load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { functionBuildOptions } from '../../infra/defaults/bundle';
import { NODE_OPTIONS_BY_STAGE } from '../../infra/defaults/lambda';
import { RulesSourceEnv } from '../../shared/aws/rules-source';
import { Env, STAGES, type StageId } from '../../shared/catalogue';
import { buildRulesArtifact, readRuleFiles } from '../../shared/detect/rule-files';
import { DEFAULT_ESCALATION } from '../../shared/escalation/policy';
import { cloudTrailRuleFiles } from './generators';
import { fmt, median, table } from './measure';

export function repoRoot(): string {
  for (const dir of [resolve(__dirname, '..', '..', '..'), resolve(__dirname, '..', '..'), process.cwd()]) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'functions'))) return dir;
  }
  throw new Error('repository root not found');
}

export interface ColdRow {
  fn: string;
  variant: 'sdk external' | 'sdk bundled';
  note?: string;
  bytes: number;
  mapBytes: number;
  initMs: number;
  /** CPU time of the module's initialisation (all threads): steadier than wall time on a shared machine. */
  initCpuMs: number;
  processMs: number;
  /** detect as deployed: what its first batch spends compiling the rules artifact read from S3, in a fresh process after the module loaded. */
  firstBatchCompileMs?: number;
  rssMb: number;
}

const CHILD = `
const t0 = performance.now();
const c0 = process.cpuUsage();
require(process.argv[1]);
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
const out = { initMs: t1 - t0, initCpuMs: (c1.user + c1.system) / 1000, processMs: t1, rss: process.memoryUsage().rss };
if (process.argv[2]) {
  const compile = require(process.argv[2]).compileArtifact;
  const t2 = performance.now();
  compile(process.argv[3]);
  out.firstBatchCompileMs = performance.now() - t2;
}
process.stdout.write(JSON.stringify(out));
`;

type Sample = { initMs: number; initCpuMs: number; processMs: number; rss: number; firstBatchCompileMs?: number };

/** A dummy for every variable the catalogue names (new functions add new ones), then the ones with a shape. */
export function dummyEnv(artifact: string): Record<string, string> {
  const generic: Record<string, string> = {};
  for (const name of Object.values(Env) as string[]) {
    generic[name] = name.endsWith('_URL')
      ? `http://127.0.0.1:1/000000000000/${name.toLowerCase()}`
      : /_(MINUTES|HOURS|DAYS|CASE|COUNT|SECONDS)$/.test(name)
        ? '60'
        : `bench-${name.toLowerCase()}`;
  }
  return {
    ...generic,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [Env.tenantId]: 'bench',
    [Env.busName]: 'bench-bus',
    [Env.detectQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-detect',
    [Env.notifyQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-notify',
    [Env.quarantineQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-quarantine',
    [Env.tableName]: 'bench-cases',
    [Env.rulesArtifact]: artifact,
    // As deployed: detect re-reads the artifact from the data bucket (on its first batch, not at load).
    [RulesSourceEnv.bucket]: 'bench-data',
    [RulesSourceEnv.key]: 'rules/current.json',
    [Env.escalationPolicy]: JSON.stringify(DEFAULT_ESCALATION),
    [Env.channels]: JSON.stringify({ webhook: { kind: 'webhook', url: 'http://127.0.0.1:1/hook', timeoutMs: 5000 } }),
    [Env.webhookSecretId]: 'bench/webhook-signing',
    [Env.caseLinkBase]: 'http://127.0.0.1:1/cases',
    [Env.providerAccountId]: '123456789012',
    // Variables that carry JSON: the shapes a deployment writes (empty where that is valid).
    [Env.logGroupHints]: '{}',
    [Env.investigation]: '{}',
    [Env.runbooks]: '{}',
    [Env.responseConfig]: JSON.stringify({ actions: { deactivate_access_key: { enabled: true, requesters: ['customer'], approval: 'none' } } }),
    [Env.slackTeamIds]: '',
  };
}

/** NODE_OPTIONS the stack gives a function (infra/defaults/lambda.ts): Node starts with them on Lambda. */
export function nodeOptionsOf(fn: string): string {
  return NODE_OPTIONS_BY_STAGE[fn as StageId] ?? '';
}

function loadOnce(bundle: string, env: Record<string, string>, nodePath: string, nodeOptions = '', compile?: { bundle: string; artifact: string }): Sample {
  const res = spawnSync(process.execPath, ['-e', CHILD, bundle, ...(compile ? [compile.bundle, compile.artifact] : [])], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: nodePath, ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (res.status !== 0) throw new Error(`loading ${bundle} failed: ${res.stderr || res.error?.message}`);
  return JSON.parse(res.stdout) as Sample;
}

export async function benchColdStart(o: { quick: boolean; runs: number; log: (l: string) => void }): Promise<{ rows: ColdRow[]; rulesInArtifact: number; runs: number }> {
  const root = repoRoot();
  const out = mkdtempSync(join(tmpdir(), 'mdr-bench-bundles-'));
  const shipped = buildRulesArtifact(readRuleFiles([join(root, 'rules')], root));
  const shippedPath = join(out, 'rules.json');
  writeFileSync(shippedPath, JSON.stringify(shipped));
  const generatedPath = join(out, 'rules-1000.json');
  writeFileSync(generatedPath, JSON.stringify(buildRulesArtifact(cloudTrailRuleFiles(1_000))));
  const nodePath = join(root, 'node_modules');
  const fns = readdirSync(join(root, 'functions')).filter((f) => existsSync(join(root, 'functions', f, 'index.ts'))).sort();
  const runs = o.quick ? 3 : Math.max(5, o.runs);
  const compileBundle = join(out, 'compile-artifact', 'index.js');
  await build({ ...functionBuildOptions(join(root, 'test', 'bench', 'compile-artifact.ts'), [], root), outfile: compileBundle, logLevel: 'silent' });
  // Every bundle is built first, then loaded round-robin, one load of each per run: a burst of other
  // work on a shared machine then lands on every function's samples alike, not on one function's.
  interface Target {
    fn: string;
    variant: ColdRow['variant'];
    note?: string;
    outfile: string;
    bytes: number;
    mapBytes: number;
    env: Record<string, string>;
    compile?: { bundle: string; artifact: string };
    samples: Sample[];
    error?: string;
  }
  const targets: Target[] = [];
  for (const fn of fns) {
    for (const variant of ['sdk external', 'sdk bundled'] as const) {
      const outfile = join(out, variant === 'sdk external' ? 'external' : 'bundled', fn, 'index.js');
      const entry = join(root, 'functions', fn, 'index.ts');
      await build({
        // The external variant keeps the SDK's own resolution and leaves all of it out.
        ...(variant === 'sdk bundled' ? functionBuildOptions(entry, STAGES[fn as StageId]?.runtimeModules, root) : { ...functionBuildOptions(entry, [], root), mainFields: undefined, alias: undefined, external: ['@aws-sdk/*'] }),
        outfile,
        logLevel: 'silent',
      });
      const bytes = statSync(outfile).size;
      const mapBytes = statSync(`${outfile}.map`).size;
      const artifacts: Array<[string, string | undefined]> = fn === 'detect' ? [[shippedPath, `rules/ (${shipped.files.length} files)`], [generatedPath, '1,000 generated rules']] : [[shippedPath, undefined]];
      for (const [artifact, note] of artifacts) {
        // Deployed, detect reads the artifact from S3 on its first batch and compiles it: timed after the load.
        const compile = fn === 'detect' && variant === 'sdk bundled' ? { bundle: compileBundle, artifact } : undefined;
        targets.push({ fn, variant, note, outfile, bytes, mapBytes, env: dummyEnv(artifact), compile, samples: [] });
      }
    }
  }
  for (let run = 0; run < runs; run++) {
    for (const t of targets) {
      if (t.error) continue;
      try {
        t.samples.push(loadOnce(t.outfile, t.env, nodePath, nodeOptionsOf(t.fn), t.compile));
      } catch (e) {
        t.error = (e as Error).message.split('\n').find((l) => /Error:/.test(l)) ?? (e as Error).message.slice(0, 200);
        o.log(`cold start ${t.fn} (${t.variant}): could not load: ${t.error}`);
      }
    }
  }
  const rows: ColdRow[] = [];
  for (const { fn, variant, note, bytes, mapBytes, compile, samples, error } of targets) {
    if (error) {
      rows.push({ fn, variant, note: `did not load: ${error.trim()}`, bytes, mapBytes, initMs: NaN, initCpuMs: NaN, processMs: NaN, rssMb: NaN });
      continue;
    }
    const row: ColdRow = {
      fn,
      variant,
      note,
      bytes,
      mapBytes,
      initMs: median(samples.map((s) => s.initMs)),
      initCpuMs: median(samples.map((s) => s.initCpuMs)),
      processMs: median(samples.map((s) => s.processMs)),
      rssMb: median(samples.map((s) => s.rss)) / 2 ** 20,
      ...(compile ? { firstBatchCompileMs: median(samples.map((s) => s.firstBatchCompileMs ?? NaN)) } : {}),
    };
    o.log(
      `cold start ${fn}${note ? ` [${note}]` : ''} (${variant}): ${fmt.kb(bytes)} KiB, init ${fmt.ms(row.initMs)} ms (CPU ${fmt.ms(row.initCpuMs)} ms), process ready ${fmt.ms(row.processMs)} ms, RSS ${row.rssMb.toFixed(0)} MB${compile ? `, first batch compiles the rules in ${fmt.ms(row.firstBatchCompileMs ?? NaN)} ms` : ''}`,
    );
    rows.push(row);
  }
  // Floors, for where the time goes: Node alone, and the AWS SDK alone (one client constructed), loaded the same way.
  const floors: Array<[string, string]> = [
    ['floor: empty module', ''],
    ['floor: @aws-sdk/client-sqs + new SQSClient()', "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const c = new SQSClient({});\n"],
    ['floor: SQS + EventBridge + DynamoDB clients', "import { SQSClient } from '@aws-sdk/client-sqs';\nimport { EventBridgeClient } from '@aws-sdk/client-eventbridge';\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = [new SQSClient({}), new EventBridgeClient({}), new DynamoDBClient({})];\n"],
  ];
  for (const [name, code] of floors) {
    const src = join(out, `${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    writeFileSync(src, code);
    const outfile = src.replace(/\.ts$/, '.js');
    await build({ entryPoints: [src], bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, sourcemap: true, external: ['@aws-sdk/*'], outfile, logLevel: 'silent', nodePaths: [nodePath] });
    const samples = Array.from({ length: runs }, () => loadOnce(outfile, dummyEnv(shippedPath), nodePath));
    const row: ColdRow = {
      fn: name,
      variant: 'sdk external',
      bytes: statSync(outfile).size,
      mapBytes: statSync(`${outfile}.map`).size,
      initMs: median(samples.map((x) => x.initMs)),
      initCpuMs: median(samples.map((x) => x.initCpuMs)),
      processMs: median(samples.map((x) => x.processMs)),
      rssMb: median(samples.map((x) => x.rss)) / 2 ** 20,
    };
    o.log(`cold start ${name}: init ${fmt.ms(row.initMs)} ms, process ready ${fmt.ms(row.processMs)} ms`);
    rows.push(row);
  }
  rmSync(out, { recursive: true, force: true });
  return { rows, rulesInArtifact: shipped.files.length, runs };
}

export function coldMarkdown(rows: ColdRow[]): string {
  return table(
    ['function', 'AWS SDK', 'bundle KiB', 'source map KiB', 'module init ms (median)', 'init CPU ms', 'process start → ready ms', 'RSS MB', '< 500 KB', '< 100 ms'],
    rows.map((r) => [
      r.note ? `${r.fn} (${r.note})` : r.fn,
      r.variant === 'sdk external' ? 'external (runtime copy)' : 'bundled (as deployed)',
      fmt.kb(r.bytes),
      fmt.kb(r.mapBytes),
      fmt.ms(r.initMs),
      fmt.ms(r.initCpuMs),
      fmt.ms(r.processMs),
      r.rssMb.toFixed(0),
      r.fn.startsWith('floor') ? '–' : r.bytes < 500_000 ? 'yes' : 'no',
      r.fn.startsWith('floor') ? '–' : Number.isNaN(r.initMs) ? '–' : r.initMs < 100 ? 'yes' : 'no',
    ]),
  );
}

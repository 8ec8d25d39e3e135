import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { REPO_ROOT } from './paths';

/**
 * How every function is bundled: one definition for the deployment
 * (infra/defaults/lambda.ts runs it through bundle-cli.ts at synth), the
 * cold-start benchmark and the bundle tests, so what they measure is what
 * is deployed. Kept free of aws-cdk-lib: the benchmark imports it.
 */
export const ESBUILD_TARGET = 'node22';

export const BUNDLE_SETTINGS = {
  /**
   * The AWS SDK is bundled, not left to the runtime's copy: taken from its
   * ESM builds it is tree-shaken to the commands a function sends and loads
   * as one file instead of hundreds of modules (decision 0009), and the
   * deployed SDK is the one the lockfile pins and the tests ran.
   */
  mainFields: ['module', 'main'],
  /** Names and lines for stack traces, not the sources' text. */
  sourcesContent: false,
  /** Package → repository-relative file: the environment credential provider Lambda needs, not the Node chain. */
  alias: { '@aws-sdk/credential-provider-node': 'shared/aws/lambda-credentials.ts' },
  /** Run first in every bundle: stack traces read through the source map when first formatted (decision 0010). */
  inject: ['functions/stack-traces.ts'],
} as const;

/** BUNDLE_SETTINGS.alias with absolute paths under `root` (esbuild resolves an alias from its working directory). */
export function bundleAliases(root: string = REPO_ROOT): Record<string, string> {
  return Object.fromEntries(Object.entries(BUNDLE_SETTINGS.alias).map(([pkg, path]) => [pkg, resolve(root, path)]));
}

const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * Lets esbuild drop the schemas of operations a function never sends. An
 * SDK client's schema module declares every operation and shape of its
 * service, with traits written as computed keys of module constants
 * (`{ [_h]: ["GET", …] }`); esbuild cannot prove such an object literal
 * free of side effects, so it kept them all: S3's 120 operations were
 * 67 KB of detect's bundle, and built at every cold start. Replacing each
 * `[_x]:` whose `_x` is a `const` string of the same module by that
 * string is the same object; the unused schemas then go. A module written
 * otherwise passes through unchanged.
 */
export const sdkSchemaKeys: Plugin = {
  name: 'sdk-schema-keys',
  setup(b) {
    b.onLoad({ filter: SDK_SCHEMAS }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const strings = new Map<string, string>();
      for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
      return { contents: source.replace(/\[(_\w+)\]:/g, (key, name: string) => (strings.has(name) ? `${strings.get(name)}:` : key)), loader: 'js' };
    });
  },
};

/** esbuild options of a function entry as deployed: minified CommonJS for Node 22 with a linked source map; `runtimeModules` stay external. */
export function functionBuildOptions(entry: string, runtimeModules: readonly string[] = [], root: string = REPO_ROOT): BuildOptions {
  return {
    entryPoints: [resolve(root, entry)],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    alias: bundleAliases(root),
    inject: BUNDLE_SETTINGS.inject.map((f) => resolve(root, f)),
    external: [...runtimeModules],
    plugins: [sdkSchemaKeys],
    absWorkingDir: root,
    logLevel: 'warning',
  };
}

/** What bundle-cli.ts is asked to build: the function's entry, its runtime modules, and data files copied beside the code. */
export interface BundleRequest {
  readonly entry: string;
  readonly outDir: string;
  readonly runtimeModules?: readonly string[];
  /** File name in the bundle → absolute path of its source. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Writes `index.js` (handler `index.handler`), its map and the data files into `outDir`. */
export async function bundleFunction(req: BundleRequest, root: string = REPO_ROOT): Promise<void> {
  await build({ ...functionBuildOptions(req.entry, req.runtimeModules, root), outfile: join(req.outDir, 'index.js') });
  for (const [name, from] of Object.entries(req.files ?? {})) copyFileSync(from, join(req.outDir, name));
}

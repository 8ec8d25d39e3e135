import { bundleFunction, type BundleRequest } from './bundle';

/**
 * `node --import tsx infra/defaults/bundle-cli.ts '<BundleRequest JSON>'`:
 * CDK asks for a function's code synchronously at synth, and esbuild runs
 * plugins only in its asynchronous API, so synth bundles in this child
 * process (infra/defaults/lambda.ts).
 */
bundleFunction(JSON.parse(process.argv[2] ?? '') as BundleRequest).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});

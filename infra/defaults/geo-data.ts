import { dirname, join } from 'node:path';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { GEO_FILES, GEO_PACKAGE } from '../../shared/investigation/geo';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bundling hooks that copy the offline IP-to-country tables (an npm
 * package's CSV files) beside the function's bundle, where the geo lookup
 * finds them (`__dirname`). esbuild bundles code, not data files.
 */
export function geoDataHooks(): nodejs.ICommandHooks {
  const dir = dirname(require.resolve(`${GEO_PACKAGE}/package.json`));
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_input: string, output: string) => Object.values(GEO_FILES).map((f) => `cp ${shellQuote(join(dir, f))} ${shellQuote(join(output, f))}`),
  };
}

import { dirname, join } from 'node:path';
import { GEO_FILES, GEO_PACKAGE } from '../../shared/investigation/geo';

/**
 * The offline IP-to-country tables (an npm package's CSV files), copied
 * beside the function's bundle, where the geo lookup finds them
 * (`__dirname`): file name in the bundle → source path. esbuild bundles
 * code, not data files.
 */
export function geoDataFiles(): Record<string, string> {
  const dir = dirname(require.resolve(`${GEO_PACKAGE}/package.json`));
  return Object.fromEntries(Object.values(GEO_FILES).map((f) => [f, join(dir, f)]));
}

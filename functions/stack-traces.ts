import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * Stack traces of a bundled function name the TypeScript sources (file,
 * line, function), read through the bundle's source map the first time a
 * stack is formatted, which in practice is when an error is logged.
 * Node's --enable-source-maps maps them too, but does its work at load:
 * it reads and parses the map and counts the length of every line of the
 * bundle before the function's first line runs (10–15 ms of each cold
 * start here; decision 0010). esbuild injects this module at the top of
 * every function bundle (infra/defaults/bundle.ts). Elsewhere (tests, tsx,
 * the local runtime) no map lies beside the module, or Node maps stacks
 * itself, and it does nothing.
 */
export function installLazySourceMaps(bundle: string): boolean {
  const mapFile = `${bundle}.map`;
  if (process.sourceMapsEnabled || !existsSync(mapFile)) return false;
  // Node's own formatter (Node 20 and 22 expose it) keeps stacks with no frame in the bundle as they were.
  const previous = Error.prepareStackTrace;
  const base = dirname(mapFile);
  // undefined: not read yet; null: unreadable, stacks stay as V8 writes them.
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };

  const origin = (m: SourceMap, line: number | null, column: number | null) => {
    if (line === null || column === null) return undefined;
    const o = m.findOrigin(line, column);
    return 'fileName' in o ? o : undefined;
  };

  const frame = (m: SourceMap, site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    if (site.getFileName() !== bundle) return site.toString();
    const at = origin(m, site.getLineNumber(), site.getColumnNumber());
    if (!at) return site.toString();
    // The function's own name in the sources; else the name its caller used; else what V8 saw (minified).
    const name =
      origin(m, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber())?.name ||
      (caller?.getFileName() === bundle ? origin(m, caller.getLineNumber(), caller.getColumnNumber())?.name : undefined) ||
      site.getFunctionName() ||
      '<anonymous>';
    const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
    return `${prefix}${name} (${resolve(base, at.fileName)}:${at.lineNumber}:${at.columnNumber})`;
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): unknown => {
    const m = sites.some((s) => s.getFileName() === bundle) ? sourceMap() : null;
    if (!m && previous) return previous(error, sites);
    let head: string;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = '<error>';
    }
    const lines = sites.map((site, i) => {
      try {
        return m ? frame(m, site, sites[i + 1]) : site.toString();
      } catch {
        return site.toString();
      }
    });
    return lines.length ? `${head}\n    at ${lines.join('\n    at ')}` : head;
  };
  return true;
}

installLazySourceMaps(__filename);

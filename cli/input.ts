import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every file under the given files or folders (folders recursed, sorted), as the user named them. */
export function listFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) visit(join(p, name));
    else out.push(p);
  };
  for (const p of paths) visit(p);
  return out;
}

/** A file's text, gunzipped when it starts with the gzip magic bytes. */
export function readText(path: string): string {
  const buf = readFileSync(path);
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
}

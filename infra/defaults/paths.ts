import { resolve } from 'node:path';

/** The repository root: catalogue entries and rule folders are relative to it. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Resolves a repository-relative path (as the catalogue and config write them). */
export function fromRepoRoot(path: string): string {
  return resolve(REPO_ROOT, path);
}

import { readFileSync } from 'node:fs';
import { loadArtifact, parseRulesArtifact } from '../../shared/detect/rules-artifact';

/**
 * What detect's first batch does with the artifact it reads from S3
 * (shared/aws/rules-source.ts): parse and compile it. Bundled on its own
 * and timed by the cold-start bench in the process that just loaded the
 * detect bundle.
 */
export function compileArtifact(path: string): number {
  return loadArtifact(parseRulesArtifact(readFileSync(path, 'utf8'))).rules.rules.length;
}

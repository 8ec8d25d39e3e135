/**
 * Rule files as text: YAML → plain documents, and compileRules over text.
 * Kept apart from the interpretation of a document (parse.ts) and from the
 * rule set (ruleset.ts) so the detect function, which loads documents read
 * at synth (the rules artifact), neither bundles nor runs a YAML parser
 * (test/infra/bundles.test.ts holds it to that).
 */
import { parseAllDocuments, Scalar, visit } from 'yaml';
import { compileDocuments, type CompileOptions, type RuleSet } from './ruleset';
import { RuleLoadError, type ParsedRuleFile, type RuleDocumentSource, type RuleSourceFile } from './types';

/** Canonical decimal: anything else the YAML schema reads as a number (hex, octal, exponent, `.inf`, leading zeros) stays text. */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Reads every YAML document of a file; a document that is not valid YAML becomes a load error naming the file. */
export function readRuleFile(file: RuleSourceFile): ParsedRuleFile {
  let docs;
  try {
    docs = parseAllDocuments(file.text, { prettyErrors: false });
  } catch (e) {
    return { path: file.path, documents: [{ error: new RuleLoadError(file.path, undefined, `bad YAML: ${(e as Error).message}`) }] };
  }
  if (!Array.isArray(docs)) docs = [docs];
  const documents = docs.map((yamlDoc, index): RuleDocumentSource => {
    const bad = (message: string) => ({ error: new RuleLoadError(file.path, undefined, `bad YAML (document ${index + 1}): ${message}`) });
    if (yamlDoc.errors.length > 0) return bad(yamlDoc.errors[0].message);
    // Keep the written text of numbers that are not plain decimals: `0x17` must not become 23.
    visit(yamlDoc, {
      Scalar(_k, node: Scalar) {
        if (typeof node.value === 'number' && node.type === Scalar.PLAIN && node.range) {
          const src = file.text.slice(node.range[0], node.range[1]).trim();
          if (!DECIMAL.test(src)) node.value = src;
        }
      },
    });
    try {
      // An alias with no anchor, or an alias bomb, fails here: a load error naming the file, not a crash.
      return { data: yamlDoc.toJS({ maxAliasCount: 100 }) };
    } catch (e) {
      return bad((e as Error).message);
    }
  });
  return { path: file.path, documents };
}

/** Reads and compiles rule files (see compileDocuments for what it throws and skips). */
export function compileRules(files: readonly RuleSourceFile[], options: CompileOptions = {}): RuleSet {
  return compileDocuments(files.map(readRuleFile), options);
}

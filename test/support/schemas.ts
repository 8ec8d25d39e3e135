import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

/** Validates a value against a schema in schemas/; returns the errors as text (empty when valid). */
export function schemaErrors(schema: 'finding' | 'case-event' | 'notification', value: unknown): string[] {
  const id = `${schema}`;
  let validate = ajv.getSchema(id);
  if (!validate) {
    ajv.addSchema(JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', `${schema}.schema.json`), 'utf8')), id);
    validate = ajv.getSchema(id);
  }
  if (!validate) throw new Error(`schema ${schema} did not compile`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

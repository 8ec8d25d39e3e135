import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CustomerConfig, parseCustomerConfig } from '../../shared/config/customer-config';
import { parseProviderConfig, type ProviderConfig } from './provider-config';

/** Reads a JSON file, failing with the file name when it cannot be read or parsed. */
export function readJsonFile(path: string): unknown {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`config file ${file} is not JSON: ${(e as Error).message}`);
  }
}

function withFile<T>(path: string, parse: (raw: unknown) => T): T {
  const raw = readJsonFile(path);
  try {
    return parse(raw);
  } catch (e) {
    // The ConfigError message names the field; prefix the file it came from.
    throw new Error(`${resolve(path)}: ${(e as Error).message}`, { cause: e });
  }
}

export function loadCustomerConfig(path: string): CustomerConfig {
  return withFile(path, parseCustomerConfig);
}

export function loadProviderConfig(path: string): ProviderConfig {
  return withFile(path, parseProviderConfig);
}

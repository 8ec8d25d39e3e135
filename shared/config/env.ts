/** Reads required environment variables once at cold start; a missing one fails loudly, by name. */
export function requireEnv<K extends string>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Record<K, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new Error(`missing environment variable(s): ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, env[n] as string])) as Record<K, string>;
}

export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`environment variable ${name} must be an integer, got "${v}"`);
  return n;
}

export function jsonEnv<T>(name: string, env: NodeJS.ProcessEnv = process.env): T {
  const v = env[name];
  if (!v) throw new Error(`missing environment variable: ${name}`);
  try {
    return JSON.parse(v) as T;
  } catch (e) {
    throw new Error(`environment variable ${name} is not JSON: ${(e as Error).message}`);
  }
}

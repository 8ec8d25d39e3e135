import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const CACHE_MS = 5 * 60_000;

/** Reads a secret's string (channel tokens, routing keys), cached for five minutes. */
export function secretStringReader(client: SecretsManagerClient, now = () => Date.now()) {
  const cache = new Map<string, { at: number; value: string }>();
  return async (secretId: string): Promise<string> => {
    const hit = cache.get(secretId);
    if (hit && now() - hit.at < CACHE_MS) return hit.value;
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!res.SecretString) throw new Error(`secret ${secretId} has no string value`);
    cache.set(secretId, { at: now(), value: res.SecretString });
    return res.SecretString;
  };
}

/**
 * Reads signing secrets from Secrets Manager, cached for five minutes so a
 * rotation is picked up without a redeploy. The value is either a plain
 * string or JSON `{"current": "...", "previous": "..."}` during a rotation.
 * Secrets never go to environment variables or logs.
 */
export function secretReader(client: SecretsManagerClient, now = () => Date.now()) {
  const cache = new Map<string, { at: number; value: string[] }>();
  return async (secretId: string): Promise<string[]> => {
    const hit = cache.get(secretId);
    if (hit && now() - hit.at < CACHE_MS) return hit.value;
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const raw = res.SecretString ?? '';
    let value: string[];
    try {
      const parsed = JSON.parse(raw) as { current?: unknown; previous?: unknown };
      value = [parsed.current, parsed.previous].filter((s): s is string => typeof s === 'string' && s !== '');
    } catch {
      value = raw ? [raw] : [];
    }
    if (!value.length) throw new Error(`secret ${secretId} holds no signing secret`);
    cache.set(secretId, { at: now(), value });
    return value;
  };
}

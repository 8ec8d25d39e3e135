import { verifySignature } from '../../../shared/notify/signature';
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '../../../shared/notify/webhook';
import { requirePostJson, ScriptedReceiver } from './scripted-receiver';

/**
 * A generic webhook receiver: POST JSON to its path, a delivery id header
 * and a `t=…,v1=…` signature valid for one of its secrets within 300 s.
 * Unsigned or badly signed requests get 401.
 */
export function signedWebhookReceiver(path: string, secrets: readonly string[]): ScriptedReceiver {
  return new ScriptedReceiver(
    (req) => {
      const p: string[] = [];
      if (req.path !== path) return [`path ${req.path}, expected ${path}`];
      const sig = req.headers[SIGNATURE_HEADER];
      if (!verifySignature(typeof sig === 'string' ? sig : undefined, req.raw, secrets)) return ['signature: missing or invalid'];
      if (typeof req.headers[DELIVERY_HEADER] !== 'string') p.push('delivery id header missing');
      const body = requirePostJson(req, p);
      if (body.type !== 'mdr.notification' || body.deliveryId !== req.headers[DELIVERY_HEADER]) p.push('body type or deliveryId wrong');
      return p;
    },
    () => ({ status: 202, body: '{}' }),
    (violations) => ({ status: violations[0].startsWith('signature') ? 401 : 400, body: JSON.stringify({ error: violations }) }),
  );
}

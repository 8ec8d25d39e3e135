/**
 * The generic webhook's public surface, kept where other code imports it
 * from; the builder itself lives with the other channels.
 */
export type { HttpRequest } from './http';
export { DELIVERY_HEADER, SIGNATURE_HEADER, webhookBody, webhookRequest } from './channels/webhook';

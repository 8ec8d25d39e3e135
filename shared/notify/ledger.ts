/**
 * Delivery ledger port: makes each notification happen once. `claim` is a
 * conditional write keyed on the notification id; a claim that already says
 * "sent" means a duplicate delivery of the request.
 */
export interface NotificationLedger {
  claim(notificationId: string, caseId: string, at: string): Promise<'claimed' | 'already-sent'>;
  markSent(notificationId: string, caseId: string, at: string, detail: Record<string, unknown>): Promise<void>;
  markRejected(notificationId: string, caseId: string, at: string, reason: string): Promise<void>;
}

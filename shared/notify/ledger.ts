/**
 * Delivery ledger port: makes each notification happen once. `claim` is a
 * conditional write keyed on the notification id that takes a lease: a
 * concurrent duplicate finds it held ('in-progress') and is retried later,
 * when it finds 'already-sent'. A failed attempt releases the lease; a
 * crashed one lets it lapse.
 */
export type ClaimResult = 'claimed' | 'already-sent' | InProgress;

/**
 * Held by another attempt until `leaseEndsAt`: that attempt either finishes
 * (sent, or released for a retry) or its lease lapses, so trying again
 * sooner only spends one of the message's receives.
 */
export interface InProgress {
  state: 'in-progress';
  leaseEndsAt: Date;
}

export interface NotificationLedger {
  claim(notificationId: string, caseId: string, at: Date, leaseSeconds: number): Promise<ClaimResult>;
  release(notificationId: string, caseId: string, reason: string): Promise<void>;
  markSent(notificationId: string, caseId: string, at: string, detail: Record<string, unknown>): Promise<void>;
  markRejected(notificationId: string, caseId: string, at: string, reason: string): Promise<void>;
}

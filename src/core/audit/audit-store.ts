export interface AuditRecord {
  id: number;
  at: Date;
  actorId: string;
  channelId: string | null;
  /** `launch`, `cancel`, … */
  action: string;
  operationId: string | null;
  runId: string | null;
  /** `allowed`, `denied`, `started`, `failed`, `duplicate`, … */
  outcome: string;
  /** The policy rule that decided, when one did. */
  rule: string | null;
  /** Parameters and context, already redacted. */
  detail: Record<string, unknown>;
}

export type NewAuditRecord = Omit<AuditRecord, 'id'>;

export interface AuditFilter {
  actorId?: string;
  since?: Date;
  limit: number;
}

/** The audit trail: append-only. */
export interface AuditStore {
  appendAudit(record: NewAuditRecord): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
}

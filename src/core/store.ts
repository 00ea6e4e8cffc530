/**
 * The Store port: everything Flightdeck remembers, one port per feature beside it. Two
 * implementations (embedded SQLite, PostgreSQL) pass the same suite. Every method is safe when
 * several processes share one PostgreSQL: claims and first-wins updates are single conditional
 * statements, never a process-local lock.
 */
import type { RunStore } from './runs/run-store';
import type { AuditStore } from './audit/audit-store';
import type { DigestStore } from './digest/digest-store';
import type { ApprovalStore } from './approvals/approval-store';
import type { BudgetStore } from './runs/budget-store';
import type { StepStore } from './runs/step-store';

export interface Store extends RunStore, AuditStore, DigestStore, ApprovalStore, BudgetStore, StepStore {
  /** Applies pending numbered migrations. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Cheap round trip, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Store port: everything Flightdeck remembers, one port per feature beside it. Two
 * implementations (embedded SQLite, PostgreSQL) pass the same suite. Every method is safe when
 * several processes share one PostgreSQL: claims and first-wins updates are single conditional
 * statements, never a process-local lock.
 */
import type { RunStore } from './runs/run-store';
import type { RunListStore } from './runs/run-list-store';
import type { AuditStore } from './audit/audit-store';
import type { DigestStore } from './digest/digest-store';
import type { ApprovalStore } from './approvals/approval-store';
import type { BudgetStore } from './runs/budget-store';
import type { DirectMessageStore } from './direct/direct-message-store';
import type { OnceStore } from './kit/once-store';
import type { StepStore } from './runs/step-store';
import type { HomeMarkStore } from './direct/home-mark-store';
import type { SurfaceStore } from './store-surfaces';

export interface Store
  extends
    RunStore,
    RunListStore,
    AuditStore,
    DigestStore,
    ApprovalStore,
    BudgetStore,
    OnceStore,
    StepStore,
    DirectMessageStore,
    HomeMarkStore,
    SurfaceStore {
  /**
   * Other processes may share it (PostgreSQL). The embedded store belongs to one process, which can keep
   * what it alone needs to know in memory.
   */
  readonly shared: boolean;
  /** Applies pending numbered migrations. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Cheap round trip, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

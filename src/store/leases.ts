import type { ExpressionBuilder } from 'kysely';
import type { Lease } from '../core/runs/run-store';
import type { Database } from './schema';

/** The run is held under `lease`: by its owner, and under the claim its token names, not an earlier one. */
export const heldUnder = (lease: Lease) => (eb: ExpressionBuilder<Database, 'runs'>) =>
  eb.and([eb('runs.lease_owner', '=', lease.owner), eb('runs.lease_token', '=', lease.token)]);

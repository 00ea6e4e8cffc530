import type { Integration } from '../core/operations/integration';
import { harnessIacm } from './harness-iacm';
import { itential } from './itential';
import { zitadel } from './zitadel';

/** Every system Flightdeck can talk to; adding one is a folder and a line here. */
export const INTEGRATIONS: Integration[] = [itential, harnessIacm, zitadel];

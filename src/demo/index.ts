import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../core/operations/integration';
import { HARNESS_DEMO, startHarnessSimulator } from './harness';
import { startItentialSimulator } from './itential';
import type { Pace } from './scenario';
import { startZitadelSimulator } from './zitadel';

/** The people of the demo: you, an approver, an admin, and an intern the policy keeps read-only. */
export const DEMO_USERS = {
  you: 'U0DEMOUSER',
  approver: 'U0APPROVER',
  admin: 'U0DEMOADMIN',
  intern: 'U0INTERN01',
};
export const DEMO_CHANNEL = 'C0DEMO0001';
/** The change board: a Slack user group in the bot, listed in the config file's console.groups here. */
export const DEMO_GROUP = 'S0CHANGES1';

/** The demo's flightdeck.yml: a policy with a denial, an approval by a group and an allow, and Harness defaults. */
export const DEMO_CONFIG = `# The Flightdeck demo policy (npm run console -- --demo)
admins: [${DEMO_USERS.admin}]
approvals:
  expiresAfter: 1h
systems:
  iacm: { org: ${HARNESS_DEMO.org}, project: ${HARNESS_DEMO.project}, pipeline: ${HARNESS_DEMO.pipeline}, stage: ${HARNESS_DEMO.stage} }
policy:
  rules:
    - name: interns-look-only
      effect: deny
      operations: ['*']
      users: [${DEMO_USERS.intern}]
      contact: '#platform-help'
    - name: prod-needs-approval
      effect: require-approval
      operations: [itential.start]
      when: { workflow: 'Prod *' }
      approvers: { groups: [${DEMO_GROUP}] }
      contact: '#change-board'
    - name: everyone-else
      effect: allow
      operations: ['*']
console:
  groups:
    ${DEMO_GROUP}: [${DEMO_USERS.approver}]
`;

export interface Demo {
  /** The environment that points Flightdeck at the simulators, with a fresh store and the demo policy. */
  env: Env;
  stop(): Promise<void>;
}

/** Starts the three simulators on loopback and writes the demo's config and store into a temporary folder. */
export async function startDemo(pace: Pace): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-demo-'));
  const configPath = join(dir, 'flightdeck.yml');
  writeFileSync(configPath, DEMO_CONFIG);
  const [itential, harness, zitadel] = await Promise.all([
    startItentialSimulator(pace),
    startHarnessSimulator(pace),
    startZitadelSimulator(pace.now),
  ]);
  return {
    env: {
      DATA_DIR: join(dir, 'data'),
      FLIGHTDECK_CONFIG: configPath,
      ITENTIAL_BASE_URL: itential.url,
      ITENTIAL_TOKEN: 'demo-itential-token',
      HARNESS_BASE_URL: harness.url,
      HARNESS_API_KEY: `pat.${HARNESS_DEMO.account}.demo.0123456789abcdef`,
      HARNESS_ACCOUNT_ID: HARNESS_DEMO.account,
      ZITADEL_BASE_URL: zitadel.url,
      ZITADEL_TOKEN: 'demo-zitadel-token',
    },
    stop: async () => {
      await Promise.all([itential.close(), harness.close(), zitadel.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import type { Integration } from '../../core/operations/integration';
import { ItentialApi } from './api';
import { ItentialClient } from './http';
import { configureItential, type ItentialConfig } from './config';
import { definition, SYSTEM_ID } from './definition';
import { StartJobOperation } from './start-operation';
import { VariablesCheck } from './variables-check';
import { WorkflowCatalog } from './workflow-catalog';

export type { ItentialConfig } from './config';

/** Itential Automation Platform: start a job from a workflow and follow it in the thread. */
export const itential: Integration<ItentialConfig> = {
  definition,
  configure: configureItential,
  create(config, { log, clock, secrets }) {
    const scoped = log.child({ system: SYSTEM_ID });
    const client = new ItentialClient(config, clock, scoped);
    const api = new ItentialApi(client, config.tuning);
    const operation = new StartJobOperation({
      config,
      secrets,
      api,
      catalog: new WorkflowCatalog(api, clock, config.tuning),
      check: new VariablesCheck(scoped),
      redactor: client.redactor,
      log: scoped,
    });
    return { operations: [operation], queries: [] };
  },
};

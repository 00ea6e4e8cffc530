import type { Integration } from '../../core/operations/integration';
import { Catalog } from './catalog';
import { ZitadelClient } from './api';
import { configureZitadel, type ZitadelConfig } from './config';
import { definition, SYSTEM_ID } from './definition';
import { executionsQuery } from './executions-query';
import { ZitadelHttp } from './http';
import { Planner } from './planner';
import { setExecutionOperation } from './set-execution-operation';

export type { ZitadelConfig } from './config';

/** Zitadel Actions v2: set the ordered targets of an execution condition, with a diff first and a revert after. */
export const zitadel: Integration<ZitadelConfig> = {
  definition,
  configure: configureZitadel,
  create(config, deps) {
    const log = deps.log.child({ system: SYSTEM_ID });
    const client = new ZitadelClient(new ZitadelHttp(config, log), log);
    const catalog = new Catalog(client, deps.clock, config.listCacheMs);
    const planner = new Planner(client, catalog);
    return {
      operations: [setExecutionOperation({ client, catalog, planner, retry: config.retry })],
      queries: [executionsQuery(client, catalog)],
    };
  },
};

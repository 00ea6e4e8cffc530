import type { Integration } from '../../core/operations/integration';
import { HarnessApi } from './api';
import { configureHarness, type HarnessConfig } from './config';
import { definition } from './definition';
import { ExecutionsQuery } from './executions-query';
import { HarnessHttp } from './http';
import { ModuleDirectory } from './module-directory';
import { ModuleInputs } from './module-inputs';
import { ScopePickers } from './scope-pickers';
import { RunOperation } from './run-operation';

export type { HarnessConfig } from './config';

export const harnessIacm: Integration<HarnessConfig> = {
  definition,
  configure: configureHarness,
  create(config, deps) {
    const log = deps.log.child({ system: definition.id });
    const http = new HarnessHttp({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      accountId: config.accountId,
      settings: config.http,
      log,
    });
    const api = new HarnessApi(http, config.accountId);
    const modules = new ModuleDirectory(api);
    const inputs = new ModuleInputs(api, modules, deps.clock);
    const pickers = new ScopePickers(api, config.defaults);
    return {
      operations: [new RunOperation({ api, modules, inputs, pickers, config, secrets: deps.secrets })],
      queries: [new ExecutionsQuery({ api, modules, config, clock: deps.clock })],
    };
  },
};

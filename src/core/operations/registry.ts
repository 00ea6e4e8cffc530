import type { Operation, OperationInfo, Query, SystemDefinition, SystemRuntime } from './contract';
import { scrubbedOperation } from './scrubbed-operation';
import { SecretScrubber } from './secrets';

export interface RegisteredSystem {
  definition: SystemDefinition;
  /** Undefined when the system is not configured. */
  runtime?: SystemRuntime;
}

/** Every system Flightdeck knows, configured or not, and lookups by id or by command words. */
export class Registry {
  private readonly operations = new Map<string, Operation>();
  private readonly queries = new Map<string, Query>();

  constructor(
    readonly systems: RegisteredSystem[],
    /** Keeps secret inputs out of what operations report and of re-run forms. */
    readonly scrubber: SecretScrubber = new SecretScrubber(),
  ) {
    for (const system of systems) {
      for (const op of system.runtime?.operations ?? [])
        this.operations.set(op.id, scrubbedOperation(op, scrubber));
      for (const query of system.runtime?.queries ?? []) this.queries.set(query.id, query);
    }
  }

  system(id: string): RegisteredSystem | undefined {
    return this.systems.find((s) => s.definition.id === id);
  }

  systemName(id: string): string {
    return this.system(id)?.definition.name ?? id;
  }

  /** The operation if its system is configured. */
  operation(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  query(id: string): Query | undefined {
    return this.queries.get(id);
  }

  operationInfo(id: string): OperationInfo | undefined {
    for (const system of this.systems) {
      const info = system.definition.operations.find((op) => op.id === id);
      if (info) return info;
    }
    return undefined;
  }

  /** All configured operations, for launchers and the Home tab. */
  runnable(): Operation[] {
    return [...this.operations.values()];
  }
}

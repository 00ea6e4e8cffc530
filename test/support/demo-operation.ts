import type { Operation } from '../../src/core/operations/contract';
import { Registry } from '../../src/core/operations/registry';

/**
 * `demo.run`, an operation with no integration behind it, for core tests that drive the engine directly:
 * each test adds what it exercises (`poll`, `steps`); starting it is not part of any of them.
 */
export function demoOperation(parts: Partial<Pick<Operation, 'poll' | 'steps'>>): Operation {
  return {
    id: 'demo.run',
    system: 'demo',
    verb: 'run',
    title: 'Run a demo',
    usage: '',
    fields: () => [],
    input: { parse: (v: unknown) => v } as never,
    describe: () => [],
    start: () => Promise.reject(new Error('not used')),
    ...parts,
  };
}

/** A registry of the one system `demo` with `operation`. */
export function demoRegistry(operation: Operation): Registry {
  return new Registry([
    {
      definition: { id: 'demo', name: 'Demo', operations: [], queries: [] },
      runtime: { operations: [operation], queries: [] },
    },
  ]);
}

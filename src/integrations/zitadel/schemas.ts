import { z } from 'zod';

/**
 * Zitadel's JSON (protojson) for the Actions v2 routes. Responses are parsed loosely: vendors add
 * fields, 64-bit integers arrive as strings, and an unknown condition type must not break a list.
 */

const apiScope = z
  .object({ method: z.string().optional(), service: z.string().optional(), all: z.boolean().optional() })
  .loose();
const eventScope = z
  .object({ event: z.string().optional(), group: z.string().optional(), all: z.boolean().optional() })
  .loose();

export const wireConditionSchema = z
  .object({
    request: apiScope.optional(),
    response: apiScope.optional(),
    function: z.object({ name: z.string().optional() }).loose().optional(),
    event: eventScope.optional(),
  })
  .loose();
export type WireCondition = z.infer<typeof wireConditionSchema>;

/** uint64 in protojson is a string; some proxies turn it into a number. Nonsense reads as unknown. */
const uint64 = z.union([z.string(), z.number()]).transform((v) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
});

const paginationSchema = z
  .object({ totalResult: uint64.optional(), appliedLimit: uint64.optional() })
  .loose()
  .optional();

/** Only what Flightdeck needs: a target's `signingKey` is a secret and is dropped here. */
const targetSchema = z
  .object({ id: z.string(), name: z.string().optional() })
  .loose()
  .transform((t) => ({ id: t.id, name: t.name ?? '' }));
export type Target = z.output<typeof targetSchema>;

export const listTargetsSchema = z
  .object({ pagination: paginationSchema, targets: z.array(targetSchema).optional() })
  .loose()
  .transform((r) => ({ total: r.pagination?.totalResult, targets: r.targets ?? [] }));

const executionSchema = z
  .object({
    condition: wireConditionSchema.optional(),
    targets: z.array(z.string()).optional(),
    changeDate: z.string().optional(),
  })
  .loose();

export const listExecutionsSchema = z
  .object({ pagination: paginationSchema, executions: z.array(executionSchema).optional() })
  .loose()
  .transform((r) => ({ total: r.pagination?.totalResult, executions: r.executions ?? [] }));

export const setExecutionSchema = z.object({ setDate: z.string().optional() }).loose();

/** `GET /v2/actions/executions/methods|services|functions`: each answers with its own key. */
export const conditionValuesSchema = z
  .object({
    methods: z.array(z.string()).optional(),
    services: z.array(z.string()).optional(),
    functions: z.array(z.string()).optional(),
  })
  .loose();

type TextFilterMethod = 'TEXT_FILTER_METHOD_EQUALS' | 'TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE';

export type TargetFilter =
  | { targetNameFilter: { targetName: string; method: TextFilterMethod } }
  | { inTargetIdsFilter: { targetIds: string[] } };

export type ExecutionFilter =
  { inConditionsFilter: { conditions: WireCondition[] } } | { targetFilter: { targetId: string } };

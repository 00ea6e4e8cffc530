import { z } from 'zod';
import { KeyedMutex } from '../../core/kit/keyed-mutex';
import type {
  Fact,
  FieldErrors,
  FormContext,
  Operation,
  Preview,
  StartResult,
  UpstreamRef,
} from '../../core/operations/contract';
import { type RetrySettings, retryPolicy } from '../shared/retry-policy';
import type { Catalog } from './catalog';
import type { ZitadelClient } from './api';
import { conditionFromKey, conditionKey, conditionLabel } from './condition';
import { diffTargets } from './diff';
import { SET_EXECUTION_INFO, SYSTEM_ID } from './definition';
import {
  conditionPart,
  FIELD,
  type SetExecutionInput,
  setExecutionFields,
  setExecutionInputSchema,
} from './form';
import { conditionOf, pickedValue } from './input-condition';
import type { Plan, Planner } from './planner';
import { plainTargetNames, previewRows } from './preview-lines';
import { PreviewOutdatedError, UpstreamError } from '../../core/errors';

/** What a finished run keeps for a revert. */
const memoSchema = z.object({ previousTargets: z.array(z.string()) }).loose();

export interface SetExecutionDeps {
  client: ZitadelClient;
  catalog: Catalog;
  planner: Planner;
  retry: RetrySettings;
}

const SEARCHES = { method: 'methods', service: 'services', function: 'functions' } as const;

function formError(errors: FieldErrors): UpstreamError {
  return new UpstreamError({
    system: SYSTEM_ID,
    action: 'work out the change',
    kind: 'http',
    upstreamCode: 'INVALID_ARGUMENT',
    message: Object.values(errors).join(' '),
    hint: 'Zitadel changed since the form was filled in. Open the form again and correct it.',
    retryable: false,
  });
}

function notFoundHint(plan: Plan): string {
  if (plan.missing.length > 0) {
    return `Zitadel does not know target ${plan.missing.join(', ')} (deleted since it was picked?). Pick the targets again.`;
  }
  return `The condition ${conditionLabel(plan.condition)} is not known to this Zitadel. Pick the condition again from the form.`;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((id, i) => b[i] === id);

function summary(plan: Plan): string {
  const diff = diffTargets(plan.current, plan.desired);
  if (diff.unchanged) return 'no change';
  if (diff.cleared) return 'all targets removed';
  const parts = [
    diff.added.length > 0 ? `${diff.added.length} added` : '',
    diff.removed.length > 0 ? `${diff.removed.length} removed` : '',
    diff.moved.length > 0 ? `${diff.moved.length} reordered` : '',
  ];
  return parts.filter((p) => p !== '').join(', ');
}

/** `previous` is undefined when the state before the change is not known (a recovered start). */
function started(plan: Plan, previous: string[] | undefined, setDate: string | undefined): StartResult {
  const facts: Fact[] = [
    {
      label: 'Targets before',
      value: previous ? plainTargetNames(previous, plan.names) : 'unknown (Zitadel’s answer was lost)',
    },
    { label: 'Targets after', value: plainTargetNames(plan.desired, plan.names) },
  ];
  if (setDate) facts.push({ label: 'Set at (Zitadel)', value: setDate });
  return {
    upstreamId: conditionKey(plan.condition),
    facts,
    observation: { state: 'succeeded', upstreamStatus: 'set', detail: summary(plan) },
    memo: {
      condition: conditionKey(plan.condition),
      targets: plan.desired,
      ...(previous ? { previousTargets: previous } : {}),
      ...(setDate ? { setDate } : {}),
    },
  };
}

/**
 * `/ops zitadel set-execution`: replaces the ordered target list of one condition, after a preview
 * of the difference. The preview's fingerprint covers what the condition calls now and what it
 * would call (include and order resolved), so a change by anyone in between sends the requester
 * back to a fresh preview instead of being overwritten.
 */
export function setExecutionOperation(deps: SetExecutionDeps): Operation<SetExecutionInput> {
  const { client, catalog, planner } = deps;
  // SetExecution replaces the whole list, so repeating it is safe; each attempt re-reads first.
  const writeRetry = retryPolicy(deps.retry, (err) => err.kind === 'http' && err.retryable);
  const writes = new KeyedMutex();

  const mustPlan = async (input: SetExecutionInput): Promise<Plan> => {
    const result = await planner.plan(input);
    if (!result.ok) throw formError(result.errors);
    return result.plan;
  };
  const includeLabel = (picked: string) => {
    const byKey = conditionFromKey(picked);
    return byKey ? conditionLabel(byKey) : (catalog.peekValue(picked) ?? picked);
  };
  const preview = (plan: Plan): Preview => ({ rows: previewRows(plan), fingerprint: plan.fingerprint });

  return {
    ...SET_EXECUTION_INFO,
    input: setExecutionInputSchema,

    fields: (ctx: FormContext) =>
      setExecutionFields(ctx.values ?? {}, {
        peekValue: (picked) => catalog.peekValue(picked),
        peekTargetName: (id) => catalog.peekTargetName(id),
        includeLabel,
      }),

    async search(fieldId, query) {
      if (fieldId === FIELD.method || fieldId === FIELD.service || fieldId === FIELD.function) {
        return catalog.searchValues(SEARCHES[fieldId], query);
      }
      if (fieldId === FIELD.targets) return catalog.searchTargets(query);
      if (fieldId === FIELD.include) return catalog.searchExecutions(query);
      return [];
    },

    async validate(input) {
      const result = await planner.plan(input);
      if (!result.ok) return result.errors;
      const { missing, names } = result.plan;
      if (missing.length === 0) return undefined;
      const chosen = missing.filter((id) => input.targets.includes(id));
      const field = chosen.length > 0 ? FIELD.targets : FIELD.include;
      return {
        [field]: `Not in Zitadel’s target list: ${plainTargetNames(missing, names)}. Pick the targets again.`,
      };
    },

    describe(input) {
      const picked = pickedValue(input);
      const condition = conditionOf(input, picked && catalog.peekValue(picked.value));
      const facts: Fact[] = [
        { label: 'Condition', value: conditionLabel(condition) },
        {
          label: 'Targets',
          value: input.targets.map((id) => catalog.peekTargetName(id) ?? id).join(' → ') || 'none',
        },
      ];
      if (input.include) facts.push({ label: 'Include targets of', value: includeLabel(input.include) });
      if (input.order) facts.push({ label: 'Order', value: input.order });
      return facts;
    },

    async preview(input) {
      return preview(await mustPlan(input));
    },

    async start(input, _ctx, confirmedFingerprint) {
      const condition = await planner.condition(input);
      if (!condition.ok) throw formError(condition.errors);
      let firstAttempt: Plan | undefined;
      // Zitadel has no concurrency token: two confirmed starts for one condition in this process take
      // turns, so the second re-reads after the first has written and is sent back to a new preview.
      return writes.run(conditionKey(condition.value), () =>
        writeRetry.execute(async () => {
          const plan = await mustPlan(input);
          // An earlier attempt whose answer was lost may have landed: the list is already what was confirmed.
          if (firstAttempt && sameList(plan.current, firstAttempt.desired)) {
            return started(firstAttempt, firstAttempt.current, plan.changeDate);
          }
          if (plan.fingerprint !== confirmedFingerprint) throw new PreviewOutdatedError(preview(plan));
          firstAttempt ??= plan;
          const answer = await client.setExecution(plan.condition, plan.desired, notFoundHint(plan));
          return started(plan, plan.current, answer.setDate);
        }),
      );
    },

    async recover(input) {
      const result = await planner.plan(input).catch(() => undefined);
      if (!result?.ok || !sameList(result.plan.current, result.plan.desired)) return undefined;
      return started(result.plan, undefined, result.plan.changeDate);
    },

    revertInput(ref: UpstreamRef<SetExecutionInput>) {
      const memo = memoSchema.safeParse(ref.memo);
      const input = setExecutionInputSchema.safeParse(ref.input);
      if (!memo.success || !input.success) return undefined;
      return { ...conditionPart(input.data), targets: memo.data.previousTargets };
    },
  };
}

import type { PipelineScope } from './api';

/**
 * The pipeline execution's page in the Harness UI. The path is the one the UI shows for IaCM pipelines
 * (UNCONFIRMED as a stable contract; Harness redirects older module paths).
 */
export function pipelineExecutionUrl(
  uiUrl: string,
  accountId: string,
  scope: PipelineScope,
  pipeline: string,
  planExecutionId: string,
): string {
  const seg = encodeURIComponent;
  return `${uiUrl}/ng/account/${seg(accountId)}/module/iacm/orgs/${seg(scope.org)}/projects/${seg(scope.project)}/pipelines/${seg(pipeline)}/executions/${seg(planExecutionId)}/pipeline`;
}

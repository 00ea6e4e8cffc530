import type { ItentialConfig } from './config';

/**
 * Where a person sees the job. ASSUMPTION (no public source confirms the UI route): Operations
 * Manager shows a job at `<platform>/operations-manager/jobs/<id>`. ITENTIAL_UI_URL overrides the
 * base, or the whole link when it contains `{jobId}`.
 */
export function jobUrl(config: Pick<ItentialConfig, 'baseUrl' | 'uiUrl'>, jobId: string): string {
  const id = encodeURIComponent(jobId);
  if (config.uiUrl?.includes('{jobId}')) return config.uiUrl.replace('{jobId}', id);
  return `${config.uiUrl ?? config.baseUrl}/operations-manager/jobs/${id}`;
}

import { truncate } from '../../core/kit/truncate';

const MASK = '••••••';
const MAX_FACT = 300;

/**
 * A run's input variables for its facts: `device, vlan, admin_password=••••••`. Names only, since a value
 * typed in the JSON box may be a secret under an innocent name; secret fields and secret-named variables say
 * so with a mask.
 */
export function variablesFact(
  variables: Record<string, unknown>,
  secretNames: readonly string[],
  isSecretName: (name: string) => boolean,
): string {
  const shown = Object.keys(variables).map((name) => (isSecretName(name) ? `${name}=${MASK}` : name));
  const all = [...shown, ...secretNames.map((name) => `${name}=${MASK}`)];
  return all.length > 0 ? truncate(all.join(', '), MAX_FACT) : 'none';
}

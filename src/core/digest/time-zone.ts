const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * `name` as an IANA zone this runtime knows, or undefined. ICU answers some zones with an older name
 * (Asia/Kolkata → Asia/Calcutta); the name people typed is kept then, with its case put right when it was
 * typed all in one case.
 */
export function timeZoneName(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved;
  const oneCase = name === name.toLowerCase() || name === name.toUpperCase();
  return oneCase
    ? name
        .toLowerCase()
        .replace(/(^|[/_])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase())
    : name;
}

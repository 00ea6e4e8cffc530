const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

let known: Map<string, string> | undefined;

/** The runtime's zone names by lower case. ICU lists some zones under older names (Asia/Calcutta). */
function knownZones(): Map<string, string> {
  known ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  return known;
}

/**
 * `name` as an IANA zone this runtime knows, or undefined. Case is corrected for the names ICU lists; a
 * zone it accepts under another name (Asia/Kolkata) is kept as written, since that is the name people use.
 */
export function timeZoneName(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  const listed = knownZones().get(name.toLowerCase());
  if (listed) return listed;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}

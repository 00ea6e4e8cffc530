import { randomUUID } from 'node:crypto';
import type { DigestScheduleRecord } from '../../src/core/digest/digest-store';

/** Alice's daily 09:00 (Berlin) digest of everything in C0OPS; a test names what matters to it. */
export function digestSchedule(
  fields: Partial<DigestScheduleRecord> & Pick<DigestScheduleRecord, 'createdAt'>,
): DigestScheduleRecord {
  return {
    id: `s${randomUUID().slice(0, 7)}`,
    channelId: 'C0OPS',
    createdBy: 'U0ALICE',
    cron: '0 9 * * *',
    label: 'daily 09:00',
    timeZone: 'Europe/Berlin',
    filters: { failuresOnly: false },
    ...fields,
  };
}

import { formatDuration, intervalToDuration } from 'date-fns';

/** "4 minutes 12 seconds"; under a second reads "less than a second". */
export function duration(start: Date, end: Date): string {
  const text = formatDuration(intervalToDuration({ start, end }), {
    format: ['days', 'hours', 'minutes', 'seconds'],
  });
  return text === '' ? 'less than a second' : text;
}

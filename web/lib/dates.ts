/**
 * Access end dates as a patient reads them. The chain stores the moment access ends (Unix
 * seconds); a day chosen in the app lasts through that whole day (UTC, core/reports/share.ts
 * `expiryOfDay`), so the day shown is the one before that moment.
 */
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "31 Dec 2026": the last day of access ending at `seconds`. */
export function lastDayOfAccess(seconds: number): string {
  return DAY.format(new Date((seconds - 1) * 1000));
}

/** "31 Dec 2026" for a YYYY-MM-DD day (as a date input gives it). */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : DAY.format(date);
}

/**
 * `Retry-After` as RFC 9110 allows it: a number of seconds written in digits, or an HTTP-date
 * (IMF-fixdate, or the obsolete RFC 850 and asctime forms). Anything else (`NaN`, `-30`, `0x10`,
 * `1e3`) is no Retry-After: it is neither passed on to the caller nor waited for.
 */

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

/** The wait a Retry-After value asks for, in milliseconds from `now`; undefined if invalid. */
export function retryAfterMs(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  let date: number;
  if (IMF_FIXDATE.test(text) || RFC_850.test(text)) date = Date.parse(text);
  else if (ASCTIME.test(text)) date = Date.parse(`${text} GMT`);
  else return undefined;
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

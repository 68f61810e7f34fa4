/** How far a signed Slack request's timestamp may be from the server's clock, either way. */
export const SLACK_CLOCK_WINDOW_S = 5 * 60;

/**
 * True when `X-Slack-Request-Timestamp` is a whole number of seconds within the window of `nowMs` in
 * both directions. Bolt checks only the past, so a request signed for ten minutes ahead would still
 * be replayable for a quarter of an hour.
 */
export function slackTimestampInWindow(header: string | string[] | undefined, nowMs: number): boolean {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d{1,12}$/.test(text)) return false;
  return Math.abs(Number(text) - nowMs / 1000) <= SLACK_CLOCK_WINDOW_S;
}

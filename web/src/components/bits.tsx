import { type ReactNode, useEffect, useState } from 'react';
import { durationText } from '../../../lib/duration-text.ts';
import { ApiError } from '../api/client.ts';
import { relativeTime } from '../lib/time.ts';

/** A relative time (`3 minutes ago`) with the exact time on hover and for screen readers. */
export function When({ iso }: { iso: string | undefined }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!iso) return <span className="muted">—</span>;
  const exact = new Date(iso).toLocaleString();
  return (
    <time dateTime={iso} title={exact}>
      {relativeTime(iso)}
    </time>
  );
}

/** How long an execution took, or has been running. */
export function took(start: string, end: string | undefined, elapsed?: number): string {
  if (elapsed !== undefined) return durationText(elapsed * 1000);
  if (!end) return '';
  return durationText(Date.parse(end) - Date.parse(start));
}

export function Status({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status">
      Loading {what}…
    </p>
  );
}

/** An error said plainly, with what to do about it. */
export function Failure({ error, what }: { error: unknown; what: string }) {
  const status = error instanceof ApiError ? error.status : undefined;
  const hint =
    status === 403
      ? 'Your role does not allow this; ask an admin.'
      : status === 404
        ? 'It does not exist (any more), or this server does not offer it.'
        : 'Check that Squall is running, then reload the page.';
  return (
    <div className="state error" role="alert">
      <p>
        Could not load {what}: {error instanceof Error ? error.message : String(error)}
      </p>
      <p className="muted">{hint}</p>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · Squall`;
  }, [children]);
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

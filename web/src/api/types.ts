/** The shapes the UI reads from /api/v1 (StackStorm's, the fields the UI uses). */
export interface ActionParameter {
  type?: string | string[];
  description?: string;
  required?: boolean;
  secret?: boolean;
  immutable?: boolean;
  default?: unknown;
  enum?: unknown[];
  position?: number;
}

export interface Action {
  id: string;
  ref: string;
  pack: string;
  name: string;
  description?: string;
  enabled?: boolean;
  runner_type: string;
  parameters?: Record<string, ActionParameter>;
}

export interface Execution {
  id: string;
  action: { ref: string; runner_type?: string; parameters?: Record<string, ActionParameter> };
  runner?: { name?: string };
  status: string;
  start_timestamp: string;
  end_timestamp?: string;
  elapsed_seconds?: number;
  parameters?: Record<string, unknown>;
  context?: Record<string, unknown> & { user?: string };
  result?: unknown;
  /** One entry per status change, oldest first. */
  log?: { status: string; timestamp: string }[];
  parent?: string;
  children?: string[];
}

export interface OutputChunk {
  id: string;
  execution_id: string;
  output_type: 'stdout' | 'stderr';
  data: string;
  timestamp?: string;
}

export interface Session {
  user: string;
  roles: string[];
  permissions: string[];
  expiry?: string;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StreamBroadcast } from '../../bus/bus.js';
import type { StreamHub } from '../../stream/stream-hub.js';

const KEEPALIVE_MS = 15_000;

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

interface StreamQuery {
  events?: string;
  action_refs?: string;
  execution_ids?: string;
  last_event_id?: string;
}

function frame(e: StreamBroadcast): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * `GET /api/v1/stream` (also `/stream/v1/stream`, where StackStorm serves it): Server-Sent Events with
 * StackStorm's event names, filtered by `events`, `action_refs` and `execution_ids`, and resumable:
 * a client that reconnects with `Last-Event-ID` gets every event it missed, in order.
 */
export async function streamRoutes(app: FastifyInstance, hub: StreamHub): Promise<void> {
  const handler = async (req: FastifyRequest<{ Querystring: StreamQuery }>, reply: FastifyReply): Promise<void> => {
    const q = req.query;
    const header = req.headers['last-event-id'];
    const lastRaw = (Array.isArray(header) ? header[0] : header) ?? q.last_event_id;
    const lastEventId = lastRaw !== undefined && /^\d+$/.test(lastRaw) ? Number(lastRaw) : undefined;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const detach = await hub.attach(
      { events: list(q.events), actionRefs: list(q.action_refs), executionIds: list(q.execution_ids) },
      lastEventId,
      (e) => res.write(frame(e)),
    );
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    const close = () => {
      clearInterval(keepalive);
      detach();
    };
    req.raw.on('close', close);
    res.on('error', close);
  };
  const opts = {
    config: { permission: 'stream:read' as const },
    schema: {
      querystring: {
        type: 'object',
        properties: {
          events: { type: 'string' },
          action_refs: { type: 'string' },
          execution_ids: { type: 'string' },
          last_event_id: { type: 'string' },
        },
      },
    },
  };
  app.get<{ Querystring: StreamQuery }>('/api/v1/stream', opts, handler);
  app.get<{ Querystring: StreamQuery }>('/stream/v1/stream', opts, handler);
}

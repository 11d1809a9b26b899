import http from 'node:http';

export type SseEvent = { id: string | undefined; event: string | undefined; data: string };

export type SseConnection = {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** The body of a non-200 answer (a problem). */
  body: string;
  close(): void;
};

/** Opens a Server-Sent Events stream and collects what arrives (resolves once the response headers are in). */
export function openEventStream(url: string, headers: Record<string, string>): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        body: '',
        close: () => req.destroy(),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (connection.status !== 200) {
          connection.body += chunk;
          return;
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { id: undefined, event: undefined, data: '' };
          let hasField = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              connection.comments.push(line.slice(1).trim());
              continue;
            }
            const colon = line.indexOf(': ');
            const field = line.slice(0, colon);
            const value = line.slice(colon + 2);
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') event.data += value;
            else continue;
            hasField = true;
          }
          if (hasField && event.data !== '') connection.events.push(event);
        }
      });
      res.on('error', () => undefined);
      resolve(connection);
    });
    req.on('error', (error) => {
      if ((error as { code?: string }).code !== 'ECONNRESET') reject(error);
    });
  });
}

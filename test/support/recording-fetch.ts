import type { Exchange } from '../contract/openapi.js';

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A fetch that records every request and response it carries, for validation against the spec. */
export function recordingFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestText = request.body ? await request.clone().text() : '';
    const response = await fetch(request);
    const responseText = await response.clone().text();
    const exchange: Exchange = {
      method: request.method,
      url: request.url,
      requestHeaders: Object.fromEntries(request.headers),
      status: response.status,
      responseHeaders: Object.fromEntries(response.headers),
    };
    if (requestText) exchange.requestBody = parse(requestText);
    if (responseText) exchange.responseBody = parse(responseText);
    exchanges.push(exchange);
    return response;
  };
}

import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../../src/confluence/node-fetch.js';

// The Response the Confluence client's fetch hands to ky: the buffer read straight, with a Response's contract
// (each body read once, clone before reading, a stream when asked).

const init = { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' } };
// A slice of a larger buffer, as node:http's chunks are: only its own bytes may come out.
const sliced = (text: string) => Buffer.from(`xx${text}yy`).subarray(2, 2 + Buffer.byteLength(text));

describe('a buffered response', () => {
  it('is a Response with the status and headers it was given', () => {
    const response = new BufferedResponse(sliced('{}'), init) as unknown as Response;
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([200, 'OK', true]);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('reads its body once, as text, JSON, bytes or a blob, and refuses a second read', async () => {
    const reads: [string, (r: BufferedResponse) => Promise<unknown>, unknown][] = [
      ['text', (r) => r.text(), '{"a":"é"}'],
      ['json', (r) => r.json(), { a: 'é' }],
      ['arrayBuffer', async (r) => [...new Uint8Array(await r.arrayBuffer())], [...Buffer.from('{"a":"é"}')]],
      ['bytes', async (r) => [...(await r.bytes())], [...Buffer.from('{"a":"é"}')]],
      ['blob', async (r) => (await r.blob()).text(), '{"a":"é"}'],
    ];
    for (const [, read, expected] of reads) {
      const response = new BufferedResponse(sliced('{"a":"é"}'), init);
      expect(response.bodyUsed).toBe(false);
      await expect(read(response)).resolves.toEqual(expected);
      expect(response.bodyUsed).toBe(true);
      await expect(response.text()).rejects.toThrow(TypeError);
      expect(() => response.clone()).toThrow(TypeError);
    }
    const blob = await new BufferedResponse(sliced('x'), init).blob();
    expect(blob.type).toBe('application/json');
  });

  it('clones into an independent response before it is read', async () => {
    const response = new BufferedResponse(sliced('hello'), init);
    const copy = response.clone();
    expect(await copy.text()).toBe('hello');
    expect(await response.text()).toBe('hello');
    expect(copy.status).toBe(200);
  });

  it('gives its body as a stream when asked, once, after which the readers refuse', async () => {
    const response = new BufferedResponse(sliced('streamed'), init);
    const stream = response.body;
    expect(response.body).toBe(stream);
    await expect(response.text()).rejects.toThrow(TypeError);
    const chunks: number[] = [];
    for await (const chunk of stream as ReadableStream<Uint8Array>) chunks.push(...chunk);
    expect(Buffer.from(chunks).toString()).toBe('streamed');
    expect(response.bodyUsed).toBe(true);
  });

  it('has no body for an answer without one, and reads as empty', async () => {
    const response = new BufferedResponse(undefined, { status: 204 });
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
    const empty = new BufferedResponse(Buffer.alloc(0), init);
    const chunks: Uint8Array[] = [];
    for await (const chunk of empty.body as ReadableStream<Uint8Array>) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});

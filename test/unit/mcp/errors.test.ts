import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, TimeoutError } from '../../../src/confluence/index.js';
import { describeExpectedError } from '../../../src/mcp/index.js';

describe('a call that runs out of its own time', () => {
  it('says the call ran out of its budget, not that Confluence was slow, and names the budget', () => {
    const text = describeExpectedError(new DeadlineExceededError(4500));
    expect(text).toMatch(/^This call ran out of its time \(4500 ms\) before it finished/);
    expect(text).not.toMatch(/Confluence did not answer/);
  });

  it('still blames Confluence for a request Confluence held past the deadline', () => {
    const text = describeExpectedError(
      new TimeoutError('GET api/v2/pages/1 had no answer', {
        method: 'GET',
        path: 'api/v2/pages/1',
        subject: 'page 1',
      }),
    );
    expect(text).toMatch(/^Confluence did not answer in time for page 1/);
  });
});

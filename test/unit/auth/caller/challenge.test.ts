import { describe, expect, it } from 'vitest';
import { wwwAuthenticate } from '../../../../src/auth/caller/index.js';

const META = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('wwwAuthenticate', () => {
  it('points a client without a token at the metadata alone', () => {
    expect(wwwAuthenticate({ resourceMetadataUrl: META })).toBe(`Bearer resource_metadata="${META}"`);
  });

  it('names the error, its description and the scope needed', () => {
    expect(
      wwwAuthenticate({
        resourceMetadataUrl: META,
        error: 'insufficient_scope',
        description: 'insufficient scope',
        scope: 'confluence:read  confluence:write',
      }),
    ).toBe(
      `Bearer error="insufficient_scope", error_description="insufficient scope", scope="confluence:read confluence:write", resource_metadata="${META}"`,
    );
  });

  it('strips quotes, backslashes, control and non-ASCII characters so nothing breaks out of a value', () => {
    const header = wwwAuthenticate({
      resourceMetadataUrl: META,
      error: 'invalid_token',
      description: 'bad "token"\\", error="x\r\nSet-Cookie: a=b é',
      scope: 'a"b c\\d',
    });
    expect(header).toBe(
      `Bearer error="invalid_token", error_description="bad token, error=x Set-Cookie: a=b", scope="ab cd", resource_metadata="${META}"`,
    );
    // Exactly the quotes we put there: four parameters, eight quotes.
    expect(header.match(/"/g)).toHaveLength(8);
  });

  it('leaves out an empty description and caps a long one', () => {
    expect(wwwAuthenticate({ resourceMetadataUrl: META, error: 'invalid_token', description: '""' })).toBe(
      `Bearer error="invalid_token", resource_metadata="${META}"`,
    );
    const long = wwwAuthenticate({ resourceMetadataUrl: META, description: 'x'.repeat(1000) });
    expect(long).toContain(`error_description="${'x'.repeat(200)}"`);
  });

  it('percent-encodes a metadata URL that holds a quote', () => {
    expect(wwwAuthenticate({ resourceMetadataUrl: 'https://h.example/a"b' })).toBe(
      'Bearer resource_metadata="https://h.example/a%22b"',
    );
  });
});

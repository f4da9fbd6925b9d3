import { describe, expect, it } from 'vitest';
import { protectedResourceMetadata, resourceMetadataPaths } from '../../../../src/auth/caller/index.js';

describe('protectedResourceMetadata', () => {
  it('has the RFC 9728 fields, with the resource exactly as given', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: ['https://idp.example.com/'],
        scopesSupported: ['confluence:read'],
        resourceName: 'Confluence MCP',
        documentation: 'https://docs.example.com/confluence-mcp',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://idp.example.com/'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['confluence:read'],
      resource_name: 'Confluence MCP',
      resource_documentation: 'https://docs.example.com/confluence-mcp',
    });
  });

  it('leaves out what is not given', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com',
        authorizationServers: ['https://idp.example.com'],
      }),
    ).toEqual({
      resource: 'https://mcp.example.com',
      authorization_servers: ['https://idp.example.com'],
      bearer_methods_supported: ['header'],
    });
  });

  it('refuses a resource that is not an absolute URL and an empty server list', () => {
    expect(() =>
      protectedResourceMetadata({ resource: '/mcp', authorizationServers: ['https://a'] }),
    ).toThrow();
    expect(() =>
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp#x',
        authorizationServers: ['https://a'],
      }),
    ).toThrow(/fragment/);
    expect(() =>
      protectedResourceMetadata({ resource: 'https://mcp.example.com', authorizationServers: [] }),
    ).toThrow();
  });
});

describe('resourceMetadataPaths', () => {
  it('puts the well-known segment between host and path', () => {
    expect(resourceMetadataPaths('https://mcp.example.com/mcp')).toEqual({
      pathSuffixed: '/.well-known/oauth-protected-resource/mcp',
      root: '/.well-known/oauth-protected-resource',
      url: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    });
    expect(resourceMetadataPaths('http://127.0.0.1:3000/tenant/a/mcp').url).toBe(
      'http://127.0.0.1:3000/.well-known/oauth-protected-resource/tenant/a/mcp',
    );
  });

  it('uses the root form alone for a resource without a path', () => {
    expect(resourceMetadataPaths('https://mcp.example.com/').pathSuffixed).toBe(
      '/.well-known/oauth-protected-resource',
    );
  });

  it('refuses a query or fragment', () => {
    expect(() => resourceMetadataPaths('https://mcp.example.com/mcp?x=1')).toThrow(/query/);
    expect(() => resourceMetadataPaths('https://mcp.example.com/mcp#x')).toThrow(/fragment/);
  });
});

import { describe, expect, it } from 'vitest';
import { type ContentFacts, CqlError, parseCql, textMatches } from '../../../src/sandbox/cql.js';
import type { SandboxPage } from '../../../src/sandbox/model.js';

function facts(over: Partial<ContentFacts> & { labels?: string[] } = {}): ContentFacts {
  const page = {
    id: '42',
    spaceId: '1',
    parentId: '7',
    status: 'current',
    authorId: 'u1',
    ownerId: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    versions: [],
    labels: new Set(over.labels ?? ['runbook']),
    viewRestriction: undefined,
    editRestriction: undefined,
    position: 0,
  } as SandboxPage;
  return {
    page,
    title: 'Deploying the billing service',
    text: 'Run kubectl apply, then watch the rollout.',
    spaceKey: 'ENG',
    ancestors: ['7', '1'],
    modified: '2026-02-01T00:00:00.000Z',
    currentUser: 'u1',
    now: Date.parse('2026-03-01T00:00:00Z'),
    ...over,
  };
}

describe('sandbox CQL', () => {
  it.each([
    ['text ~ "kubectl rollout"', true],
    ['text ~ "kubectl helm"', false],
    ['title ~ deploy*', true],
    ['space = ENG AND label = runbook', true],
    ['space = "HR" OR label = "runbook"', true],
    ['space in (HR, OPS)', false],
    ['NOT space = ENG', false],
    ['(space = HR OR title ~ billing) AND type = page', true],
    ['label != runbook', false],
    ['ancestor = 1', true],
    ['parent = 7 and id = 42', true],
    ['creator = currentUser()', true],
    ['lastmodified > "2026-01-15"', true],
    ['created >= now("-4w")', false],
    ['text ~ "kubectl" order by lastmodified desc', true],
    // AND binds tighter than OR, as in Confluence: ENG OR (HR AND nope).
    ['space = ENG OR space = HR AND label = nope', true],
    ['(space = ENG OR space = HR) AND label = nope', false],
    ['space not in (HR, OPS)', true],
    ['NOT space in (ENG)', false],
    // Ids are integers to Confluence, whatever their spelling.
    ['id = 0042', true],
    ['parent in (007)', true],
    ['space.id = 01', true],
    ['ancestor = 0001', true],
  ])('%s matches: %s', (cql, expected) => {
    expect(parseCql(cql).matchesContent(facts())).toBe(expected);
  });

  it.each(['text ~', 'space = (ENG', 'title ~ "unterminated', 'space ! ENG', 'AND space = ENG'])(
    'refuses malformed CQL %j',
    (cql) => {
      expect(() => parseCql(cql).matchesContent(facts())).toThrow(CqlError);
    },
  );

  it('refuses fields it does not know rather than matching everything', () => {
    expect(() => parseCql('favourite = yes').matchesContent(facts())).toThrow(/not supported/);
  });

  it('matches whole words and prefixes, case-insensitively', () => {
    expect(textMatches('Kubernetes upgrade', 'kube*')).toBe(true);
    expect(textMatches('Kubernetes upgrade', 'kube')).toBe(false);
    expect(textMatches('Zürich office', 'zürich')).toBe(true);
  });

  it('searches users by name', () => {
    const user = {
      accountId: 'u9',
      displayName: 'Jane Doe',
      publicName: 'jane',
      email: 'j@x',
      timeZone: 'UTC',
      accountType: 'atlassian' as const,
    };
    expect(parseCql('user.fullname ~ "jane"').userPredicate()(user)).toBe(true);
    expect(parseCql('user.fullname ~ "john"').userPredicate()(user)).toBe(false);
  });
});

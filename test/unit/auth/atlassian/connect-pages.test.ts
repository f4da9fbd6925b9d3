// What each page of a connect link says and how it is served, checked in the process: the browser tests see the same
// pages through real Chromium, but they start servers in child processes, out of reach of mutation testing.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { LinkRecord } from '../../../../src/auth/atlassian/connect-links.js';
import {
  confirmationPage,
  declinedPage,
  expiredLinkPage,
  failurePage,
  identityOf,
  notForYouPage,
  notFromPagePage,
  signInPage,
  signInUnavailablePage,
} from '../../../../src/auth/atlassian/connect-pages.js';
import { cookies, html, sendPage } from '../../../../src/auth/atlassian/pages.js';

interface Sent {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** The page's heading, as a person reads it. */
  heading: string;
  /** The text of the page's body after its heading, tags removed and entities read. */
  text: string;
}

/** A response that records what a page wrote. */
function capture(write: (res: ServerResponse) => void): Sent {
  const sent = { status: 0, headers: {} as Record<string, string | string[]>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, string | string[]>) {
      sent.status = status;
      sent.headers = headers;
      return this;
    },
    end(body: string) {
      sent.body = body;
      return this;
    },
  } as unknown as ServerResponse;
  write(res);
  const read = (markup: string) =>
    markup
      .replace(/<\/?(?:strong|code|small)>/g, '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim();
  const heading = read(/<h1>(.*?)<\/h1>/s.exec(sent.body)?.[1] ?? '');
  const text = read(sent.body.split('</h1>')[1] ?? '');
  return { ...sent, heading, text };
}

const link = (who: LinkRecord['who']): LinkRecord => ({
  userKey: 'issuer|subject',
  who,
  nonce: 'n'.repeat(43),
  csrf: 'csrf-token-value',
  expiresAt: Date.now() + 60_000,
});

const cookie = { 'set-cookie': 'cmcp_csrf=abc; HttpOnly' };

describe('identityOf', () => {
  it('keeps every part of a caller a person may be shown, and only those', () => {
    expect(
      identityOf({
        userKey: 'https://idp.example|u-1',
        label: 'ada@example.com',
        issuer: 'https://idp.example',
        subject: 'u-1',
        verifiedEmail: 'ada@example.com',
        claimedName: 'Ada',
      }),
    ).toStrictEqual({
      label: 'ada@example.com',
      issuer: 'https://idp.example',
      subject: 'u-1',
      verifiedEmail: 'ada@example.com',
      claimedName: 'Ada',
    });
  });

  it('leaves out what the caller does not have, rather than keeping empty fields', () => {
    expect(identityOf({ userKey: 'local', label: 'you (this computer)' })).toStrictEqual({
      label: 'you (this computer)',
    });
    expect(identityOf({ userKey: 'k', label: 'L', subject: 's' })).toStrictEqual({
      label: 'L',
      subject: 's',
    });
  });
});

describe('the confirmation page', () => {
  it('names the account by issuer and subject, the verified email first, and the claimed name as unverified', () => {
    const page = capture((res) =>
      confirmationPage(
        res,
        'LINK-ID',
        link({
          label: 'ada@example.com',
          issuer: 'https://idp.example',
          subject: 'u-1',
          verifiedEmail: 'ada@example.com',
          claimedName: 'Ada <Admin>',
        }),
        cookie,
        'https://auth.atlassian.com',
      ),
    );
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Connect your Atlassian account');
    expect(page.text).toContain(
      'An AI assistant asked to use Confluence on behalf of: ada@example.com account u-1 at https://idp.example ' +
        'Name given by the requester, not verified: “Ada <Admin>”',
    );
    // The claimed name is text, never markup.
    expect(page.body).toContain('“Ada &lt;Admin&gt;”');
    expect(page.body).toContain(
      '<form method="post" action="/connect/LINK-ID"><input type="hidden" name="csrf" value="csrf-token-value">',
    );
    expect(page.text).toContain('Continue to Atlassian This is not me');
    expect(page.headers['set-cookie']).toBe(cookie['set-cookie']);
    // The form may continue to Atlassian's consent page, and nowhere else but here.
    expect(page.headers['content-security-policy']).toContain(
      "form-action 'self' https://auth.atlassian.com;",
    );
  });

  it('names no account when it knows only one of issuer and subject, and shows the label without an email', () => {
    for (const who of [
      { label: 'u-1 at idp', subject: 'u-1' },
      { label: 'u-1 at idp', issuer: 'https://idp.example' },
    ]) {
      const page = capture((res) => confirmationPage(res, 'ID', link(who), cookie, 'https://auth.example'));
      expect(page.text).toContain('on behalf of: u-1 at idp Continue only if that is you.');
      expect(page.text).not.toContain('account');
      expect(page.text).not.toContain('not verified');
    }
  });
});

describe('the other pages of a link', () => {
  it('asks a browser-login user to sign in at the identity provider, naming no one', () => {
    const page = capture((res) =>
      signInPage(res, 'LINK-ID', link({ label: 'ada@example.com' }), cookie, 'https://idp.example'),
    );
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Sign in to connect your Atlassian account');
    expect(page.text).toContain(
      'Sign in at https://idp.example so this server can check that you are that person',
    );
    expect(page.text).not.toContain('ada@example.com');
    expect(page.body).toContain('name="decision" value="sign-in"');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://idp.example;");
    expect(page.headers['set-cookie']).toBe(cookie['set-cookie']);
  });

  it('after "This is not me", says nothing was connected and warns of a link sent by someone else', () => {
    const page = capture(declinedPage);
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Nothing was connected');
    expect(page.text).toBe(
      'If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.',
    );
  });

  it('refuses a person signed in as someone else by name, with 403', () => {
    const page = capture((res) => notForYouPage(res, 'eve@example.com', { 'set-cookie': 'x=; Max-Age=0' }));
    expect(page.status).toBe(403);
    expect(page.heading).toBe('This link is not for you');
    expect(page.text).toContain(
      'You are signed in as eve@example.com, but this link was made for someone else. Nothing was connected.',
    );
    expect(page.headers['set-cookie']).toBe('x=; Max-Age=0');
  });

  it('refuses a POST that did not come from the page, and says to ask for a new link', () => {
    const page = capture(notFromPagePage);
    expect(page.status).toBe(403);
    expect(page.heading).toBe('This request was not sent from the confirmation page');
    expect(page.text).toBe('Nothing was connected. Ask your assistant for a new link and open it directly.');
  });

  it('says sign-in is unavailable with 503 and when to try again', () => {
    const page = capture(signInUnavailablePage);
    expect(page.status).toBe(503);
    expect(page.heading).toBe('Sign-in is unavailable');
    expect(page.text).toContain('The sign-in service could not be reached.');
    expect(page.headers['retry-after']).toBe('30');
  });

  it('says a spent or expired link works once, for a few minutes, with 410', () => {
    const page = capture((res) => expiredLinkPage(res));
    expect(page.status).toBe(410);
    expect(page.heading).toBe('This link has expired or was already used');
    expect(page.text).toContain('Connect links work once, for a few minutes.');
    expect(page.headers['set-cookie']).toBeUndefined();
    const clearing = capture((res) => expiredLinkPage(res, { 'set-cookie': 'y=; Max-Age=0' }));
    expect(clearing.headers['set-cookie']).toBe('y=; Max-Age=0');
  });

  it('tells a store outage (503, retry, nothing changed) apart from a bug (500, no retry)', () => {
    const down = capture((res) => failurePage(res, true));
    expect(down.status).toBe(503);
    expect(down.heading).toBe('Connecting is unavailable for a moment');
    expect(down.text).toContain('cannot reach its token store right now. Nothing was changed');
    expect(down.headers['retry-after']).toBe('30');

    const bug = capture((res) => failurePage(res, false));
    expect(bug.status).toBe(500);
    expect(bug.heading).toBe('Something went wrong');
    expect(bug.text).toContain('Nothing was connected. Try again shortly');
    expect(bug.headers['retry-after']).toBeUndefined();
  });

  it('serves every page locked down: no store, no framing, no scripts', () => {
    for (const page of [
      capture(declinedPage),
      capture(notFromPagePage),
      capture(signInUnavailablePage),
      capture((res) => failurePage(res, true)),
    ]) {
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['content-security-policy']).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      );
    }
  });
});

describe('the page toolkit', () => {
  it('escapes every character that could end text in an element or an attribute', () => {
    const hostile = `<script>"x" & 'y'</script>`;
    expect(html`<p title="${hostile}">${hostile}</p>`.html).toBe(
      '<p title="&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;">' +
        '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</p>',
    );
    // Markup built here passes as it is.
    expect(html`<p>${html`<b>${'&'}</b>`}</p>`.html).toBe('<p><b>&amp;</b></p>');
  });

  it('sends a page as UTF-8 HTML that no browser sniffs, frames, caches or names in a Referer elsewhere', () => {
    const page = capture((res) => sendPage(res, 200, 'A & B', html`<p>x</p>`));
    expect(page.heading).toBe('A & B');
    expect(page.body).toContain('<title>A &amp; B</title>');
    expect(page.headers).toStrictEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    });
  });

  it('reads the cookies of a request by name, trimmed, ignoring parts without a name', () => {
    const jar = cookies(' a = 1 ; b=two=2;=nameless; c; d=');
    expect([...jar]).toEqual([
      ['a', '1'],
      ['b', 'two=2'],
      ['d', ''],
    ]);
    expect([...cookies(undefined)]).toEqual([]);
  });
});

/**
 * A minimal browser for the connect flow: a cookie jar per origin+path, manual redirects, form posts. Enough to
 * walk a person's path through this server's pages and the sandbox's consent page over real HTTP. It sends only
 * what a browser would: a form is posted from the page last loaded, with the `Origin` that page's referrer policy
 * lets a browser send (`null` where it hides the origin), and never from nowhere. The real-Chromium tests
 * (test/e2e/chromium-*.test.ts) check that real browsers get through; this one serves the many refusal tests.
 */
export class Browser {
  readonly #cookies = new Map<string, { value: string; path: string; origin: string }>();
  #page: { url: URL; referrerPolicy: string } | undefined;

  #cookieHeader(url: URL): string {
    return [...this.#cookies.entries()]
      .filter(([, c]) => c.origin === url.origin && url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name.split('|')[0]}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const path =
        attrs
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()));
      const key = `${name}|${url.origin}|${path}`;
      if (expired || !value) this.#cookies.delete(key);
      else this.#cookies.set(key, { value, path, origin: url.origin });
    }
  }

  /** The Origin a browser sends with a form posted from the current page to `target` (Fetch, "serializing a request origin"). */
  #formOrigin(target: URL): string {
    const page = this.#page;
    if (!page)
      throw new Error(`a browser posts a form only from a page it has loaded, not to ${target} from nowhere`);
    const policy = page.referrerPolicy || 'strict-origin-when-cross-origin';
    const sameOrigin = page.url.origin === target.origin;
    if (policy === 'no-referrer') return 'null';
    if (policy === 'same-origin' && !sameOrigin) return 'null';
    const downgrade = page.url.protocol === 'https:' && target.protocol === 'http:';
    if (
      downgrade &&
      ['strict-origin', 'strict-origin-when-cross-origin', 'no-referrer-when-downgrade'].includes(policy)
    )
      return 'null';
    return page.url.origin;
  }

  /**
   * One request; returns the response with its body read as text. Does not follow redirects. A `form` is posted
   * from the page last loaded. `via` sends it to another origin while the browser believes it is at `href` (an
   * instance behind the same public URL).
   */
  async request(method: string, href: string, form?: Record<string, string>, via?: string) {
    const url = new URL(href);
    const headers: Record<string, string> = {};
    const cookie = this.#cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.#formOrigin(url);
      body = new URLSearchParams(form).toString();
    }
    const target = via ? new URL(`${url.pathname}${url.search}`, via) : url;
    const response = await fetch(target, { method, headers, body, redirect: 'manual' });
    this.#store(url, response.headers);
    const text = await response.text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
      // The last policy listed wins, as browsers read the header.
      const policies = (response.headers.get('referrer-policy') ?? '').split(',').map((p) => p.trim());
      this.#page = { url, referrerPolicy: policies.filter(Boolean).pop() ?? '' };
    }
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      text,
      headers: response.headers,
    };
  }
}

/** The value of a hidden form field on a page. */
export function field(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no field ${name} on the page:\n${html.slice(0, 500)}`);
  return value;
}

/** The link a not-connected tool result tells the user to open. */
export function connectLinkIn(text: string): string {
  const link = /(https?:\/\/\S+\/connect\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!link) throw new Error(`no connect link in: ${text}`);
  return link;
}

export interface ConnectOutcome {
  status: number;
  text: string;
}

/**
 * Walks a connect link as a person would: the confirmation page, "Continue", the sandbox's consent page as
 * `accountId`, then the callback. `callbackOrigin` sends the callback to another instance (a fleet behind one URL).
 */
export async function connectThroughSandbox(
  browser: Browser,
  link: string,
  accountId: string,
  options: { decision?: 'approve' | 'deny'; callbackOrigin?: string } = {},
): Promise<ConnectOutcome> {
  const started = await continueFromLink(browser, link);
  if ('status' in started) return started;
  return consentAtSandbox(browser, started.consentUrl, accountId, options);
}

/** The confirmation page of a link and its "Continue": the consent URL it redirects to, or the page it gave. */
async function continueFromLink(
  browser: Browser,
  link: string,
): Promise<{ consentUrl: string } | ConnectOutcome> {
  const confirm = await browser.request('GET', link);
  if (confirm.status !== 200) return { status: confirm.status, text: confirm.text };
  const started = await browser.request('POST', link, {
    csrf: field(confirm.text, 'csrf'),
    decision: 'continue',
  });
  if (started.status !== 303 || !started.location) return { status: started.status, text: started.text };
  return { consentUrl: started.location };
}

/**
 * Walks a link through confirmation and the sandbox's consent as `accountId`, stopping before the callback: the
 * callback URL is returned, for tests that deliver it late, twice, altered or from another browser.
 */
export async function callbackFor(browser: Browser, link: string, accountId: string): Promise<string> {
  const started = await continueFromLink(browser, link);
  if ('status' in started)
    throw new Error(`the link did not lead to consent: ${started.status} ${started.text}`);
  const consent = await browser.request('GET', started.consentUrl);
  const decided = await browser.request('POST', new URL('/authorize', started.consentUrl).toString(), {
    request: field(consent.text, 'request'),
    decision: 'approve',
    account_id: accountId,
  });
  if (!decided.location)
    throw new Error(`the sandbox did not redirect back: ${decided.status} ${decided.text}`);
  return decided.location;
}

/**
 * From a redirect to the sandbox's Atlassian consent page: consent (or deny) as `accountId`, then follow the
 * redirect back to the server's callback.
 */
export async function consentAtSandbox(
  browser: Browser,
  consentUrl: string,
  accountId: string,
  options: { decision?: 'approve' | 'deny'; callbackOrigin?: string } = {},
): Promise<ConnectOutcome> {
  const consent = await browser.request('GET', consentUrl);
  const authorize = new URL('/authorize', consentUrl).toString();
  const decided = await browser.request('POST', authorize, {
    request: field(consent.text, 'request'),
    decision: options.decision ?? 'approve',
    account_id: accountId,
  });
  if (!decided.location)
    throw new Error(`the sandbox did not redirect back: ${decided.status} ${decided.text}`);
  const done = await browser.request('GET', decided.location, undefined, options.callbackOrigin);
  return { status: done.status, text: done.text };
}

/**
 * From a redirect to the sandbox identity provider's sign-in (`/idp/authorize`): signs in as `subject` on its page,
 * or cancels. Returns where the provider sends the browser back (the server's login callback); when the provider
 * signs in by itself (`idpAutoLogin`) there is no page and that redirect comes at once.
 */
export async function signInAtSandboxIdp(
  browser: Browser,
  authorizeUrl: string,
  choice: { subject: string } | 'cancel',
): Promise<string> {
  const shown = await browser.request('GET', authorizeUrl);
  if (shown.status === 302 && shown.location) return shown.location;
  if (shown.status !== 200) throw new Error(`no sign-in page: ${shown.status} ${shown.text}`);
  const decided = await browser.request(
    'POST',
    new URL('/idp/authorize', authorizeUrl).toString(),
    choice === 'cancel'
      ? { request: field(shown.text, 'request'), decision: 'cancel' }
      : { request: field(shown.text, 'request'), subject: choice.subject },
  );
  if (!decided.location)
    throw new Error(`the identity provider did not redirect back: ${decided.status} ${decided.text}`);
  return decided.location;
}

/**
 * Opens a connect link on a server with browser login and presses "Sign in": the answer is a redirect to the
 * identity provider, or the page the server gave instead.
 */
export async function startSignIn(browser: Browser, link: string) {
  const page = await browser.request('GET', link);
  if (page.status !== 200) return page;
  return browser.request('POST', link, { csrf: field(page.text, 'csrf'), decision: 'sign-in' });
}

/**
 * Walks a connect link on a server with browser login: the redirect to the identity provider, signing in there as
 * `subject`, the login callback, then Atlassian consent as `accountId` when the server lets the browser continue.
 */
export async function connectWithBrowserLogin(
  browser: Browser,
  link: string,
  subject: string,
  accountId: string,
): Promise<ConnectOutcome> {
  const opened = await startSignIn(browser, link);
  if (opened.status !== 303 || !opened.location) return { status: opened.status, text: opened.text };
  const callback = await signInAtSandboxIdp(browser, opened.location, { subject });
  const back = await browser.request('GET', callback);
  if (back.status !== 303 || !back.location) return { status: back.status, text: back.text };
  return consentAtSandbox(browser, back.location, accountId);
}

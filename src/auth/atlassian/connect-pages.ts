import type { ServerResponse } from 'node:http';
import type { Caller } from '../session.js';
import type { LinkIdentity, LinkRecord } from './connect-links.js';
import { html, sendPage } from './pages.js';

/** What a link keeps of its caller, to name them on the confirmation page. */
export function identityOf(caller: Caller): LinkIdentity {
  return {
    label: caller.label,
    ...(caller.issuer ? { issuer: caller.issuer } : {}),
    ...(caller.subject ? { subject: caller.subject } : {}),
    ...(caller.verifiedEmail ? { verifiedEmail: caller.verifiedEmail } : {}),
    ...(caller.claimedName ? { claimedName: caller.claimedName } : {}),
  };
}

/** How a link names its user on the confirmation page: the provider's word first, the claimed name last. */
function identityBlock(who: LinkIdentity): { html: string } {
  const account =
    who.subject && who.issuer
      ? html`<br>account <code>${who.subject}</code> at <code>${who.issuer}</code>`
      : html``;
  const claimed = who.claimedName
    ? html`<br><small>Name given by the requester, not verified: “${who.claimedName}”</small>`
    : html``;
  return html`<p class="who"><strong>${who.verifiedEmail ?? who.label}</strong>${account}${claimed}</p>`;
}

/** The confirmation page of a link: who it is for, and a form whose POST continues to Atlassian (`authOrigin`). */
export function confirmationPage(
  res: ServerResponse,
  id: string,
  link: LinkRecord,
  csrfCookie: Record<string, string>,
  authOrigin: string,
): void {
  sendPage(
    res,
    200,
    'Connect your Atlassian account',
    html`<p>An AI assistant asked to use Confluence on behalf of:</p>
${identityBlock(link.who)}
<p>Continue only if that is you. You will choose which Atlassian sites to allow on the next page.</p>
<form method="post" action="/connect/${id}"><input type="hidden" name="csrf" value="${link.csrf}">
<button type="submit" name="decision" value="continue">Continue to Atlassian</button>
<button type="submit" name="decision" value="cancel">This is not me</button></form>`,
    csrfCookie,
    [authOrigin],
  );
}

/**
 * The page of a link under browser login: it names no one (whoever opened it proves who they are by signing in),
 * and its button's POST goes on to the identity provider at `idpOrigin`.
 */
export function signInPage(
  res: ServerResponse,
  id: string,
  link: LinkRecord,
  csrfCookie: Record<string, string>,
  idpOrigin: string,
): void {
  sendPage(
    res,
    200,
    'Sign in to connect your Atlassian account',
    html`<p>An AI assistant asked to use Confluence on behalf of the person this link was made for.</p>
<p>Sign in at <code>${idpOrigin}</code> so this server can check that you are that person; only then will you choose which Atlassian sites to allow.</p>
<form method="post" action="/connect/${id}"><input type="hidden" name="csrf" value="${link.csrf}">
<button type="submit" name="decision" value="sign-in">Sign in</button></form>`,
    csrfCookie,
    [idpOrigin],
  );
}

/** After "This is not me". */
export function declinedPage(res: ServerResponse): void {
  sendPage(
    res,
    200,
    'Nothing was connected',
    html`<p>If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.</p>`,
  );
}

/** The person who signed in is not the link's user. */
export function notForYouPage(
  res: ServerResponse,
  signedInAs: string,
  headers: Record<string, string>,
): void {
  sendPage(
    res,
    403,
    'This link is not for you',
    html`<p>You are signed in as <strong>${signedInAs}</strong>, but this link was made for someone else. Nothing was connected.</p>
<p>If someone sent you this link, they may have tried to use your Atlassian account. You can close this window.</p>`,
    headers,
  );
}

/** A POST without the page's CSRF token and cookie. */
export function notFromPagePage(res: ServerResponse): void {
  sendPage(
    res,
    403,
    'This request was not sent from the confirmation page',
    html`<p>Nothing was connected. Ask your assistant for a new link and open it directly.</p>`,
  );
}

/** The identity provider cannot be reached. */
export function signInUnavailablePage(res: ServerResponse): void {
  sendPage(
    res,
    503,
    'Sign-in is unavailable',
    html`<p>The sign-in service could not be reached. Try the link again in a moment.</p>`,
    { 'retry-after': '30' },
  );
}

/** An unknown, spent or expired link. */
export function expiredLinkPage(res: ServerResponse, headers: Record<string, string> = {}): void {
  sendPage(
    res,
    410,
    'This link has expired or was already used',
    html`<p>Connect links work once, for a few minutes. Ask your assistant again to get a new one.</p>`,
    headers,
  );
}

/** A failure while answering: the token store down (503, nothing changed), or a bug (500). */
export function failurePage(res: ServerResponse, storeDown: boolean): void {
  sendPage(
    res,
    storeDown ? 503 : 500,
    storeDown ? 'Connecting is unavailable for a moment' : 'Something went wrong',
    storeDown
      ? html`<p>This server cannot reach its token store right now. Nothing was changed: try again shortly.</p>`
      : html`<p>Nothing was connected. Try again shortly; if it keeps happening, tell this server’s operator.</p>`,
    storeDown ? { 'retry-after': '30' } : {},
  );
}

/** Shapes and small builders for describing the public Fleet API v3. */

export interface ApiField {
  name: string;
  type: string;
  example: unknown;
  description: string;
  /** Whether clients may set it on create/update. */
  writable?: boolean;
}

export interface ApiAction {
  name: string;
  method: 'POST' | 'GET' | 'PUT';
  description: string;
  body?: readonly ApiField[];
}

export interface ApiResource {
  path: string;
  singular: string;
  idExample: string;
  description: string;
  scope: string;
  fields: readonly ApiField[];
  filters: readonly ApiField[];
  actions?: readonly ApiAction[];
  /** Whether the resource supports create, update and delete. */
  readOnly?: boolean;
}

/** A field of an API object, parameter or body. */
export const f = (
  name: string,
  type: string,
  example: unknown,
  description: string,
  writable = false,
): ApiField => ({
  name,
  type,
  example,
  description,
  writable,
});

export const created = f(
  'created_at',
  'string (date-time)',
  '2026-02-03T09:14:07Z',
  'When the object was created.',
);
export const updated = f(
  'updated_at',
  'string (date-time)',
  '2026-02-11T16:40:21Z',
  'When the object last changed.',
);
export const siteFilter = f('site_id', 'string', 'site-0042', 'Only objects at this site.');

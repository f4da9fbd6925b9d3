export * from './groups.js';
export * from './labels.js';
export * from './pages.js';
export * from './search.js';
export * from './site.js';
export * from './spaces.js';
export * from './users.js';

import { useSyncExternalStore } from 'react';
import type { BaseLocationHook } from 'wouter';

/*
 * Hash routes with a query in the hash: `#/preview?connection=…&table=…`. wouter's own hash
 * location counts the `?…` as part of the path (so `/preview` would not match) and reads
 * `useSearch` from the page's real query string. This location gives routes the path alone and
 * `useSearch` the hash's query, and its navigate keeps both in the hash, so such links work from
 * file:// as well as over HTTP.
 */

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) addEventListener('hashchange', notify);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) removeEventListener('hashchange', notify);
  };
}

/** The hash without `#` and the leading `/`, split at its `?`. */
function hashParts(): [path: string, search: string] {
  const hash = location.hash.replace(/^#?\/?/, '');
  const at = hash.indexOf('?');
  return at < 0 ? [hash, ''] : [hash.slice(0, at), hash.slice(at + 1)];
}

const currentPath = () => `/${hashParts()[0]}`;
const currentSearch = () => hashParts()[1];

/** Goes to `to` (`/preview?table=x`), kept whole in the hash. */
export function navigateInHash(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  const oldURL = location.href;
  const url = new URL(oldURL);
  url.hash = `/${to.replace(/^#?\/?/, '')}`;
  history[options.replace ? 'replaceState' : 'pushState'](options.state ?? null, '', url.href);
  dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: url.href }));
}

/** The query of the hash (`connection=…&table=…`), what `useSearch` returns under this location. */
export function useHashSearch(): string {
  return useSyncExternalStore(subscribe, currentSearch, () => '');
}

function useHashPath(): [string, typeof navigateInHash] {
  return [useSyncExternalStore(subscribe, currentPath, () => '/'), navigateInHash];
}

/** wouter's location hook for hash routes whose hash may carry a query; give it to `<Router hook>`. */
export const useHashRoute: BaseLocationHook = Object.assign(useHashPath, {
  hrefs: (href: string) => `#${href}`,
  searchHook: useHashSearch,
});

import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogEntry } from '../../src-shared/api/log-model';
import { api, studio } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import {
  addLive,
  entryOfEvent,
  isLive,
  matchesFilter,
  queryInput,
  type LogViewFilter,
} from './log-view-model';

/** Lines per query page. */
const PAGE = 200;
/** Live lines are put on screen at most this often, so a chatty run does not re-render per line. */
const FLUSH_MS = 150;

/** What a log view shows and can do: a queried page, older pages, and live lines on top. */
export interface LogFeed {
  /** Newest first. */
  entries: LogEntry[];
  loading: boolean;
  error: ErrorText | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder(): void;
  /** Whether new lines can arrive for this filter (its range does not end in the past). */
  live: boolean;
  paused: boolean;
  setPaused(paused: boolean): void;
  /** Lines that arrived while paused, shown on resuming. */
  waiting: number;
  /** Older lines were dropped to keep the view light while following. */
  dropped: boolean;
}

/**
 * Loads the newest page for `filter` and follows the event stream: matching `log_entry` lines go
 * on top (or wait while paused). Lines that arrive while the page loads are merged in, not lost.
 */
export function useLogFeed(filter: LogViewFilter): LogFeed {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ErrorText | null>(null);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [paused, setPausedState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [dropped, setDropped] = useState(false);
  const pausedRef = useRef(false);
  const held = useRef<LogEntry[]>([]);
  /** Bumped when the filter changes, so an older page asked for under the last one is dropped. */
  const generation = useRef(0);
  const key = JSON.stringify(filter);
  const live = isLive(filter);

  const show = useCallback((arrived: LogEntry[]) => {
    if (arrived.length === 0) return;
    setEntries((shown) => {
      const next = addLive(shown, arrived);
      if (next.dropped) {
        setDropped(true);
        setNextBefore(null);
      }
      return next.entries;
    });
  }, []);

  useEffect(() => {
    let current = true;
    let loaded = false;
    generation.current++;
    const early: LogEntry[] = [];
    let queue: LogEntry[] = [];
    held.current = [];
    setEntries([]);
    setLoading(true);
    setError(null);
    setDropped(false);
    setWaiting(0);
    setLoadingOlder(false);
    setNextBefore(null);
    const flush = setInterval(() => {
      if (queue.length === 0) return;
      const arrived = queue;
      queue = [];
      if (pausedRef.current) {
        held.current.push(...arrived);
        setWaiting(held.current.length);
      } else show(arrived);
    }, FLUSH_MS);
    const unsubscribe = live
      ? studio.onEvent((event) => {
          const entry = entryOfEvent(event);
          if (!entry || !matchesFilter(entry, filter)) return;
          (loaded ? queue : early).push(entry);
        })
      : () => undefined;
    api.queryLogs({ ...queryInput(filter), limit: PAGE }).then(
      (page) => {
        if (!current) return;
        loaded = true;
        setEntries(addLive(page.entries, early, { overlap: true }).entries);
        setNextBefore(page.next_before);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        loaded = true;
        setError(errorText(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
      clearInterval(flush);
      unsubscribe();
    };
    // `key` stands for the filter's contents; `filter` itself is a fresh object each render.
  }, [key, live, show]);

  const loadOlder = useCallback(() => {
    if (!nextBefore || loadingOlder) return;
    setLoadingOlder(true);
    const asked = generation.current;
    api.queryLogs({ ...queryInput(filter), limit: PAGE, before: nextBefore }).then(
      (page) => {
        if (asked !== generation.current) return;
        setEntries((shown) => [...shown, ...page.entries]);
        setNextBefore(page.next_before);
        setLoadingOlder(false);
      },
      (failure: unknown) => {
        if (asked !== generation.current) return;
        setError(errorText(failure));
        setLoadingOlder(false);
      },
    );
    // The filter is `key`; a page of another filter is dropped (see `generation`).
  }, [key, nextBefore, loadingOlder]);

  const setPaused = useCallback(
    (next: boolean) => {
      pausedRef.current = next;
      setPausedState(next);
      if (!next) {
        show(held.current);
        held.current = [];
        setWaiting(0);
      }
    },
    [show],
  );

  return {
    entries,
    loading,
    error,
    hasOlder: nextBefore !== null,
    loadingOlder,
    loadOlder,
    live,
    paused,
    setPaused,
    waiting,
    dropped,
  };
}

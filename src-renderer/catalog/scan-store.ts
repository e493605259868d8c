import { useEffect } from 'react';
import { create } from 'zustand';
import type { StudioClient } from '../../src-shared/api/contract';
import type { StudioEvent } from '../../src-shared/api/model';
import { studio } from '../api/client';

/** The latest `catalog_scan` event of a connection: a scan's live state. */
export type LiveScan = Omit<Extract<StudioEvent, { type: 'catalog_scan' }>, 'type'>;

interface ScanStoreState {
  /** By connection id. */
  live: Record<string, LiveScan>;
  apply(event: StudioEvent): void;
}

/** Live scan state of every connection, from the event stream. */
export const useScanStore = create<ScanStoreState>((set) => ({
  live: {},
  apply: (event) => {
    if (event.type !== 'catalog_scan') return;
    const { type: _type, ...scan } = event;
    set((state) => ({ live: { ...state.live, [scan.connection_id]: scan } }));
  },
}));

let unsubscribe: (() => void) | undefined;

/** Feeds the store from a client's events (once; views that need it call it as they mount). */
export function connectScanStore(client: StudioClient = studio): void {
  unsubscribe ??= client.onEvent((event) => useScanStore.getState().apply(event));
}

/** The live state of the connection's current or latest scan, if one ran since the page opened. */
export function useLiveScan(connectionId: string | undefined): LiveScan | undefined {
  useEffect(() => connectScanStore(), []);
  return useScanStore((state) => (connectionId === undefined ? undefined : state.live[connectionId]));
}

/**
 * A number that changes whenever a scan of the connection ends (or any connection's, without
 * an id): lists put it in their reload dependencies.
 */
export function useScanVersion(connectionId?: string): string {
  useEffect(() => connectScanStore(), []);
  return useScanStore((state) =>
    Object.values(state.live)
      .filter(
        (scan) =>
          scan.status !== 'running' && (connectionId === undefined || scan.connection_id === connectionId),
      )
      .map((scan) => `${scan.scan_id}:${scan.status}`)
      .sort()
      .join(','),
  );
}

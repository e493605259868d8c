import type { TableMarker } from '../../connectors/shared/sql/introspection';
import type { ScanMode } from '../../src-shared/api/catalog-model';
import type { StoredTable } from '../store/catalog-repo';

/*
 * Which tables an incremental scan reads again: those the database says may have changed since
 * the last scan. The rest keep what the catalog has.
 */

/** What a scan knows about one listed table when it decides whether to read it again. */
export interface ChangeEvidence {
  mode: ScanMode;
  /** The catalog's row, absent for a table never seen. */
  stored?: Pick<StoredTable, 'signature' | 'structureHash' | 'removedAt'>;
  /** The database's marker now; absent where it gives none (then the table is read). */
  marker?: TableMarker;
  /** The server clock when the previous scan read the markers (`TableMarkers.asOf`). */
  previousAsOf?: string | null;
}

/** Why a table is read again, or `undefined` when it is skipped as unchanged. */
export type ReadReason =
  'full scan' | 'new' | 'never described' | 'no marker' | 'marker changed' | 'changed since last scan';

/** The reason to read a table again in this scan, or undefined when the catalog's copy still holds. */
export function readReason({ mode, stored, marker, previousAsOf }: ChangeEvidence): ReadReason | undefined {
  if (mode === 'full') return 'full scan';
  if (!stored || stored.removedAt !== null) return 'new';
  if (stored.structureHash === null || stored.signature === null) return 'never described';
  if (!marker) return 'no marker';
  if (marker.signature !== stored.signature) return 'marker changed';
  // Times are whole seconds: a change within the second the previous markers were read has the
  // same time as before, so "not before the previous read" counts as changed.
  if (marker.changedAt !== undefined && previousAsOf && marker.changedAt >= previousAsOf)
    return 'changed since last scan';
  return undefined;
}

import { Type as T } from '@sinclair/typebox';
import { AuditExport, AuditExportFormat, AuditFilters, AuditPage } from './audit-model';
import { route } from './route';

/** The audit log: read and export (entries are written by the studio itself, never through the API). */
export const auditRoutes = {
  listAudit: route({
    method: 'GET',
    path: '/audit',
    input: T.Object({
      ...AuditFilters,
      limit: T.Integer({ minimum: 1, maximum: 500 }),
      offset: T.Integer({ minimum: 0 }),
    }),
    output: AuditPage,
    summary: 'Audit log entries matching the filters, newest first, one page',
  }),
  exportAudit: route({
    method: 'GET',
    path: '/audit/export',
    input: T.Object({ ...AuditFilters, format: AuditExportFormat }),
    output: AuditExport,
    summary: 'Every audit log entry matching the filters as CSV or JSON Lines, oldest first',
  }),
} as const;

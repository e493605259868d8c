import { Dashboard, DashboardQuery } from './monitor-model';
import { route } from './route';

/** Monitoring: the dashboard (Prometheus scrapes `GET /metrics` outside the API). */
export const monitorRoutes = {
  getDashboard: route({
    method: 'GET',
    path: '/dashboard',
    input: DashboardQuery,
    output: Dashboard,
    summary:
      'Job counts and success rate, rows today/this week/this month, active runs, recent failures, rows and write latency per minute over the last hour',
  }),
} as const;

import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Router, Switch, useRoute } from 'wouter';
import { LANGUAGES, isLanguageCode } from '../../src-shared/i18n/messages';
import { CatalogPage } from '../catalog/catalog-page';
import { ConnectionsPage } from '../connections/connections-page';
import { DashboardPage } from '../monitor/dashboard-page';
import { DeadLettersPage } from '../deadletters/dead-letters-page';
import { JobPage } from '../jobs/job-page';
import { NewJobPage } from '../jobs/new-job-page';
import { Notifications } from './notifications';
import { JobsPage } from '../jobs/jobs-page';
import { PluginsPage } from '../plugins/plugins-page';
import { useHashRoute } from './hash-location';
import { PreviewPage } from '../preview/preview-page';
import { changeLanguage } from './i18n';
import { SettingsPage } from '../settings/settings-page';
import { AuditPage } from '../audit/audit-page';
import { AlertsPage } from '../alerts/alerts-page';
import { LogsPage } from '../logs/logs-page';

function NavItem({
  href,
  match,
  label,
  testId,
}: {
  href: string;
  match: string;
  label: string;
  testId: string;
}) {
  const [active] = useRoute(match);
  return (
    <Link href={href} className={active ? 'nav-item active' : 'nav-item'} data-testid={testId}>
      {label}
    </Link>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language-switch">
      <span>{t('app.language')}</span>
      <select
        data-testid="language-switch"
        value={i18n.language}
        onChange={(event) => {
          if (isLanguageCode(event.target.value)) void changeLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The studio frame: header, left navigation and the routed page (hash routes work from file:// too). */
export function App() {
  const { t } = useTranslation();
  return (
    <Router hook={useHashRoute}>
      <div className="app">
        <header className="app-header">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              F
            </span>
            {t('app.title')}
          </div>
          <LanguageSwitch />
        </header>
        <nav className="app-nav">
          <NavItem href="/dashboard" match="/dashboard" label={t('monitor.nav')} testId="nav-dashboard" />
          <NavItem href="/jobs" match="/jobs/*?" label={t('nav.jobs')} testId="nav-jobs" />
          <NavItem
            href="/connections"
            match="/connections"
            label={t('nav.connections')}
            testId="nav-connections"
          />
          <NavItem href="/preview" match="/preview" label={t('nav.preview')} testId="nav-preview" />
          <NavItem href="/catalog" match="/catalog" label={t('nav.catalog')} testId="nav-catalog" />
          <NavItem href="/plugins" match="/plugins/*?" label={t('nav.plugins')} testId="nav-plugins" />
          <NavItem href="/logs" match="/logs" label={t('logs.nav')} testId="nav-logs" />
          <NavItem href="/alerts" match="/alerts" label={t('admin.nav.alerts')} testId="nav-alerts" />
          <NavItem href="/audit" match="/audit" label={t('admin.nav.audit')} testId="nav-audit" />
          <NavItem href="/settings" match="/settings" label={t('admin.nav.settings')} testId="nav-settings" />
        </nav>
        <main className="app-main">
          <Switch>
            <Route path="/dashboard" component={DashboardPage} />
            <Route path="/jobs" component={JobsPage} />
            <Route path="/jobs/new" component={NewJobPage} />
            <Route path="/jobs/:id/executions/:execution/dead-letters">
              {(params) => (
                <DeadLettersPage key={params.execution} jobId={params.id} executionId={params.execution} />
              )}
            </Route>
            <Route path="/jobs/:id">{(params) => <JobPage key={params.id} id={params.id} />}</Route>
            <Route path="/connections" component={ConnectionsPage} />
            <Route path="/preview" component={PreviewPage} />
            <Route path="/catalog" component={CatalogPage} />
            <Route path="/plugins/*?" component={PluginsPage} />
            <Route path="/logs" component={LogsPage} />
            <Route path="/alerts" component={AlertsPage} />
            <Route path="/audit" component={AuditPage} />
            <Route path="/settings" component={SettingsPage} />
            <Route>
              <Redirect to="/jobs" replace />
            </Route>
          </Switch>
        </main>
        <Notifications />
      </div>
    </Router>
  );
}

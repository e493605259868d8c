import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './app/app';
import { initI18n } from './app/i18n';
import { studio } from './api/client';
import { connectNotifications } from './app/notification-store';
import { connectRunStore } from './jobs/run-store';

await initI18n();
connectRunStore(studio);
connectNotifications(studio);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

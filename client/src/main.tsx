import './zod-jitless.ts'; // must stay first: see there
import './stylesheets.ts'; // before the app: fixes the order of the stylesheets (see there)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

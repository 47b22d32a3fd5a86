import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { pickClient } from './client';
import { DataProvider } from './data/data-provider';
import './styles.css';

const client = pickClient();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <DataProvider client={client}>
        <App />
      </DataProvider>
    </StrictMode>,
  );
}

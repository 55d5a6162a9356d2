import type { ReactNode } from 'react';
import { NavLinks } from './nav-links.tsx';
import { WorkerIndicator } from './worker-indicator.tsx';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <a href="/" className="brand">
          TuneLab
        </a>
        <NavLinks />
        <WorkerIndicator />
      </header>
      <main>{children}</main>
    </>
  );
}

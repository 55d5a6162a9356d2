import type { ReactNode } from 'react';
import { AppShell } from '@/features/shell/app-shell.tsx';
import './globals.css';

export const metadata = { title: 'TuneLab', description: 'Domain adaptation of BERT-style models' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AppShell>{children}</AppShell>
      </body>
    </html>
  );
}

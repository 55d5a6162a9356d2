import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'TuneLab', description: 'Domain adaptation of BERT-style models' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">TuneLab</a>
          <nav>
            <a href="/datasets">Datasets</a>
            <a href="/models">Models</a>
            <a href="/runs">Runs</a>
            <a href="/merges">Merges</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

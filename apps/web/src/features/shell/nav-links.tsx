'use client';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/datasets', label: 'Datasets' },
  { href: '/models', label: 'Models' },
  { href: '/runs', label: 'Runs' },
  { href: '/sweeps', label: 'Sweeps' },
  { href: '/compare', label: 'Compare' },
  { href: '/merges', label: 'Merges' },
  { href: '/analyses', label: 'Analyses' },
  { href: '/synth', label: 'Synthetic' },
] as const;

export function NavLinks() {
  const path = usePathname() ?? '/';
  return (
    <nav>
      {LINKS.map((l) => (
        <a key={l.href} href={l.href} className={path.startsWith(l.href) ? 'active' : undefined}>
          {l.label}
        </a>
      ))}
    </nav>
  );
}

import { useId } from 'react';
import { DEFAULT_BREAKDOWN, platformClauses } from '@parley/shared';

/**
 * The clauses Parley writes into every agreement from the case's settings, shown read-only beside
 * the templates so the mediator sees what surrounds their own wording. The breakdown clause is
 * shown with the default settings; each case's own settings change it on the case page.
 */
export function PlatformClauses() {
  const uid = useId();
  const clauses = platformClauses({ breakdown: DEFAULT_BREAKDOWN });
  return (
    <section className="platform-clauses" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Written by Parley in every agreement</h2>
      <p className="muted">
        These follow each case’s real settings and what the platform does, so they are not part of a template: the breakdown
        procedure follows the case’s breakdown settings, and an assessor on the case adds two clauses that name them. Shown here
        with the default settings.
      </p>
      <ul>
        {clauses.map((c) => (
          <li key={c.id}>
            <details>
              <summary>{c.title}</summary>
              <p>{c.body}</p>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

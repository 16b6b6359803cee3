import { useId } from 'react';
import type { MediatorProfile } from '@parley/shared';
import './consent.css';

/**
 * "Your mediator": who mediates, their organisation and their own statement, shown to the people
 * they invite before they agree to anything [IMI Annex 2, 3.6.14]; with co-mediators, each of
 * them the same way. Labelled as the mediators' own words: the platform passes them on and does
 * not vouch for them.
 */
export function YourMediator({ mediator, coMediators = [] }: { mediator: MediatorProfile; coMediators?: MediatorProfile[] }) {
  const uid = useId();
  const several = coMediators.length > 0;
  return (
    <section className="your-mediator card" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`} className="h3">
        {several ? 'Your mediators' : 'Your mediator'}
      </h2>
      <Profile who={mediator} role={several ? 'leads this mediation' : null} />
      {coMediators.map((m, i) => (
        <Profile key={i} who={m} role="co-mediator" />
      ))}
    </section>
  );
}

function Profile({ who, role }: { who: MediatorProfile; role: string | null }) {
  return (
    <div className="your-mediator-person">
      <p className="your-mediator-name">
        <strong>{who.displayName}</strong>
        {role ? <span className="muted"> · {role}</span> : null}
        {who.organisation ? <span className="muted"> · {who.organisation}</span> : null}
      </p>
      {who.statement ? (
        <>
          <p className="muted your-mediator-source">In their own words:</p>
          <blockquote className="your-mediator-statement">{who.statement}</blockquote>
        </>
      ) : (
        <p className="muted">
          {role ? who.displayName : 'Your mediator'} has not written a statement about themselves. You can ask them about their background
          before you agree.
        </p>
      )}
    </div>
  );
}

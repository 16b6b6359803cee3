import { useId } from 'react';
import type { MediatorProfile } from '@parley/shared';
import './consent.css';

/**
 * "Your mediator": who mediates, their organisation and their own statement, shown to the people
 * they invite before they agree to anything [IMI Annex 2, 3.6.14]. Labelled as the mediator's own
 * words: the platform passes them on and does not vouch for them.
 */
export function YourMediator({ mediator }: { mediator: MediatorProfile }) {
  const uid = useId();
  return (
    <section className="your-mediator card" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`} className="h3">
        Your mediator
      </h2>
      <p className="your-mediator-name">
        <strong>{mediator.displayName}</strong>
        {mediator.organisation ? <span className="muted"> · {mediator.organisation}</span> : null}
      </p>
      {mediator.statement ? (
        <>
          <p className="muted your-mediator-source">In their own words:</p>
          <blockquote className="your-mediator-statement">{mediator.statement}</blockquote>
        </>
      ) : (
        <p className="muted">Your mediator has not written a statement about themselves. You can ask them about their background before you agree.</p>
      )}
    </section>
  );
}

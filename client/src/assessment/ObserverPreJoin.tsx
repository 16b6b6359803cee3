import type { ReactNode } from 'react';
import { PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';

/**
 * Before an assessor joins. They never publish (threats #2), so there is no camera check: the
 * browser does not even ask for the camera or microphone, and nobody's camera light comes on.
 */
export function ObserverPreJoin({ intro, onJoin }: { intro?: ReactNode; onJoin: () => void }) {
  useDocumentTitle('Join as observer');
  return (
    <Shell narrow>
      <PageHeading>Join as observer</PageHeading>
      {intro}
      <p className="lead">
        You observe the room the mediator is in. Your camera and microphone are not used: nobody sees or hears you, and
        everyone sees you listed as “Assessor (observing)”.
      </p>
      <p className="hint">Use headphones if others are near you: what is said in the mediation is confidential.</p>
      <button type="button" className="button button-primary button-large button-block" onClick={onJoin}>
        Join session
      </button>
    </Shell>
  );
}

import type { ReactNode } from 'react';
import { PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import './assessment.css';

/**
 * Before an assessor joins. They never publish (threats #2), so there is no camera check: the
 * browser does not even ask for the camera or microphone, and nobody's camera light comes on.
 * What observing means and "Join session" come first; the case's other pages (scorecard,
 * messages, draft) follow, as they do below the camera check for a party.
 */
export function ObserverPreJoin({ intro, onJoin }: { intro?: ReactNode; onJoin: () => void }) {
  useDocumentTitle('Join as observer');
  return (
    <Shell narrow>
      <PageHeading>Join as observer</PageHeading>
      <p className="lead">
        You see and hear the room the mediator is in. Your camera and microphone are not used: nobody sees or hears you,
        and everyone sees you listed as “Assessor (observing)”.
      </p>
      <ul className="observer-facts">
        <li>You follow the mediator into a private meeting only if everyone in it agreed. Otherwise you wait outside and see and hear nothing until the mediator comes back.</li>
        <li>Your scorecard is on the session screen, with the videos. Nobody else sees it unless you share it with the mediator.</li>
        <li>Use headphones if others are near you: what is said in the mediation is confidential.</li>
      </ul>
      <button type="button" className="button button-primary button-large button-block" onClick={onJoin}>
        Join session
      </button>
      {intro ? <div className="observer-more">{intro}</div> : null}
    </Shell>
  );
}
